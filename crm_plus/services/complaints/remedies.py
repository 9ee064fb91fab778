"""Remedies through ERPNext's billing: a credit note, a refund or a replacement order, linked both ways
and rolled into the complaint's cost.

A remedy is a billing document, made by whom ERPNext lets create it (credit notes and refunds: the
accounts roles; replacement orders: the sales roles) for a complaint they may read. Anyone else is
refused at once, before any work, with the roles that can (an agent sets the complaint's Resolution
Type, which tells billing what to do). The server records the remedy on the complaint (its remedies
are never typed in), so a billing clerk who only reads complaints can issue one. Each remedy is
all-or-nothing: the document and the complaint's record of it are written together or not at all."""

import math
from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Abs, Sum
from frappe.utils import add_days, cint, flt, fmt_money, get_datetime, getdate, strip_html

from crm_plus.constants import COMPLAINT_REMEDY, CUSTOMER_COMPLAINT, SYSTEM_MANAGER
from crm_plus.services.complaints.document import MAX_AMOUNT
from crm_plus.services.settings import get_settings, is_enabled

# the document each remedy is, as the complaint's remedies name them
REMEDY_DOCTYPES = {"Credit Note": "Sales Invoice", "Refund": "Payment Entry", "Replacement": "Sales Order"}


def check_may_make(remedy_type: str) -> None:
	"""Refuse at once (403) a user whom ERPNext does not let create the remedy's document, naming the
	roles that may."""
	doctype = REMEDY_DOCTYPES[remedy_type]
	if frappe.has_permission(doctype, "create"):
		return
	roles = ", ".join(frappe.bold(_(role)) for role in roles_that_create(doctype))
	message = {
		"Credit Note": _(
			"Credit notes are issued by billing: a user with the role {0}. Set the complaint's "
			"Resolution Type to tell them what to do."
		),
		"Refund": _(
			"Refunds are made by billing: a user with the role {0}. Set the complaint's Resolution Type "
			"to tell them what to do."
		),
		"Replacement": _(
			"Replacement orders are made by sales: a user with the role {0}. Set the complaint's "
			"Resolution Type to tell them what to do."
		),
	}[remedy_type]
	frappe.throw(message.format(roles), frappe.PermissionError, title=_("Not permitted"))


def roles_that_create(doctype: str) -> list[str]:
	"""The roles the doctype's permission rules let create it (as the site has them), System Manager
	only when no other."""
	roles = [p.role for p in frappe.get_meta(doctype).permissions if p.create and not cint(p.permlevel)]
	return list(dict.fromkeys(r for r in roles if r not in (SYSTEM_MANAGER, "Administrator"))) or [
		SYSTEM_MANAGER
	]


def _complaint(name: str):
	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	doc.check_permission("read")
	return doc


def _remedy_doc(doc, remedy_type, target, amount=None):
	"""Insert (and, by setting, submit) the remedy as the user, and record it on the complaint; nothing
	of either stays when one fails."""
	savepoint = "crm_plus_remedy"
	frappe.db.savepoint(savepoint)
	try:
		target.crm_customer_complaint = doc.name
		target.flags.ignore_permissions = False  # ERPNext's rights on the document decide
		target.insert()
		if get_settings().submit_remedies:
			target.submit()
		if amount is None:
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
		# the remedies are the server's record (read-only on the form): a billing clerk who may only
		# read the complaint records the remedy they made
		doc.flags.ignore_permissions = True
		doc.save()
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		raise
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


def _invoice_of(doc) -> str:
	if not doc.sales_invoice:
		frappe.throw(
			_("Set the Sales Invoice the complaint is about before making a credit note"),
			frappe.MandatoryError,
		)
	return doc.sales_invoice


def credit_note_items(name: str) -> dict:
	"""What a credit note for the complaint may credit: each line of its invoice with the quantity sold,
	already returned (by submitted credit notes, as ERPNext counts them) and still returnable, at the
	invoice's rate, in its currency."""
	check_may_make("Credit Note")
	doc = _complaint(name)
	invoice = _invoice_of(doc)
	frappe.has_permission("Sales Invoice", "read", invoice, throw=True)
	customer, currency = frappe.db.get_value("Sales Invoice", invoice, ["customer", "currency"])
	lines = frappe.get_all(
		"Sales Invoice Item",
		filters={"parent": invoice, "parenttype": "Sales Invoice"},
		fields=["name", "idx", "item_code", "item_name", "description", "qty", "uom", "rate"],
		order_by="idx",
	)
	credit, line = frappe.qb.DocType("Sales Invoice"), frappe.qb.DocType("Sales Invoice Item")
	returned = dict(
		frappe.qb.from_(line)
		.join(credit)
		.on(credit.name == line.parent)
		.select(line.sales_invoice_item, Sum(Abs(line.qty)))
		.where(
			(credit.return_against == invoice)
			& (credit.customer == customer)
			& (credit.is_return == 1)
			& (credit.docstatus == 1)
			& (line.parenttype == "Sales Invoice")
		)
		.groupby(line.sales_invoice_item)
		.run()
	)
	return {
		"invoice": invoice,
		"currency": currency,
		"items": [
			{
				"invoice_item": row.name,
				"idx": row.idx,
				"item_code": row.item_code,
				"item_name": row.item_name,
				"description": strip_html(row.description or ""),
				"qty": flt(row.qty),
				"returned_qty": flt(returned.get(row.name)),
				"returnable_qty": max(flt(row.qty) - flt(returned.get(row.name)), 0),
				"uom": row.uom,
				"rate": flt(row.rate),
			}
			for row in lines
		],
	}


