"""Yearly reminders of customers' and contacts' important dates, sent to the account owner."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, today

from crm_plus.domain.parties import reminder_due
from crm_plus.services import jobs
from crm_plus.services.settings import get_settings

CHILD = "CRM Important Date"


@jobs.background_job("reminders")
def send_reminders(as_of=None) -> int:
	"""Daily job: one ToDo per date coming up within the reminder window. Two reads and one update,
	whatever the number of dates; safe to run twice a day (last_reminded_on guards repeats).

	Crash-safe: the ToDos and the `last_reminded_on` that records them are one transaction (the run's
	only step), so a run killed at any point left nothing and the next run sends each reminder once. One
	run at a time (`jobs`' lease): two at once would both see the dates unreminded."""
	today_ = getdate(as_of or today())
	days_ahead = cint(get_settings().important_date_reminder_days)
	rows = frappe.get_all(
		CHILD,
		filters={
			"remind": 1,
			"parenttype": ("in", ("Customer", "Contact")),
			"parentfield": "crm_important_dates",
		},
		fields=["name", "parent", "parenttype", "date_type", "label", "date", "last_reminded_on"],
	)
	jobs.handled(len(rows))
	due = []
	for row in rows:
		occurrence = reminder_due(
			getdate(row.date),
			today_,
			days_ahead,
			getdate(row.last_reminded_on) if row.last_reminded_on else None,
		)
		if occurrence:
			due.append((row, occurrence))
	if not due:
		return 0
	owners = _owners({(row.parenttype, row.parent) for row, _occ in due})
	for row, occurrence in due:
		owner = owners.get((row.parenttype, row.parent))
		if not owner:
			continue
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": owner,
				"reference_type": row.parenttype,
				"reference_name": row.parent,
				"date": occurrence,
				"description": _("{0} of {1} on {2}").format(
					_(row.label or row.date_type), row.parent, frappe.format(occurrence, "Date")
				),
			}
		).insert(ignore_permissions=True)
	child = frappe.qb.DocType(CHILD)
	frappe.qb.update(child).set(child.last_reminded_on, today_).where(
		child.name.isin([row.name for row, _occ in due])
	).run()
	return len(due)


def _owners(parents) -> dict:
	"""The account manager of each customer (or its owner); a contact's customer's, else its owner."""
	customers = {name for doctype, name in parents if doctype == "Customer"}
	contacts = {name for doctype, name in parents if doctype == "Contact"}
	contact_customer = {}
	if contacts:
		for link in frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
			fields=["parent", "link_name"],
		):
			contact_customer.setdefault(link.parent, link.link_name)
		customers |= set(contact_customer.values())
	customer_owner = {
		c.name: c.account_manager or c.owner
		for c in frappe.get_all(
			"Customer",
			filters={"name": ("in", customers or [""])},
			fields=["name", "account_manager", "owner"],
		)
	}
	contact_owner = {
		c.name: c.owner
		for c in frappe.get_all(
			"Contact", filters={"name": ("in", contacts or [""])}, fields=["name", "owner"]
		)
	}
	result = {("Customer", c): customer_owner.get(c) for c in customers}
	for contact in contacts:
		result[("Contact", contact)] = customer_owner.get(contact_customer.get(contact)) or contact_owner.get(
			contact
		)
	return result
