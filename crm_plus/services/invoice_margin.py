"""Each submitted Sales Invoice's margin in the company's currency, kept on the invoice
(`crm_plus_margin`): its items' net amount less the cost of the goods they sold (ERPNext's incoming
rate per stock unit), the gross profit the scoring also reads per item. Campaign ROI then reads every
campaign invoice's margin from one covering index instead of an index look-up into the items per
invoice.

It is set when the invoice is submitted (after ERPNext has posted its stock ledger, which may adjust
the items' incoming rate), again when a completed stock repost changes the incoming rates of the
invoices after it, and for existing invoices by a patch (`backfill`)."""

import frappe

from crm_plus.constants import INVOICE_MARGIN
from crm_plus.services.sql import index_hint

# One item row's margin in the company's currency (the same figure as the scoring's gross profit)
ITEM_MARGIN = "sii.base_net_amount - ifnull(sii.incoming_rate, 0) * sii.stock_qty"
CHUNK = 5000


def on_submit(doc) -> None:
	"""The submitted invoice's margin, read from its items as ERPNext left them: two statements."""
	margin = frappe.db.sql(
		f"""select ifnull(sum({ITEM_MARGIN}), 0) from `tabSales Invoice Item` sii
		{index_hint("Sales Invoice Item", "crm_plus_profit")} where sii.parent = %s""",
		doc.name,
	)[0][0]
	frappe.db.set_value("Sales Invoice", doc.name, INVOICE_MARGIN, margin, update_modified=False)
	doc.set(INVOICE_MARGIN, margin)  # a later db_update of this document keeps it


def refresh(names: list[str]) -> None:
	"""Recompute the margin of these invoices from their items: one statement per CHUNK invoices."""
	names = sorted(set(names))
	for start in range(0, len(names), CHUNK):
		chunk = tuple(names[start : start + CHUNK])
		frappe.db.sql(
			f"""update `tabSales Invoice` si
			left join (
				select sii.parent, sum({ITEM_MARGIN}) as margin
				from `tabSales Invoice Item` sii {index_hint("Sales Invoice Item", "crm_plus_profit")}
				where sii.parent in %(names)s group by sii.parent
			) x on x.parent = si.name
			set si.`{INVOICE_MARGIN}` = ifnull(x.margin, 0)
			where si.name in %(names)s and si.docstatus = 1""",
			{"names": chunk},
		)


def after_repost(doc, method=None) -> None:
	"""A completed Repost Item Valuation has rewritten the incoming rate of the Sales Invoice items whose
	stock moved on or after its date, for its item and warehouse (or its voucher's): their invoices'
	margins follow, set-based: one query finds the invoices, one statement per chunk refreshes them."""
	if doc.status != "Completed":
		return
	# the item and warehouse reposted: the repost's own, or those its voucher moved
	reposted = (
		"""select distinct item_code, warehouse from `tabStock Ledger Entry`
		where voucher_type = %(voucher_type)s and voucher_no = %(voucher_no)s"""
		if doc.based_on == "Transaction"
		else "select %(item_code)s as item_code, %(warehouse)s as warehouse"
	)
	invoices = frappe.db.sql_list(
		f"""select distinct sle.voucher_no from ({reposted}) r
		join `tabStock Ledger Entry` sle on sle.item_code = r.item_code and sle.warehouse = r.warehouse
		where sle.posting_date >= %(posting_date)s and sle.voucher_type = 'Sales Invoice'
			and sle.is_cancelled = 0""",
		{
			"voucher_type": doc.voucher_type,
			"voucher_no": doc.voucher_no,
			"item_code": doc.item_code,
			"warehouse": doc.warehouse,
			"posting_date": doc.posting_date,
		},
	)
	refresh(invoices)


def backfill(progress=None) -> int:
	"""Set the margin of every submitted invoice, chunk by chunk in name order, each chunk committed
	(safe to run again). Returns how many invoices were set."""
	done, after = 0, ""
	while True:
		names = frappe.db.sql_list(
			"""select name from `tabSales Invoice` where name > %s and docstatus = 1
			order by name limit %s""",
			(after, CHUNK),
		)
		if not names:
			return done
		refresh(names)
		frappe.db.commit()  # nosemgrep: a backfill of every invoice commits each chunk
		done, after = done + len(names), names[-1]
		if progress:
			progress(done)
