"""Customer Interactions: the party they belong to, and their follow-ups as assignments (ToDo) kept in
step both ways."""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from crm_plus.constants import CUSTOMER_INTERACTION
from crm_plus.services.assignments import open_todo, set_todo_status
from crm_plus.services.complaints.facts import refuse_client_changes
from crm_plus.services.parties import contact_belongs_to, customer_of

PARTY_NAME_FIELD = {"Customer": "customer_name", "Lead": "lead_name", "Prospect": "company_name"}
# A follow-up's outcome: set when it is done (here, or when its assignment is closed), never by a client.
FOLLOW_UP_FACTS = ("follow_up_done_on", "follow_up_on_time")


def validate(doc):
	"""Derive the customer and party name from the party; keep the follow-up fields consistent."""
	refuse_client_changes(doc, FOLLOW_UP_FACTS)
	if doc.party_type not in PARTY_NAME_FIELD:
		frappe.throw(_("Party Type must be Customer, Lead or Prospect"), title=_("Invalid Party Type"))
	if not doc.party:
		frappe.throw(_("Party is required"), frappe.MandatoryError)
	# the look-ups of a batch are read for all its items at once (party_facts); one document reads its own
	facts = doc.flags.party_facts or party_facts([(doc.party_type, doc.party, doc.contact)])
	key = (doc.party_type, doc.party)
	if key in facts["names"]:
		party_name = facts["names"][key]
	else:
		party_name = frappe.db.get_value(doc.party_type, doc.party, PARTY_NAME_FIELD[doc.party_type])
	if party_name is None:
		frappe.throw(
			_("{0} {1} does not exist").format(_(doc.party_type), frappe.bold(doc.party)),
			frappe.LinkValidationError,
		)
	doc.party_name = party_name or doc.party
	if key in facts["customers"]:
		doc.customer = facts["customers"][key]
	else:
		doc.customer = customer_of(doc.party_type, doc.party)
	if doc.contact and doc.party_type == "Customer" and not _contact_belongs_to(doc, facts):
		frappe.throw(
			_("Contact {0} is not linked to Customer {1}").format(
				frappe.bold(doc.contact), frappe.bold(doc.party)
			)
		)
	if doc.reference_doctype and not doc.reference_name:
		frappe.throw(_("Reference is required when a Reference Type is set"), frappe.MandatoryError)
	_validate_follow_up(doc)


def party_facts(parties: list[tuple[str, str, str | None]]) -> dict:
	"""What validate reads of (party type, party, contact) triples, for all of them at once: each party's
	name (None: it does not exist), the customer it is or became, and which contacts are linked to which
	customers. One query per party type, one for the customers of leads and of prospects, one for the
	contacts. Only exact matches are kept: validate reads any other value itself."""
	facts = {"names": {}, "customers": {}, "contacts": {}}
	by_type: dict[str, set[str]] = {}
	for party_type, party, _contact in parties:
		if party_type in PARTY_NAME_FIELD and isinstance(party, str) and party:
			by_type.setdefault(party_type, set()).add(party)
	for party_type, names in by_type.items():
		table = frappe.qb.DocType(party_type)
		rows = (
			frappe.qb.from_(table)
			.select(table.name, table[PARTY_NAME_FIELD[party_type]])
			.where(table.name.isin(list(names)))
			.run()
		)
		found = {name: party_name for name, party_name in rows if name in names}
		facts["names"].update(((party_type, name), party_name) for name, party_name in found.items())
		if party_type == "Customer":
			facts["customers"].update(((party_type, name), name) for name in found)
		elif found:
			# customer_of: the customer made from the lead or prospect (the latest modified, as get_value)
			source = "lead_name" if party_type == "Lead" else "prospect_name"
			customer = frappe.qb.DocType("Customer")
			made = {}
			for name, made_from in (
				frappe.qb.from_(customer)
				.select(customer.name, customer[source])
				.where(customer[source].isin(list(found)))
				.orderby(customer.modified, order=frappe.qb.desc)
				.run()
			):
				made.setdefault(made_from, name)
			facts["customers"].update(((party_type, name), made.get(name)) for name in found)
	contacts = {contact for party_type, _party, contact in parties if party_type == "Customer" and contact}
	contacts = {c for c in contacts if isinstance(c, str)}
	if contacts:
		links = frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", list(contacts)), "link_doctype": "Customer"},
			fields=["parent", "link_name"],
		)
		for contact in contacts:
			facts["contacts"][contact] = set()
		for link in links:
			if link.parent in facts["contacts"]:
				facts["contacts"][link.parent].add(link.link_name)
	return facts


