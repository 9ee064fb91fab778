# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

"""The margin crm_plus keeps on each submitted Sales Invoice: set at submit, followed by a stock repost
that rewrites the incoming rates, restored for older invoices by the patch, and read by Campaign ROI."""

from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days

from crm_plus.constants import INVOICE_MARGIN
from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import DAY
from crm_plus.services import invoice_margin
from crm_plus.tests.utils import create_customer, create_sales_invoice, receive_stock

test_ignore = ["Campaign", "Customer", "Contact", "Lead"]

ITEM = "_Test CRM Margin Item"
REPOSTED_ITEM = "_Test CRM Margin Reposted Item"  # its own valuation, rewritten by one test


def items_margin(invoice: str) -> Decimal:
	"""The specification: the invoice's items' net amount less incoming rate times stock quantity."""
	return sum(
		(
			Decimal(str(row.base_net_amount))
			- Decimal(str(row.incoming_rate or 0)) * Decimal(str(row.stock_qty))
			for row in frappe.get_all(
				"Sales Invoice Item",
				filters={"parent": invoice},
				fields=["base_net_amount", "incoming_rate", "stock_qty"],
			)
		),
		Decimal(0),
	)


def stored(invoice: str) -> Decimal:
	return Decimal(str(frappe.db.get_value("Sales Invoice", invoice, INVOICE_MARGIN)))


class TestInvoiceMargin(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import stock_item

		cls.warehouse = stock_item()  # the fiscal years and the company's stores
		for item_code, qty in ((ITEM, 100), (REPOSTED_ITEM, 10)):  # received at 50, before the sales
			receive_stock(item_code, qty, 50, cls.warehouse, add_days(DAY, -10))
		cls.customer = create_customer("_Test CRM Margin Customer")

	def sell(self, qty=4, item_code=ITEM, **values):
		return create_sales_invoice(
			self.customer,
			qty=qty,
			rate=100,
			posting_date=DAY,
			item_code=item_code,
			update_stock=1,
			set_warehouse=self.warehouse,
			**values,
		)

	def test_set_at_submit_from_the_items_as_posted(self):
		invoice = self.sell()
		self.assertEqual(stored(invoice.name), items_margin(invoice.name))
		self.assertEqual(stored(invoice.name), Decimal(4 * (100 - 50)))
		self.assertEqual(Decimal(str(invoice.get(INVOICE_MARGIN))), stored(invoice.name))  # in memory too

	def test_a_draft_has_none(self):
		invoice = self.sell(submit=False)
		self.assertEqual(stored(invoice.name), 0)

	def test_followed_by_a_backdated_receipt_and_its_repost(self):
		invoice = self.sell(item_code=REPOSTED_ITEM)
		before = stored(invoice.name)
		rate_before = frappe.db.get_value("Sales Invoice Item", {"parent": invoice.name}, "incoming_rate")
		# a receipt dated before the sale at another rate: ERPNext reposts (at once, in tests) and rewrites
		# the invoice's incoming rate; the hook on the completed repost refreshes the margin
		receive_stock(REPOSTED_ITEM, 10, 110, self.warehouse, add_days(DAY, -20))
		rate_after = frappe.db.get_value("Sales Invoice Item", {"parent": invoice.name}, "incoming_rate")
		self.assertNotEqual(rate_after, rate_before, "the repost did not change the incoming rate")
		self.assertNotEqual(stored(invoice.name), before)
		self.assertEqual(stored(invoice.name), items_margin(invoice.name))

	def test_backfill_restores_older_invoices(self):
		invoices = [self.sell(qty=q).name for q in (1, 2, 3)]
		frappe.db.sql(
			f"update `tabSales Invoice` set `{INVOICE_MARGIN}` = 0 where name in %(names)s",
			{"names": invoices},
		)
		with patch.object(frappe.db, "commit"):  # the patch commits each chunk; the test rolls back
			done = invoice_margin.backfill()
		self.assertGreaterEqual(done, len(invoices))
		self.assertEqual([stored(n) for n in invoices], [items_margin(n) for n in invoices])
		self.assertEqual([stored(n) for n in invoices], [Decimal(50), Decimal(100), Decimal(150)])

	def test_cancelled_invoice_is_not_refreshed(self):
		invoice = self.sell()
		invoice.cancel()
		frappe.db.sql(f"update `tabSales Invoice` set `{INVOICE_MARGIN}` = 7 where name = %s", invoice.name)
		invoice_margin.refresh([invoice.name])
		self.assertEqual(stored(invoice.name), 7)

	def test_followed_by_a_repost_of_its_item_and_warehouse(self):
		invoice = self.sell(qty=2)
		row = frappe.db.get_value(
			"Sales Invoice Item", {"parent": invoice.name}, ["name", "item_code"], as_dict=True
		)
		# what a repost of the item and warehouse does to the invoice's row (ERPNext sets it directly)
		frappe.db.set_value("Sales Invoice Item", row.name, "incoming_rate", 70)
		invoice_margin.after_repost(
			frappe._dict(
				status="Completed",
				based_on="Item and Warehouse",
				item_code=row.item_code,
				warehouse=self.warehouse,
				posting_date=add_days(DAY, -1),
			)
		)
		self.assertEqual(stored(invoice.name), Decimal(2 * (100 - 70)))
