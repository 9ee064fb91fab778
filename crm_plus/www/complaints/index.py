import frappe
from frappe import _

from crm_plus.services.complaints import portal_customers

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Sign in to see your complaints"), frappe.PermissionError)
	customers = portal_customers(frappe.session.user)
	context.no_breadcrumbs = False
	context.title = _("My Complaints")
	name = frappe.form_dict.get("name")
	if name:
		doc = frappe.get_doc("Customer Complaint", name)
		if doc.customer not in customers:
			frappe.throw(_("Not permitted"), frappe.PermissionError)
		context.complaint = doc
		context.title = doc.subject
		return context
	context.complaints = frappe.get_all(
		"Customer Complaint",
		filters={"customer": ("in", customers or [""])},
		fields=["name", "subject", "status", "opened_on", "satisfaction"],
		order_by="opened_on desc",
		ignore_permissions=True,  # filtered to the user's own customers above
	)
	context.invoices = frappe.get_all(
		"Sales Invoice",
		filters={"customer": ("in", customers or [""]), "docstatus": 1, "is_return": 0},
		fields=["name", "posting_date", "grand_total", "currency"],
		order_by="posting_date desc",
		limit=50,
		ignore_permissions=True,
	)
	return context