def make_credit_note(name: str, items: list | None = None, amount: float | None = None):
	"""A Sales Invoice return against the complaint's invoice (ERPNext's make_return_doc) for exactly
	the chosen quantities: `items` [{invoice_item (the invoice's line) or item_code, qty}], where a qty
	of 0 chooses nothing; or, as an explicit choice, a flat `amount` in the invoice's currency (every
	returnable line, less a discount that leaves the amount). Choosing nothing is an error, never a
	credit of the whole invoice."""
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	check_may_make("Credit Note")
	doc = _complaint(name)
	invoice = _invoice_of(doc)
	chosen = _chosen_quantities(items)
	if chosen and amount is not None:
		frappe.throw(_("Choose either items and quantities or an amount to credit, not both"))
	if not chosen and amount is None:
		frappe.throw(
			_("Choose what to credit: a Qty to Credit above 0 for at least one item, or an amount"),
			frappe.MandatoryError,
		)
	if amount is not None and not (math.isfinite(flt(amount)) and 0 < flt(amount) < MAX_AMOUNT):
		frappe.throw(_("Amount must be above 0 and below {0}").format(MAX_AMOUNT))
	credit = make_return_doc("Sales Invoice", invoice)
	if chosen:
		_credit_quantities(credit, chosen, invoice)
	else:
		total = abs(flt(credit.grand_total))
		if not flt(amount) <= total:
			frappe.throw(
				_("Amount must be above 0 and at most {0}").format(fmt_money(total, currency=credit.currency))
			)
		# return everything at the invoice's prices, less a discount that leaves exactly the amount
		credit.apply_discount_on = "Grand Total"
		credit.discount_amount = -(total - flt(amount))
	credit.remarks = _("Credit note for complaint {0}").format(doc.name)
	original = frappe.db.get_value("Sales Invoice", invoice, ["posting_date", "posting_time"], as_dict=True)
	if getdate(original.posting_date) >= getdate(credit.posting_date):
		# a return cannot precede the invoice it returns (ERPNext allows future-dated invoices)
		credit.set_posting_time = 1
		credit.posting_date = original.posting_date
		credit.posting_time = (
			get_datetime(f"{original.posting_date} {original.posting_time}") + timedelta(seconds=1)
		).time()
	return _remedy_doc(doc, "Credit Note", credit)


def _chosen_quantities(items: list | None) -> list[dict]:
	"""The rows with a quantity to credit; a qty of 0 (or none) chooses nothing."""
	chosen = []
	for row in items or []:
		qty = flt(row.get("qty"))
		if not math.isfinite(qty) or qty < 0:
			frappe.throw(_("Qty to Credit must be 0 or more"))
		if qty:
			chosen.append({**row, "qty": qty})
	return chosen


def _credit_quantities(credit, chosen: list[dict], invoice: str) -> None:
	"""Keep only the chosen lines on the return, each at minus the chosen quantity, which may not be
	more than ERPNext leaves returnable (sold less what submitted credit notes returned)."""
	wanted = {}
	for row in chosen:
		line = _line_of(credit, row, invoice)
		if line.sales_invoice_item in wanted:
			frappe.throw(_("Line {0} of invoice {1} is chosen twice").format(line.idx, invoice))
		returnable = abs(flt(line.qty))
		if row["qty"] > returnable:
			frappe.throw(
				_("Only {0} of {1} (line {2} of invoice {3}) can still be credited; {4} chosen").format(
					returnable, frappe.bold(line.item_code), line.idx, invoice, row["qty"]
				)
			)
		wanted[line.sales_invoice_item] = row["qty"]
	credit.items = [line for line in credit.items if line.sales_invoice_item in wanted]
	for idx, line in enumerate(credit.items, start=1):
		line.idx = idx
		line.qty = -wanted[line.sales_invoice_item]


def _line_of(credit, row: dict, invoice: str):
	"""The return's line for a chosen row: by the invoice's line, else by an item on one line only."""
	if row.get("invoice_item"):
		lines = [line for line in credit.items if line.sales_invoice_item == row["invoice_item"]]
		if not lines:
			frappe.throw(_("Line {0} is not on invoice {1}").format(row["invoice_item"], invoice))
		return lines[0]
	lines = [line for line in credit.items if line.item_code == row.get("item_code")]
	if not lines:
		frappe.throw(_("Item {0} is not on invoice {1}").format(frappe.bold(row.get("item_code")), invoice))
	if len(lines) > 1:
		frappe.throw(
			_("Item {0} is on several lines of invoice {1}: choose the line").format(
				frappe.bold(row.get("item_code")), invoice
			)
		)
	return lines[0]


def make_refund(name: str, amount: float):
	"""A Payment Entry (Pay) to the customer for the amount, e.g. against a credit note."""
	check_may_make("Refund")
	doc = _complaint(name)
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
	check_may_make("Replacement")
	doc = _complaint(name)
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
	# a replacement's cost is what the goods are worth, not the zero it is billed at
	valuation = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", list({r["item_code"] for r in rows}))},
			fields=["name", "valuation_rate"],
			as_list=True,
		)
	)
	value = sum(flt(valuation.get(r["item_code"])) * flt(r["qty"]) for r in rows)
	return _remedy_doc(doc, "Replacement", order, amount=value)


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
