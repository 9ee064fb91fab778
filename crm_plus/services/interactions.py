"""Customer Interactions: party resolution, follow-ups as assignments, and capture from other records."""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, getdate, now_datetime, strip_html, today

from crm_plus.services.assignments import open_todo, set_todo_status
from crm_plus.services.settings import is_enabled

INTERACTION = "Customer Interaction"
PARTY_NAME_FIELD = {"Customer": "customer_name", "Lead": "lead_name", "Prospect": "company_name"}


# ---------------------------------------------------------------- validation


def validate(doc):
	"""Derive the customer and party name from the party; keep the follow-up fields consistent."""
	if doc.party_type not in PARTY_NAME_FIELD:
		frappe.throw(_("Party Type must be Customer, Lead or Prospect"), title=_("Invalid Party Type"))
	if not doc.party:
		frappe.throw(_("Party is required"), frappe.MandatoryError)
	party_name = frappe.db.get_value(doc.party_type, doc.party, PARTY_NAME_FIELD[doc.party_type])
	if party_name is None:
		frappe.throw(
			_("{0} {1} does not exist").format(_(doc.party_type), frappe.bold(doc.party)),
			frappe.LinkValidationError,
		)
	doc.party_name = party_name or doc.party
	doc.customer = doc.party if doc.party_type == "Customer" else _customer_of(doc.party_type, doc.party)
	if doc.contact and doc.party_type == "Customer" and not _contact_belongs_to(doc.contact, doc.party):
		frappe.throw(
			_("Contact {0} is not linked to Customer {1}").format(
				frappe.bold(doc.contact), frappe.bold(doc.party)
			)
		)
	if doc.reference_doctype and not doc.reference_name:
		frappe.throw(_("Reference is required when a Reference Type is set"), frappe.MandatoryError)
	_validate_follow_up(doc)


def _customer_of(party_type, party):
	if party_type == "Lead":
		return frappe.db.get_value("Customer", {"lead_name": party}, "name")
	if party_type == "Prospect":
		return frappe.db.get_value("Customer", {"prospect_name": party}, "name")


def _contact_belongs_to(contact, customer):
	return bool(
		frappe.db.exists(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer", "link_name": customer},
		)
	)


def _validate_follow_up(doc):
	if doc.next_follow_up_on and not doc.follow_up_by:
		doc.follow_up_by = doc.user or frappe.session.user
	if doc.follow_up_by and not doc.next_follow_up_on:
		frappe.throw(_("Set the Follow-up On date for the follow-up"), frappe.MandatoryError)
	if doc.next_follow_up_on and doc.follow_up_status in (None, "", "Cancelled"):
		doc.follow_up_status = "Open"
	if not doc.next_follow_up_on and doc.follow_up_status == "Open":
		doc.follow_up_status = "Cancelled"


# ---------------------------------------------------------------- follow-ups


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
	doc = frappe.get_doc(INTERACTION, name)
	doc.check_permission("write")
	if doc.follow_up_status != "Open":
		frappe.throw(_("Interaction {0} has no open follow-up").format(frappe.bold(name)))
	doc.follow_up_status = "Done"
	doc.follow_up_done_on = now_datetime()
	doc.follow_up_on_time = int(getdate(doc.follow_up_done_on) <= getdate(doc.next_follow_up_on))
	if outcome:
		doc.outcome = "\n".join(filter(None, [doc.outcome, outcome]))
	doc.save()
	return doc


def on_todo_update(todo, method=None):
	"""An assignment closed or cancelled in the ToDo list closes the follow-up it stands for."""
	if todo.flags.crm_plus_sync or todo.reference_type != INTERACTION or todo.status == "Open":
		return
	interaction = frappe.db.get_value(
		INTERACTION, todo.reference_name, ["follow_up_todo", "follow_up_status"], as_dict=True
	)
	if not interaction or interaction.follow_up_todo != todo.name or interaction.follow_up_status != "Open":
		return
	values = {"follow_up_status": "Done" if todo.status == "Closed" else "Cancelled"}
	if todo.status == "Closed":
		values["follow_up_done_on"] = now_datetime()
		next_on = frappe.db.get_value(INTERACTION, todo.reference_name, "next_follow_up_on")
		values["follow_up_on_time"] = int(getdate(values["follow_up_done_on"]) <= getdate(next_on))
	frappe.db.set_value(INTERACTION, todo.reference_name, values)


# ---------------------------------------------------------------- capture


def _never_blocks(capture):
	"""A capture failure is logged; it never stops the email, call or event from being saved."""

	def wrapper(doc, method=None):
		try:
			capture(doc)
		except Exception:
			frappe.log_error(title=_("CRM Plus could not capture {0} {1}").format(doc.doctype, doc.name))

	wrapper.__doc__ = capture.__doc__
	return wrapper


