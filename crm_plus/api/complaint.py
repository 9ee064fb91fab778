"""Complaint intake and actions over REST (Desk forms call the same methods)."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint

from crm_plus.api import require
from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.services.complaints import document as complaint_document
from crm_plus.services.complaints import links as complaint_links
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


@frappe.whitelist()
def search_references(
	doctype: str | None = None,
	txt: str = "",
	searchfield: str | None = None,
	start: int = 0,
	page_len: int = 20,
	filters: str | dict | list | None = None,
) -> list:
	"""Link search of a complaint's Sales Invoice, Sales Order and Delivery Note (the form's set_query,
	Frappe's link-search signature): the submitted documents of `filters.customer`, for users who create
	or write complaints, who may not read these documents (agents). `searchfield` is not used: the name
	and the customer's reference are searched."""
	require(doctype=doctype)
	if isinstance(filters, str):
		try:
			filters = frappe.parse_json(filters) if filters.strip() else None
		except ValueError:
			frappe.throw(_("filters must be a JSON object"), title=_("Invalid filters"))
	return complaint_links.search_references(
		doctype, txt or "", min(max(cint(start), 0), 10**9), min(max(cint(page_len), 1), 100), filters or {}
	)


@frappe.whitelist()
def make_complaint(source_name: str | None = None):
	"""Raise Complaint on a submitted Sales Invoice: a new complaint with its customer, company and items
	(frappe.model.open_mapped_doc)."""
	require(source_name=source_name)
	return complaint_links.make_complaint(source_name)


@frappe.whitelist()
def get_credit_note_items(complaint: str | None = None) -> dict:
	"""The credit-note dialog's lines: the complaint's invoice's items, sold, already returned and still
	returnable, at its rate and currency."""
	require(complaint=complaint)
	return remedies.credit_note_items(complaint)


@frappe.whitelist(methods=["POST"])
def make_credit_note(
	complaint: str | None = None, items: str | list | None = None, amount: float | None = None
) -> dict:
	"""A credit note against the complaint's invoice for exactly the chosen quantities, `items`
	[{invoice_item or item_code, qty}] (a qty of 0 chooses nothing), or, explicitly, a flat `amount`.
	Choosing nothing is a 417."""
	remedies.check_may_make("Credit Note")  # at once, before reading anything
	require(complaint=complaint)
	doc = remedies.make_credit_note(complaint, items=_credit_rows(items), amount=amount)
	return {"name": doc.name, "docstatus": doc.docstatus, "grand_total": doc.grand_total}


@frappe.whitelist(methods=["POST"])
def make_refund(complaint: str | None = None, amount: float | None = None) -> dict:
	remedies.check_may_make("Refund")
	require(complaint=complaint, amount=amount)
	doc = remedies.make_refund(complaint, amount)
	return {"name": doc.name, "docstatus": doc.docstatus, "paid_amount": doc.paid_amount}


@frappe.whitelist(methods=["POST"])
def make_replacement(
	complaint: str | None = None, items: str | list | None = None, delivery_date: str | None = None
) -> dict:
	remedies.check_may_make("Replacement")
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
	items = _parse_list(items)
	if items is None:
		return None
	rows = [_item_row(row) for row in items] if isinstance(items, list) else [None]
	if None in rows:
		frappe.throw(
			_("items must be a list of rows with an item_code and a qty above 0"), title=_("Invalid items")
		)
	return rows


def _parse_list(items):
	"""A list from itself or its JSON; None for nothing; False for what is not JSON."""
	if isinstance(items, str):
		try:
			items = frappe.parse_json(items) if items.strip() else None
		except ValueError:
			items = False
	return None if items is None or items == [] else items


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


def _credit_rows(items) -> list | None:
	"""[{invoice_item or item_code, qty}, ...] from a list or its JSON; a qty of 0 (or none) is kept and
	chooses nothing. Anything else is a 417."""
	items = _parse_list(items)
	if items is None:
		return None
	rows = [_credit_row(row) for row in items] if isinstance(items, list) else [None]
	if None in rows:
		frappe.throw(
			_("items must be a list of rows with an invoice_item or item_code and a qty of 0 or more"),
			title=_("Invalid items"),
		)
	return rows


def _credit_row(row) -> dict | None:
	if not isinstance(row, dict):
		return None
	key = {k: row[k] for k in ("invoice_item", "item_code") if isinstance(row.get(k), str) and row[k]}
	if not key:
		return None
	qty = row.get("qty") or 0
	try:
		qty = float(qty) if isinstance(qty, str | int | float) and not isinstance(qty, bool) else None
	except ValueError:
		return None
	if qty is None or not 0 <= qty < 10**9:
		return None
	return {**key, "qty": qty}
