import frappe
from frappe import _

from crm_plus.services.complaints.survey import verify_survey
from crm_plus.services.rate_limits import limit_page_rate

no_cache = 1


def get_context(context):
	"""The survey behind the signed link; the link itself is the credential (no login)."""
	limit_page_rate("complaint-feedback")
	args = frappe.form_dict
	context.title = _("How did we do?")
	try:
		values = [args.get(key) for key in ("complaint", "nonce", "signature")]
		if not all(isinstance(value, str) for value in values):
			frappe.throw(_("This link is not valid."), frappe.PermissionError)
		context.complaint = verify_survey(*values)
		context.subject = frappe.db.get_value("Customer Complaint", context.complaint, "subject")
		context.nonce, context.signature = args.get("nonce"), args.get("signature")
	except frappe.PermissionError as e:
		frappe.clear_messages()
		context.error = str(e) or _("This link is not valid.")
		context.http_status_code = 403  # a refused link is refused, with the page explaining why
	return context