@_never_blocks
def capture_communication(comm):
	"""An email linked to a customer (directly, or through one of its contacts) becomes an interaction."""
	if (
		comm.communication_type != "Communication"
		or comm.communication_medium != "Email"
		or comm.reference_doctype == INTERACTION
		or not is_enabled("capture_emails")
	):
		return
	inbound = comm.sent_or_received == "Received"
	for customer, contact in _customers_of_links(
		[(comm.reference_doctype, comm.reference_name)]
		+ [(link.link_doctype, link.link_name) for link in comm.timeline_links or []]
	):
		_capture(
			key=f"Communication:{comm.name}:{customer}",
			customer=customer,
			contact=contact,
			source="Email",
			channel="Email",
			direction="Inbound" if inbound else "Outbound",
			subject=comm.subject or _("(no subject)"),
			notes=comm.content,
			interaction_at=comm.communication_date or comm.creation,
			user=(comm.user if not inbound else None) or comm.owner,
			reference=(comm.reference_doctype, comm.reference_name),
		)


@_never_blocks
def capture_call_log(call):
	"""A finished ERPNext Call Log with a customer becomes an interaction (once)."""
	if call.status in ("Ringing", "In Progress", "Queued") or not is_enabled("capture_call_logs"):
		return
	links = [("Customer", call.customer)] + [(link.link_doctype, link.link_name) for link in call.links or []]
	for customer, contact in _customers_of_links(links):
		_capture(
			key=f"Call Log:{call.name}:{customer}",
			customer=customer,
			contact=contact,
			source="Call Log",
			channel="Phone",
			direction="Inbound" if call.type == "Incoming" else "Outbound",
			subject=_("{0} call: {1}").format(_(call.type or "Phone"), _(call.status)),
			notes=call.summary,
			outcome=_(call.status),
			interaction_at=call.start_time or call.creation,
			duration=cint(call.duration),
			user=call.employee_user_id or call.owner,
		)


EVENT_CHANNELS = {"Meeting": "Meeting", "Call": "Phone", "Sent/Received Email": "Email"}


@_never_blocks
def capture_event(event):
	"""An Event with a customer among its participants becomes an interaction for that customer."""
	if event.status == "Cancelled" or not is_enabled("capture_events"):
		return
	links = [(p.reference_doctype, p.reference_docname) for p in event.event_participants or []]
	for customer, contact in _customers_of_links(links):
		_capture(
			key=f"Event:{event.name}:{customer}",
			customer=customer,
			contact=contact,
			source="Event",
			channel=EVENT_CHANNELS.get(event.event_category, "Event"),
			direction="Outbound",
			subject=strip_html(event.subject or "")[:240] or _("Event"),
			notes=event.description,
			interaction_at=event.starts_on,
			user=event.owner,
			reference=("Event", event.name),
		)


def _customers_of_links(links) -> list[tuple[str, str | None]]:
	"""(customer, contact) pairs named by a list of (doctype, name) links: customers directly, and the
	customers of linked contacts. Two queries at most, whatever the number of links."""
	customers = {name for doctype, name in links if doctype == "Customer" and name}
	contacts = {name for doctype, name in links if doctype == "Contact" and name}
	result = {customer: None for customer in customers}
	if contacts:
		for row in frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
			fields=["parent", "link_name"],
			order_by="idx asc",
		):
			if result.get(row.link_name) is None:
				result[row.link_name] = row.parent
	if result:
		existing = set(frappe.get_all("Customer", filters={"name": ("in", list(result))}, pluck="name"))
		result = {c: contact for c, contact in result.items() if c in existing}
	return sorted(result.items())


def _capture(key, customer, reference=(None, None), **values):
	"""Insert one captured interaction unless its key exists (the unique key guards races too)."""
	if frappe.db.exists(INTERACTION, {"external_key": key}):
		return None
	reference_doctype, reference_name = reference
	if reference_doctype and not reference_name:
		reference_doctype = None
	user = values.pop("user", None)
	doc = frappe.get_doc(
		{
			"doctype": INTERACTION,
			"party_type": "Customer",
			"party": customer,
			"external_key": key,
			"user": user if user and frappe.db.exists("User", user) else "Administrator",
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"touchpoint": "Sales",
			"sale_stage": "Post-sale" if _has_bought(customer) else "Pre-sale",
			"interaction_type": "Other",
			**values,
		}
	)
	doc.interaction_at = get_datetime(doc.interaction_at or now_datetime())
	try:
		doc.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		return None
	return doc.name


def _has_bought(customer) -> bool:
	return bool(frappe.db.exists("Sales Invoice", {"customer": customer, "docstatus": 1}))
