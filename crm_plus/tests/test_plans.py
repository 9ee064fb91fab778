"""Plans that hold: every query of the Customer 360 (both pages: the first, with its figures, and one
after a cursor) reads each table of a customer's documents through an index that starts with the party,
never a full table scan or a full index walk. The plans are checked with EXPLAIN on the statements the
360 really sends, so they do not depend on the data set a benchmark happened to use."""

import re

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


class TestReportFirstPagePlans(FrappeTestCase):
	"""The reports that list every customer read their first page with LIMIT in the order of an index
	(no sort of the month's rows) and their totals from an index alone, whatever the data."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
			AS_OF,
			build_population,
		)
		from crm_plus.services.scoring import pipeline

		ensure_indexes()
		cls.company, _customers = build_population(cls)
		pipeline.score_all(as_of=AS_OF, publish=False)

	def plans_of(self, report, filters):
		from frappe.desk.query_report import run

		_result, statements = TestCustomer360Plans.statements_of(
			self, lambda: run(report, filters=filters, ignore_prepared_report=True)
		)
		plans = []
		for query, values in statements:
			if "tabCustomer Health Snapshot" in query:
				plan = frappe.db.sql("explain " + query, values, as_dict=True)
				plans.append((query.lower(), [r for r in plan if r.table == "tabCustomer Health Snapshot"]))
		return plans

	def assert_ordered_page(self, plans, index):
		pages = [  # read from the snapshot, ending with the page's LIMIT
			(q, p)
			for q, p in plans
			if "from `tabcustomer health snapshot` force index" in q and re.search(r"limit \d+\s*$", q)
		]
		self.assertTrue(pages, "no first-page query")
		for query, plan in pages:
			self.assertEqual([r.key for r in plan], [index], query)
			self.assertNotIn("filesort", plan[0].Extra or "", query)
			self.assertNotIn(plan[0].type, ("ALL", "index"), query)

	def test_churn_risk(self):
		plans = self.plans_of("Churn Risk", {"company": self.company})
		self.assert_ordered_page(plans, "crm_plus_risk_order")
		totals = [(q, p) for q, p in plans if "group by" in q]
		self.assertTrue(totals)
		for query, plan in totals:  # the bands over the whole list, from the index alone
			self.assertEqual(plan[0].key, "crm_plus_risk_order", query)
			self.assertIn("Using index", plan[0].Extra or "", query)

	def test_customer_priority(self):
		plans = self.plans_of("Customer Priority", {"company": self.company})
		self.assert_ordered_page(plans, "crm_plus_profit_order")
