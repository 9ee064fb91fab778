# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from crm_plus.domain import retention
from crm_plus.services.scoring import pipeline, statistics
from crm_plus.tests.utils import (
	create_company,
	create_customer,
	create_sales_invoice,
	ensure_fiscal_years,
)

# The runner would make test records for every linked doctype; Company's links reach doctypes of
# apps this site may not have (Payment Gateway). These tests build their own company.
test_ignore = ["Company"]
AS_OF = getdate("2031-06-30")  # a fixed "today" so the figures are exact
COMPANY = "_Test CRM Scoring Co"


def build_population(test_case):
	"""Customers with known purchase patterns in a company of their own (its own population)."""
	ensure_fiscal_years(add_days(AS_OF, -800), AS_OF)
	company = create_company(COMPANY, "TCSC")
	customers = {}

	def buy(label, days_ago, rate, qty=1):
		customer = customers.setdefault(label, create_customer(f"_Test Scoring {label}"))
		return create_sales_invoice(
			customer, rate=rate, qty=qty, posting_date=add_days(AS_OF, -days_ago), company=company
		)

	for i in range(24):  # monthly, big, up to 10 days ago
		buy("Champion", 10 + 30 * i, 5000)
	for i in range(12):  # monthly for a year, then nothing for 300 days
		buy("Lapsed", 300 + 30 * i, 800)
	buy("Newcomer", 20, 300)
	for label, days in (("Small 1", 45), ("Small 2", 200), ("Small 3", 400), ("Small 4", 100)):
		buy(label, days, 100)
		buy(label, days + 60, 100)
	return company, customers


class TestScoring(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)
		cls.result = pipeline.score_all(as_of=AS_OF, publish=False)

	def snapshot(self, label):
		return frappe.get_doc(
			"Customer Health Snapshot",
			{"customer": self.customers[label], "company": self.company, "period": "2031-06"},
		)

	def test_champion(self):
		s = self.snapshot("Champion")
		self.assertEqual((s.segment, s.value_class, s.rfm, s.risk_band), ("Champions", "A", "555", "Low"))
		self.assertEqual((s.frequency, s.monetary, s.profit_rank), (24, 120000, 1))
		self.assertEqual(s.recency_days, 10)
		self.assertAlmostEqual(s.usual_gap_days, 30)

	def test_lapsed_customer_is_at_high_risk_with_reasons(self):
		s = self.snapshot("Lapsed")
		self.assertIn(s.risk_band, ("High", "Critical"))
		self.assertGreaterEqual(s.risk_score, 60)
		self.assertIn("300 days since last purchase", s.reasons)
		self.assertIn(s.segment, ("At Risk", "Can't Lose", "Lost", "Hibernating"))
		self.assertEqual(s.value_class, "B")

	def test_newcomer_is_new_and_small_customers_are_c(self):
		self.assertEqual(self.snapshot("Newcomer").segment, "New")
		self.assertEqual({self.snapshot(f"Small {i}").value_class for i in range(1, 5)}, {"C"})

	def test_figures_land_on_the_customer(self):
		customer = frappe.get_doc("Customer", self.customers["Lapsed"])
		s = self.snapshot("Lapsed")
		self.assertEqual(
			(
				customer.crm_segment,
				customer.crm_churn_risk,
				customer.crm_churn_risk_band,
				customer.crm_value_class,
			),
			(s.segment, s.risk_score, s.risk_band, s.value_class),
		)

	def test_rerun_and_chunk_size_give_the_same_result(self):
		fields = ["customer", "rfm", "segment", "value_class", "risk_score", "reasons", "profit_rank"]
		before = frappe.get_all(
			"Customer Health Snapshot", filters={"company": self.company}, fields=fields, order_by="customer"
		)
		pipeline.score_all(as_of=AS_OF, chunk_size=2, publish=False)
		after = frappe.get_all(
			"Customer Health Snapshot", filters={"company": self.company}, fields=fields, order_by="customer"
		)
		self.assertEqual(before, after)
		self.assertEqual(len(after), len(self.customers))

	def test_the_ranks_written_with_the_facts_are_the_domains(self):
		"""The aggregate writes the main company and the profit rank with the facts (window functions,
		`statistics.ranks`): the same as those expressions over the stored rows (which the differential
		test holds to the domain) and as the domain over the stored facts."""
		period = "2031-06"
		rows = frappe.get_all(
			"Customer Health Snapshot",
			filters={"period": period},
			fields=[
				"name",
				"customer",
				"company",
				"monetary",
				"gross_profit",
				"is_main_company",
				"profit_rank",
			],
		)
		self.assertEqual(
			statistics.stored_ranks(period), {r.name: (r.is_main_company, r.profit_rank) for r in rows}
		)
		mine = [r for r in rows if r.company == self.company]
		self.assertGreater(len({r.gross_profit for r in mine}), 2)  # distinct profits to rank
		ranks = retention.profit_ranks({r.customer: r.gross_profit for r in mine})
		self.assertEqual({r.customer: r.profit_rank for r in mine}, ranks)
		monetary = {}
		for r in rows:
			monetary.setdefault(r.customer, {})[r.company] = r.monetary
		for r in mine:
			self.assertEqual(
				bool(r.is_main_company), retention.main_company(monetary[r.customer]) == r.company
			)

	def test_query_count_does_not_grow_with_customers(self):
		"""A fixed number of statements: the aggregate (one write), the statistics, one read and one write
		per chunk, the copy onto customers."""
		rows = frappe.db.count("Customer Health Snapshot", {"period": "2031-06"})
		with self.assertQueryCount(25):
			pipeline.score_all(as_of=AS_OF, chunk_size=rows + 1, publish=False)

	def test_credit_note_nets_monetary_and_counts_as_returns(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		invoice = create_sales_invoice(
			self.customers["Newcomer"], rate=300, posting_date=add_days(AS_OF, -5), company=self.company
		)
		credit = make_sales_return(invoice.name)
		credit.posting_date = add_days(AS_OF, -2)
		credit.set_posting_time = 1
		credit.insert()
		credit.submit()
		pipeline.score_all(as_of=AS_OF, publish=False)
		s = self.snapshot("Newcomer")
		self.assertEqual((s.monetary, s.returns_amount, s.frequency), (300, 300, 2))
