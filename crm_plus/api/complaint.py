"""Complaint intake and actions over REST (Desk forms call the same methods)."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from crm_plus.api import require
from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.services.complaints import document as complaint_document
from crm_plus.services.complaints import portal as complaint_portal
from crm_plus.services.complaints import remedies
from crm_plus.services.complaints import survey as complaint_survey


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
	values = {k: v for k, v in locals().items() if v is not None}
	frappe.has_permission(CUSTOMER_COMPLAINT, "create", throw=True)
	require(subject=subject, customer=customer)
	doc = complaint_document.file_complaint(values)
	# ERPNext adds Response By only once a Service Level Agreement covers complaints
	return {"name": doc.name, "status": doc.status, "response_by": doc.get("response_by")}


@frappe.whitelist(methods=["POST"])
def make_credit_note(
	complaint: str | None = None, items: str | list | None = None, amount: float | None = None
) -> dict:
	"""A credit note against the complaint's invoice: `items` [{item_code, qty}] or a flat `amount`."""
	require(complaint=complaint)
	items = _items(items)
	doc = remedies.make_credit_note(complaint, items=items or None, amount=amount)
	return {"name": doc.name, "docstatus": doc.docstatus, "grand_total": doc.grand_total}


@frappe.whitelist(methods=["POST"])
def make_refund(complaint: str | None = None, amount: float | None = None) -> dict:
	require(complaint=complaint, amount=amount)
	doc = remedies.make_refund(complaint, amount)
	return {"name": doc.name, "docstatus": doc.docstatus, "paid_amount": doc.paid_amount}


@frappe.whitelist(methods=["POST"])
def make_replacement(
	complaint: str | None = None, items: str | list | None = None, delivery_date: str | None = None
) -> dict:
	require(complaint=complaint)
	items = _items(items)
	doc = remedies.make_replacement(complaint, items=items or None, delivery_date=delivery_date)
	return {"name": doc.name, "docstatus": doc.docstatus}


@frappe.whitelist(methods=["POST"])
def file_from_portal(
	subject: str | None = None, description: str | None = None, sales_invoice: str | None = None
) -> str:
	"""Portal: a signed-in customer files a complaint for their own account."""
	return complaint_portal.file_from_portal(subject, description or "", sales_invoice or None)


@frappe.whitelist(methods=["POST"])
def rate_from_portal(
	complaint: str | None = None, rating: int | None = None, comment: str | None = None
) -> dict:
	"""Portal: rate your own resolved complaint 1-5."""
	require(complaint=complaint, rating=rating)
	complaint_portal.rate_from_portal(complaint, rating, comment)
	return {"ok": True}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)
def submit_feedback(
	complaint: str | None = None,
	nonce: str | None = None,
	signature: str | None = None,
	rating: int | None = None,
	comment: str | None = None,
) -> dict:
	"""The signed survey link's answer (no login: the HMAC signature and single-use nonce are the
	credential; rate-limited per IP)."""
	name = complaint_survey.verify_survey(complaint, nonce, signature)
	complaint_survey.record_satisfaction(name, rating, comment)
	return {"ok": True}


def _items(items) -> list | None:
	"""[{item_code, qty}, ...] from a list or its JSON (qty 1 when left out); anything else is a 417."""
	if isinstance(items, str):
		try:
			items = frappe.parse_json(items) if items.strip() else None
		except ValueError:
			items = False
	if items is None or items == []:
		return None
	rows = [_item_row(row) for row in items] if isinstance(items, list) else [None]
	if None in rows:
		frappe.throw(
			_("items must be a list of rows with an item_code and a qty above 0"), title=_("Invalid items")
		)
	return rows


def _item_row(row) -> dict | None:
	if not isinstance(row, dict) or not isinstance(row.get("item_code"), str):
		return None
	qty = row.get("qty", 1)
	try:
		qty = float(qty) if isinstance(qty, str | int | float) and not isinstance(qty, bool) else None
	except ValueError:
		return None
	if qty is None or not 0 < qty < 10**9:
		return None
	return {"item_code": row["item_code"], "qty": qty}
