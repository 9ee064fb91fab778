import frappe
from frappe import _
from frappe.utils.html_utils import sanitize_html

from crm_plus.services.complaints.portal import portal_user_customers
from crm_plus.services.rate_limits import limit_page_rate

no_cache = 1


def get_context(context):
	"""A portal customer's complaints, or one of them (`?name=`); anyone else gets a 403."""
	limit_page_rate("complaints")
	customers = portal_user_customers()
	context.no_breadcrumbs = False
	context.title = _("My Complaints")
	name = frappe.form_dict.get("name")
	if name:
		customer = (
			frappe.db.get_value("Customer Complaint", name, "customer") if isinstance(name, str) else None
		)
		if not customer or customer not in customers:
			# the same answer whether it exists or not: names are guessable
			frappe.throw(_("Not permitted"), frappe.PermissionError)
		doc = frappe.get_doc("Customer Complaint", name)
		context.complaint = doc
		context.title = doc.subject
		# rich text as Frappe stores it, sanitized again here in case it was written around the ORM
		context.description_html = sanitize_html(doc.description or "", always_sanitize=True)
		return context
	context.complaints = frappe.get_all(
		"Customer Complaint",
		filters={"customer": ("in", customers)},
		fields=["name", "subject", "status", "opened_on", "satisfaction"],
		order_by="opened_on desc",
		ignore_permissions=True,  # filtered to the user's own customers above
	)
	context.invoices = frappe.get_all(
		"Sales Invoice",
		filters={"customer": ("in", customers), "docstatus": 1, "is_return": 0},
		fields=["name", "posting_date", "grand_total", "currency"],
		order_by="posting_date desc",
		limit=50,
		ignore_permissions=True,
	)
	return context
