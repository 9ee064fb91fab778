"""The customer portal: a website user sees, files and rates the complaints of their own customers only."""

import frappe
from frappe import _

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.domain import sla
from crm_plus.services.complaints.survey import record_satisfaction


def portal_customers(user: str) -> list[str]:
	"""The customers a website user belongs to (Customer portal users, or a contact linked to them).
	None for Desk users: they work complaints in Desk, with their role permissions (an empty list)."""
	from erpnext.controllers.website_list_for_contact import get_customers_suppliers

	if user == "Guest" or not _is_portal_user(user):
		return []
	customers, _suppliers = get_customers_suppliers(CUSTOMER_COMPLAINT, user)
	return customers or []


def portal_user_customers() -> list[str]:
	"""The signed-in portal user's customers; anyone else is refused (403)."""
	user = frappe.session.user
	if user == "Guest":
		frappe.throw(_("Sign in to see your complaints"), frappe.PermissionError)
	if not _is_portal_user(user):
		frappe.throw(
			_("This page is for customers; use the Customer Complaint list in Desk"), frappe.PermissionError
		)
	customers = portal_customers(user)
	if not customers:
		frappe.throw(_("Your account is not linked to a customer"), frappe.PermissionError)
	return customers


def _is_portal_user(user: str) -> bool:
	return frappe.get_cached_value("User", user, "user_type") == "Website User"


def portal_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if not _is_portal_user(user):
		return ""
	customers = portal_customers(user)
	if not customers:
		return "1=0"
	return "`tabCustomer Complaint`.`customer` in ({})".format(
		", ".join(frappe.db.escape(c) for c in customers)
	)


def portal_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not _is_portal_user(user):
		return True  # desk users: the role permissions decide
	if ptype not in ("read", "create"):
		return False
	return bool(doc.customer) and doc.customer in portal_customers(user)


def file_from_portal(subject: str, description: str, sales_invoice: str | None = None) -> str:
	"""A signed-in customer files a complaint for the customer they belong to."""
	user = frappe.session.user
	customers = portal_user_customers()
	if not (subject or "").strip():
		frappe.throw(_("Subject is required"), frappe.MandatoryError)
	customer = customers[0]
	if sales_invoice:
		invoice = frappe.db.get_value(
			"Sales Invoice", sales_invoice, ["customer", "docstatus", "is_return"], as_dict=True
		)
		if not invoice or invoice.customer not in customers or invoice.docstatus != 1 or invoice.is_return:
			frappe.throw(_("Invoice {0} is not one of yours").format(sales_invoice), frappe.PermissionError)
		customer = invoice.customer
	doc = frappe.get_doc(
		{
			"doctype": CUSTOMER_COMPLAINT,
			"subject": subject.strip()[:240],
			"description": frappe.utils.escape_html(description or ""),
			"customer": customer,
			"raised_by": user,
			"channel": "Portal",
			"sales_invoice": sales_invoice,
		}
	)
	doc.insert(ignore_permissions=True)  # the checks above are the portal user's permission
	return doc.name


def rate_from_portal(name: str, rating: int, comment: str | None = None):
	"""A signed-in customer rates their own resolved complaint on the portal."""
	customers = portal_user_customers()
	customer = frappe.db.get_value(CUSTOMER_COMPLAINT, name, "customer") if name else None
	if not customer or customer not in customers:
		frappe.throw(_("Not permitted"), frappe.PermissionError)  # never tell whether it exists
	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	if doc.status not in (sla.RESOLVED, sla.CLOSED):
		frappe.throw(_("You can rate a complaint once it is resolved"))
	if doc.satisfaction_on:
		frappe.throw(_("This complaint has already been rated"))
	record_satisfaction(name, rating, comment)
