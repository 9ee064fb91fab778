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
	"tabDelivery Note",
	"tabRetention Plan",
}


def customer_with_documents() -> str:
	ensure_indexes()
	customer = create_customer("_Test Plans Customer")
	if not frappe.db.exists("Sales Invoice", {"customer": customer, "docstatus": 1}):
		for days in (90, 60, 30):
			invoice = create_sales_invoice(customer, posting_date=add_days(today(), -days))
		pay_invoice(invoice.name)
		make_interaction(customer, subject="Plans")
	# scored, so the first page also reads its verdict, open retention plan and trend
	frappe.db.set_value("Customer", customer, "crm_scored_on", today(), update_modified=False)
	return customer


class TestCustomer360Plans(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = customer_with_documents()

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


class TestApiPlans(FrappeTestCase):
	"""The API's reads (the 360, a customer's interactions, a complaint's reference search) go through
	indexes that start with the party too, as the signed-in user sends them."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = customer_with_documents()

	statements_of = TestCustomer360Plans.statements_of
	assert_plans = TestCustomer360Plans.assert_plans

	def test_reads_of_the_api(self):
		from crm_plus.api import complaint, customer, interaction

		calls = {
			"get_360": lambda: customer.get_360(self.customer, limit=2),
			"get_interactions": lambda: interaction.get_interactions(self.customer, limit=2),
			**{
				f"search_references {doctype}": lambda doctype=doctype: complaint.search_references(
					doctype, "", "name", 0, 20, {"customer": self.customer}
				)
				for doctype in ("Sales Invoice", "Sales Order", "Delivery Note")
			},
		}
		for name, call in calls.items():
			with self.subTest(name):
				_result, statements = self.statements_of(call)
				self.assertGreaterEqual(self.assert_plans(statements), 1, name)


class TestReportIndexPlans(FrappeTestCase):
	"""Campaign ROI and Repeat Purchase read the invoices from one covering index each: no row of the
	table, no invoice item (the margin is kept on the invoice)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import build_roi_campaign

		ensure_indexes()
		build_roi_campaign(cls)

	statements_of = TestCustomer360Plans.statements_of

	def invoice_plans(self, report, filters):
		from frappe.desk.query_report import run

		_result, statements = self.statements_of(
			lambda: run(report, filters=filters, ignore_prepared_report=True)
		)
		queries = [(q, v) for q, v in statements if "`tabsales invoice" in q.lower()]
		self.assertTrue(queries, report)
		for query, _values in queries:
			self.assertNotIn("tabsales invoice item", query.lower(), query)
		return [
			(query, row)
			for query, values in queries
			for row in frappe.db.sql("explain " + query, values, as_dict=True)
			if row.table in ("t", "tabSales Invoice")
		]

	def test_campaign_roi_reads_the_campaign_index(self):
		from crm_plus.tests.utils import get_company

		plans = self.invoice_plans("Campaign ROI", {"company": get_company()})
		keyed = [(q, row) for q, row in plans if row.key == "crm_plus_campaign_margin"]
		self.assertTrue(keyed, plans)
		for query, row in keyed:
			self.assertIn("Using index", row.Extra or "", query)

	def test_repeat_purchase_reads_one_narrow_index(self):
		from crm_plus.tests.utils import get_company

		filters = {
			"company": get_company(),
			"from_date": add_days(today(), -365),
			"to_date": today(),
			"months": 6,
		}
		plans = self.invoice_plans("Repeat Purchase and Cohorts", filters)
		self.assertEqual([row.key for _q, row in plans], ["crm_plus_first_purchase"], plans)
		self.assertIn("Using index", plans[0][1].Extra or "", plans[0][0])


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
