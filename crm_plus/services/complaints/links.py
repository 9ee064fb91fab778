"""The sales documents a complaint names, for users who work complaints without reading them.

An agent (Customer Service Agent) may not read invoices, orders or delivery notes (ERPNext gives them
to the sales and accounts roles), yet must name the one the customer complains about. The complaint's
link fields therefore search here: the customer's submitted documents (not returns), for a user who may
create or write complaints and read that customer, under the user's User Permissions. Only the name,
the date and the customer's own reference are shown; the document itself stays unreadable to them.
The complaint's server code checks what was chosen (`document.check_references`).

And the other way: a complaint raised from a submitted Sales Invoice, mapped the ERPNext way."""

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.model.mapper import get_mapped_doc
from frappe.permissions import get_user_permissions
from frappe.query_builder import Order
from frappe.utils import formatdate

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.services.permissions import RawCondition, may_read_customer
from crm_plus.services.sql import force_index

# doctype -> (its date field, whether it has returns)
REFERENCE_DOCTYPES = {
	"Sales Invoice": ("posting_date", True),
	"Sales Order": ("transaction_date", False),
	"Delivery Note": ("posting_date", True),
}


def check_may_work_complaints():
	"""Who may search: a user who may create or write complaints (a 403 otherwise)."""
	if not (
		frappe.has_permission(CUSTOMER_COMPLAINT, "create")
		or frappe.has_permission(CUSTOMER_COMPLAINT, "write")
	):
		frappe.throw(
			_("You are not permitted to create or change a {0}").format(_(CUSTOMER_COMPLAINT)),
			frappe.PermissionError,
		)


def search_references(doctype: str, txt: str, start: int, page_len: int, filters: dict) -> list:
	"""Link search of a complaint's invoice, order or delivery note: the submitted documents (not
	returns) of `filters["customer"]`, newest first, as [name, date, customer's reference] rows. Nothing
	for no customer or a customer the user may not read."""
	check_may_work_complaints()
	if doctype not in REFERENCE_DOCTYPES:
		frappe.throw(_("A complaint does not name a {0}").format(_(doctype)))
	customer = filters.get("customer") if isinstance(filters, dict) else None
	if not customer or not isinstance(customer, str):
		return []
	if not frappe.has_permission("Customer", "read") or not may_read_customer(customer):
		return []
	date_field, has_returns = REFERENCE_DOCTYPES[doctype]
	table = frappe.qb.DocType(doctype)
	query = force_index(  # the customer's newest first, whatever the table's statistics
		frappe.qb.from_(table), doctype, "crm_plus_timeline"
	)
	query = query.select(table.name, table[date_field], table.po_no).where(
		(table.customer == customer) & (table.docstatus == 1)
	)
	if has_returns:
		query = query.where(table.is_return == 0)
	if txt:
		query = query.where(table.name.like(f"%{txt}%") | table.po_no.like(f"%{txt}%"))
	condition = user_permission_condition(doctype)
	if condition:
		query = query.where(RawCondition(condition))
	rows = (
		query.orderby(table[date_field], order=Order.desc)
		.orderby(table.name, order=Order.desc)
		.limit(page_len)
		.offset(start)
		.run()
	)
	return [(name, formatdate(day), reference or "") for name, day, reference in rows]


def user_permission_condition(doctype: str, user: str | None = None) -> str:
	"""The User Permission conditions frappe.get_list(doctype) applies (on the document's company,
	customer, territory...), also for a user without read on the doctype: Frappe adds them only for
	readers, and an agent picks invoices without reading them."""
	query = DatabaseQuery(doctype, user=user)
	query.match_conditions, query.match_filters = [], []
	query.add_user_permissions(get_user_permissions(query.user))
	return " and ".join(query.match_conditions)


def make_complaint(source_name: str, target_doc=None):
	"""A new complaint about a submitted Sales Invoice (not a return): its customer, contact, company
	and items (ERPNext's get_mapped_doc, which checks read on the invoice and create on complaints)."""
	frappe.has_permission(CUSTOMER_COMPLAINT, "create", throw=True)
	frappe.has_permission("Sales Invoice", "read", source_name, throw=True)
	docstatus, is_return = frappe.db.get_value("Sales Invoice", source_name, ["docstatus", "is_return"])
	if docstatus != 1 or is_return:
		frappe.throw(
			_("A complaint is raised from a submitted invoice that is not a return; {0} is not one").format(
				frappe.bold(source_name)
			)
		)

	def set_missing_values(source, target):
		target.channel = "Phone"  # a customer calling about their invoice

	return get_mapped_doc(
		"Sales Invoice",
		source_name,
		{
			"Sales Invoice": {
				"doctype": CUSTOMER_COMPLAINT,
				"field_map": {"name": "sales_invoice", "contact_person": "contact"},
			},
			"Sales Invoice Item": {
				"doctype": "Customer Complaint Item",
				"field_map": {"item_code": "item_code", "item_name": "item_name", "qty": "qty"},
				"condition": lambda row: bool(row.item_code) and row.qty > 0,
			},
		},
		target_doc,
		set_missing_values,
	)
