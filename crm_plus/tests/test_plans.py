"""Plans that hold: every query of the Customer 360 (both pages: the first, with its figures, and one
after a cursor) reads each table of a customer's documents through an index that starts with the party,
never a full table scan or a full index walk. The plans are checked with EXPLAIN on the statements the
360 really sends, so they do not depend on the data set a benchmark happened to use."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from crm_plus.crm_plus.doctype.customer_interaction.test_customer_interaction import make_interaction
from crm_plus.install.indexes import ensure_indexes
from crm_plus.services import customer_360
from crm_plus.tests.utils import create_customer, create_sales_invoice, pay_invoice

WATCHED = {
	"tabSales Invoice",
	"tabSales Order",
	"tabQuotation",
	"tabPayment Entry",
	"tabCustomer Interaction",
	"tabCustomer Complaint",
	"tabPayment Ledger Entry",
}


class TestCustomer360Plans(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_indexes()
		cls.customer = create_customer("_Test Plans Customer")
		for days in (90, 60, 30):
			invoice = create_sales_invoice(cls.customer, posting_date=add_days(today(), -days))
		pay_invoice(invoice.name)
		make_interaction(cls.customer, subject="Plans")

	def statements_of(self, call):
		sent = []
		original = frappe.db.sql

		def recording(query, values=(), *args, **kwargs):
			sent.append((str(query), values))
			return original(query, values, *args, **kwargs)

		frappe.db.sql = recording
		try:
			result = call()
		finally:
			frappe.db.sql = original
		return result, [(q, v) for q, v in sent if q.lstrip().lower().startswith("select")]

	def assert_plans(self, statements):
		checked = 0
		for query, values in statements:
			plan = frappe.db.sql("explain " + query, values, as_dict=True)
			for row in plan:
				if row.table in WATCHED:
					checked += 1
					self.assertNotIn(row.type, ("ALL", "index"), f"{row.table}: {row}\n{query}")
					self.assertTrue(row.key, f"{row.table} without an index: {query}")
		return checked

	def test_first_page_and_a_later_page_read_through_party_indexes(self):
		result, statements = self.statements_of(lambda: customer_360.get_360(self.customer, limit=2))
		self.assertTrue(result["next_cursor"])
		self.assertGreaterEqual(self.assert_plans(statements), 7)
		_page, statements = self.statements_of(
			lambda: customer_360.get_360(self.customer, before=result["next_cursor"], limit=2)
		)
		self.assertGreaterEqual(self.assert_plans(statements), 6)

	def test_the_timeline_names_its_index(self):
		"""The optimizer cannot prefer a time-only index: each kind's query forces crm_plus's index."""
		_result, statements = self.statements_of(lambda: customer_360.get_360(self.customer))
		invoice_queries = [
			q.lower()
			for q, _v in statements
			if "from `tabsales invoice`" in q.lower() and " limit " in q.lower()
		]
		self.assertEqual(len(invoice_queries), 2, "invoices and credit notes")
		for query in invoice_queries:
			self.assertIn("force index (`crm_plus_timeline`)", query)
			self.assertNotIn("ifnull(", query)
