"""Remedies through ERPNext's billing: a credit note, a refund or a replacement order, linked both ways
and rolled into the complaint's cost."""

import math
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, get_datetime, getdate

from crm_plus.constants import COMPLAINT_REMEDY, CUSTOMER_COMPLAINT
from crm_plus.services.complaints.document import MAX_AMOUNT
from crm_plus.services.settings import get_settings, is_enabled


def _remedy_doc(doc, remedy_type, target):
	target.crm_customer_complaint = doc.name
	target.flags.ignore_permissions = False
	target.insert()
	if get_settings().submit_remedies:
		target.submit()
	amount = abs(
		flt(target.get("base_grand_total") or target.get("grand_total") or target.get("paid_amount"))
	)
	doc.append(
		"remedies",
		{
			"remedy_type": remedy_type,
			"reference_doctype": target.doctype,
			"reference_name": target.name,
			"amount": amount,
			"document_status": _document_status(target.docstatus),
		},
	)
	doc.save()
	return target


def _document_status(docstatus) -> str:
	return {0: "Draft", 1: "Submitted", 2: "Cancelled"}[cint(docstatus)]


def _company_of(doc) -> str:
	"""The complaint's company: a remedy is billed by it, never by a company guessed."""
	if not doc.company:
		frappe.throw(
			_("Set the Company of complaint {0} before making a remedy").format(frappe.bold(doc.name)),
			frappe.MandatoryError,
		)
	return doc.company


def make_credit_note(name: str, items: list | None = None, amount: float | None = None):
	"""A Sales Invoice return against the complaint's invoice: the chosen items and quantities (all by
	default), or a flat amount as a discount on the return."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	doc.check_permission("write")
	frappe.has_permission("Sales Invoice", "create", throw=True)
	if not doc.sales_invoice:
		frappe.throw(
			_("Set the Sales Invoice the complaint is about before making a credit note"),
			frappe.MandatoryError,
		)
	credit = make_sales_return(doc.sales_invoice)
	if items:
		wanted = {row["item_code"]: flt(row["qty"]) for row in items}
		credit.items = [row for row in credit.items if row.item_code in wanted]
		for row in credit.items:
			if not 0 < wanted[row.item_code] <= abs(row.qty):
				frappe.throw(_("Qty for {0} must be between 0 and {1}").format(row.item_code, abs(row.qty)))
			row.qty = -wanted[row.item_code]
		if not credit.items:
			frappe.throw(_("None of the chosen items is on invoice {0}").format(doc.sales_invoice))
	elif amount:
		total = abs(flt(credit.grand_total))
		if not 0 < flt(amount) <= total:
			frappe.throw(_("Amount must be above 0 and at most {0}").format(total))
		# return everything at the invoice's prices, less a discount that leaves exactly the amount
		credit.apply_discount_on = "Grand Total"
		credit.discount_amount = -(total - flt(amount))
	credit.remarks = _("Credit note for complaint {0}").format(doc.name)
	original = frappe.db.get_value(
		"Sales Invoice", doc.sales_invoice, ["posting_date", "posting_time"], as_dict=True
	)
	if getdate(original.posting_date) >= getdate(credit.posting_date):
		# a return cannot precede the invoice it returns (ERPNext allows future-dated invoices)
		credit.set_posting_time = 1
		credit.posting_date = original.posting_date
		credit.posting_time = (
			get_datetime(f"{original.posting_date} {original.posting_time}") + timedelta(seconds=1)
		).time()
	return _remedy_doc(doc, "Credit Note", credit)


def make_refund(name: str, amount: float):
	"""A Payment Entry (Pay) to the customer for the amount, e.g. against a credit note."""
	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	doc.check_permission("write")
	frappe.has_permission("Payment Entry", "create", throw=True)
	if not math.isfinite(flt(amount)) or not 0 < flt(amount) < MAX_AMOUNT:
		frappe.throw(_("Refund amount must be above 0 and below {0}").format(MAX_AMOUNT))
	company = _company_of(doc)
	from erpnext.accounts.party import get_party_account

	paid_from = frappe.get_cached_value(
		"Company", company, "default_cash_account"
	) or frappe.get_cached_value("Company", company, "default_bank_account")
	receivable = get_party_account("Customer", doc.customer, company)
	refund = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Pay",
			"party_type": "Customer",
			"party": doc.customer,
			"company": company,
			"posting_date": getdate(),
			"paid_from": paid_from,
			"paid_to": receivable,
			"paid_amount": flt(amount),
			"received_amount": flt(amount),
			"reference_no": doc.name,
			"reference_date": getdate(),
			"remarks": _("Refund for complaint {0}").format(doc.name),
		}
	)
	refund.setup_party_account_field()
	refund.set_missing_values()
	return _remedy_doc(doc, "Refund", refund)


def make_replacement(name: str, items: list | None = None, delivery_date=None):
	"""A Sales Order at zero rate for the items to replace (the complaint's items by default)."""
	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	doc.check_permission("write")
	frappe.has_permission("Sales Order", "create", throw=True)
	rows = items or [{"item_code": row.item_code, "qty": row.qty or 1} for row in doc.items]
	if not rows:
		frappe.throw(_("List the items to replace"), frappe.MandatoryError)
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": doc.customer,
			"company": _company_of(doc),
			"transaction_date": getdate(),
			"delivery_date": getdate(delivery_date) if delivery_date else add_days(getdate(), 7),
			"items": [
				{
					"item_code": r["item_code"],
					"qty": flt(r["qty"]),
					"rate": 0,
					"margin_type": "",
					"discount_percentage": 0,
				}
				for r in rows
			],
			"ignore_pricing_rule": 1,
			# at the price list's rates, fully discounted: the customer pays nothing for a replacement
			"apply_discount_on": "Grand Total",
			"additional_discount_percentage": 100,
		}
	)
	order = _remedy_doc(doc, "Replacement", order)
	# a replacement's cost is what the goods are worth, not the zero it is billed at
	value = sum(
		flt(frappe.db.get_value("Item", r["item_code"], "valuation_rate")) * flt(r["qty"]) for r in rows
	)
	doc.reload()
	doc.remedies[-1].amount = value
	doc.save()
	return order


def on_remedy_change(target, method=None):
	"""doc_event (on_submit / on_cancel of Sales Invoice, Payment Entry, Sales Order): the complaint
	shows its remedies' status and their cost."""
	complaint = target.get("crm_customer_complaint")
	if not complaint or not is_enabled("enable_sales_hooks"):
		return
	row = frappe.db.get_value(
		COMPLAINT_REMEDY,
		{"parent": complaint, "reference_doctype": target.doctype, "reference_name": target.name},
		"name",
	)
	if not row:
		return
	frappe.db.set_value(COMPLAINT_REMEDY, row, "document_status", _document_status(target.docstatus))
	remedy = frappe.qb.DocType(COMPLAINT_REMEDY)
	from frappe.query_builder.functions import Sum

	total = (
		frappe.qb.from_(remedy)
		.select(Sum(remedy.amount))
		.where((remedy.parent == complaint) & (remedy.document_status != "Cancelled"))
		.run()[0][0]
	)
	compensation = frappe.db.get_value(CUSTOMER_COMPLAINT, complaint, "compensation")
	frappe.db.set_value(
		CUSTOMER_COMPLAINT, complaint, "cost", flt(total) + flt(compensation), update_modified=False
	)
