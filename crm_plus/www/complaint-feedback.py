import frappe
from frappe import _

from crm_plus.services.complaints import verify_survey

no_cache = 1


def get_context(context):
	"""The survey behind the signed link; the link itself is the credential (no login)."""
	args = frappe.form_dict
	context.title = _("How did we do?")
	try:
		context.complaint = verify_survey(args.get("complaint"), args.get("nonce"), args.get("signature"))
		context.subject = frappe.db.get_value("Customer Complaint", context.complaint, "subject")
		context.nonce, context.signature = args.get("nonce"), args.get("signature")
	except frappe.PermissionError as e:
		frappe.clear_messages()
		context.error = str(e) or _("This link is not valid.")
	return context