def _contact_belongs_to(doc, facts: dict) -> bool:
	if doc.contact in facts["contacts"]:
		return doc.party in facts["contacts"][doc.contact]
	return contact_belongs_to(doc.contact, doc.party)


def _validate_follow_up(doc):
	if doc.next_follow_up_on and not doc.follow_up_by:
		doc.follow_up_by = doc.user or frappe.session.user
	if doc.follow_up_by and not doc.next_follow_up_on:
		frappe.throw(_("Set the Follow-up On date for the follow-up"), frappe.MandatoryError)
	if doc.next_follow_up_on and doc.follow_up_status in (None, "", "Cancelled"):
		doc.follow_up_status = "Open"
	if not doc.next_follow_up_on and doc.follow_up_status == "Open":
		doc.follow_up_status = "Cancelled"
	before = doc.get_doc_before_save()
	was_done = bool(before) and before.follow_up_status == "Done"
	if doc.follow_up_status == "Done" and not was_done:
		doc.follow_up_done_on = now_datetime()
		doc.follow_up_on_time = _on_time(doc.follow_up_done_on, doc.next_follow_up_on)
	elif doc.follow_up_status != "Done" and was_done:
		doc.follow_up_done_on, doc.follow_up_on_time = None, 0


def _on_time(done_on, due_on) -> int:
	return int(bool(due_on) and getdate(done_on) <= getdate(due_on))


def sync_follow_up(doc):
	"""Keep one open assignment (ToDo) for an open follow-up; close or cancel it with the follow-up."""
	todo = doc.follow_up_todo and frappe.db.get_value(
		"ToDo", doc.follow_up_todo, ["name", "allocated_to", "date", "status"], as_dict=True
	)
	if doc.follow_up_status == "Open":
		if todo and todo.status == "Open":
			if todo.allocated_to == doc.follow_up_by and getdate(todo.date) == getdate(doc.next_follow_up_on):
				return
			set_todo_status(todo.name, "Cancelled")
		# set without db_set: it would reload "before save" and hide that the document is new from
		# the on_update hooks that follow (energy points, notifications)
		doc.follow_up_todo = _create_todo(doc)
		frappe.db.set_value(
			doc.doctype, doc.name, "follow_up_todo", doc.follow_up_todo, update_modified=False
		)
	elif todo and todo.status == "Open":
		set_todo_status(todo.name, "Closed" if doc.follow_up_status == "Done" else "Cancelled")


def _create_todo(doc) -> str:
	return open_todo(
		doc.doctype,
		doc.name,
		doc.follow_up_by,
		doc.next_follow_up_on,
		_("Follow up with {0}: {1}").format(doc.party_name, doc.subject),
	)


def cancel_follow_up(doc):
	"""A deleted interaction takes its open assignment with it."""
	if doc.follow_up_todo and frappe.db.get_value("ToDo", doc.follow_up_todo, "status") == "Open":
		set_todo_status(doc.follow_up_todo, "Cancelled")


def complete_follow_up(name: str, outcome: str | None = None):
	"""Mark a follow-up done (closes its assignment)."""
	doc = frappe.get_doc(CUSTOMER_INTERACTION, name)
	doc.check_permission("write")
	if doc.follow_up_status != "Open":
		frappe.throw(_("Interaction {0} has no open follow-up").format(frappe.bold(name)))
	doc.follow_up_status = "Done"  # validate records when, and whether on time
	if outcome:
		doc.outcome = "\n".join(filter(None, [doc.outcome, outcome]))
	doc.save()
	return doc


def on_todo_update(todo, method=None):
	"""An assignment closed or cancelled in the ToDo list closes the follow-up it stands for."""
	if todo.flags.crm_plus_sync or todo.reference_type != CUSTOMER_INTERACTION or todo.status == "Open":
		return
	interaction = frappe.db.get_value(
		CUSTOMER_INTERACTION, todo.reference_name, ["follow_up_todo", "follow_up_status"], as_dict=True
	)
	if not interaction or interaction.follow_up_todo != todo.name or interaction.follow_up_status != "Open":
		return
	values = {"follow_up_status": "Done" if todo.status == "Closed" else "Cancelled"}
	if todo.status == "Closed":
		values["follow_up_done_on"] = now_datetime()
		next_on = frappe.db.get_value(CUSTOMER_INTERACTION, todo.reference_name, "next_follow_up_on")
		values["follow_up_on_time"] = _on_time(values["follow_up_done_on"], next_on)
	frappe.db.set_value(CUSTOMER_INTERACTION, todo.reference_name, values)
