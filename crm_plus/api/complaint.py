"""Complaint intake and actions over REST (Desk forms call the same methods)."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from crm_plus.services import complaints


@frappe.whitelist(methods=["POST"])
def file_complaint(
	subject: str | None = None,
	customer: str | None = None,
	description: str | None = None,
	category: str = "Product",
	severity: str = "Minor",
	priority: str | None = None,
	channel: str = "API",
	contact: str | None = None,
	raised_by: str | None = None,
	sales_invoice: str | None = None,
	sales_order: str | None = None,
	delivery_note: str | None = None,
) -> dict:
	"""File a complaint (back-office systems, integrations). `subject` and `customer` are required."""
	frappe.has_permission("Customer Complaint", "create", throw=True)
	for field, value in (("subject", subject), ("customer", customer)):
		if not (value or "").strip():
			frappe.throw(_("{0} is required").format(field), frappe.MandatoryError, title=_("Missing field"))
	frappe.has_permission("Customer", "read", customer, throw=True)
	values = {k: v for k, v in locals().items() if v is not None}
	doc = frappe.get_doc({"doctype": "Customer Complaint", **values}).insert()
	return {"name": doc.name, "status": doc.status, "response_by": doc.response_by}


@frappe.whitelist(methods=["POST"])
def make_credit_note(complaint: str, items: str | list | None = None, amount: float | None = None) -> dict:
	"""A credit note against the complaint's invoice: `items` [{item_code, qty}] or a flat `amount`."""
	if isinstance(items, str):
		items = frappe.parse_json(items)
	doc = complaints.make_credit_note(complaint, items=items or None, amount=amount)
	return {"name": doc.name, "docstatus": doc.docstatus, "grand_total": doc.grand_total}


@frappe.whitelist(methods=["POST"])
def make_refund(complaint: str, amount: float) -> dict:
	doc = complaints.make_refund(complaint, amount)
	return {"name": doc.name, "docstatus": doc.docstatus, "paid_amount": doc.paid_amount}


@frappe.whitelist(methods=["POST"])
def make_replacement(
	complaint: str, items: str | list | None = None, delivery_date: str | None = None
) -> dict:
	if isinstance(items, str):
		items = frappe.parse_json(items)
	doc = complaints.make_replacement(complaint, items=items or None, delivery_date=delivery_date)
	return {"name": doc.name, "docstatus": doc.docstatus}


@frappe.whitelist(methods=["POST"])
def file_from_portal(subject: str, description: str | None = None, sales_invoice: str | None = None) -> str:
	"""Portal: a signed-in customer files a complaint for their own account."""
	return complaints.file_from_portal(subject, description or "", sales_invoice or None)


@frappe.whitelist(methods=["POST"])
def rate_from_portal(complaint: str, rating: int, comment: str | None = None) -> dict:
	"""Portal: rate your own resolved complaint 1-5."""
	complaints.rate_from_portal(complaint, rating, comment)
	return {"ok": True}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)
def submit_feedback(
	complaint: str, nonce: str, signature: str, rating: int, comment: str | None = None
) -> dict:
	"""The signed survey link's answer (no login: the HMAC signature and single-use nonce are the
	credential; rate-limited per IP)."""
	name = complaints.verify_survey(complaint, nonce, signature)
	complaints.record_satisfaction(name, rating, comment)
	return {"ok": True}
