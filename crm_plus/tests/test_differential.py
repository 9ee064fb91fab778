"""Differential tests: where SQL computes for speed what `crm_plus.domain` specifies, both run on the
same generated population and must give identical results.

- scoring's statistics (`services.scoring.statistics`): RFM cut points, the 80/20 thresholds, the
  profit rank and each customer's main company (the window functions the aggregate writes with the
  facts), against `domain.retention`;
- campaign revenue net of credit notes (`services.campaigns.figures.billing_of`), against
  `domain.attribution.revenue_by_campaign`.

The populations are written straight into the tables (thousands of rows in a few statements) with the
edge cases that break such pairs: ties, zero and negative revenue (returns larger than sales), a single
purchase, customers of several companies, credit notes with and without their own campaign, drafts
and cancelled invoices. Everything is rolled back afterwards.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.domain import attribution, retention
from crm_plus.services.campaigns.figures import billing_of
from crm_plus.services.scoring import statistics

PERIOD = "1990-01"  # a month no real run scores
AS_OF = date(1990, 1, 31)
COMPANIES = ("Diff Co A", "Diff Co B", "Diff Co C")


def _money(rng: random.Random) -> Decimal:
	"""Revenue with many ties, zeros and negatives."""
	kind = rng.random()
	if kind < 0.1:
		return Decimal(0)
	if kind < 0.15:
		return -Decimal(rng.randint(1, 500))
	if kind < 0.45:
		return Decimal(rng.choice((100, 250, 1000)))  # ties
	return Decimal(rng.randint(1, 2_000_000)) / 100


class TestScoringStatisticsAgainstTheDomain(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		rng = random.Random(20261204)
		cls.rows = []
		for number in range(3000):
			customer = f"DIFF-CUST-{number:05d}"
			for company in rng.sample(COMPANIES, rng.choice((1, 1, 1, 2, 3))):
				frequency = rng.choice((0, 1, 1, 2, 3, 5, 8, 13, rng.randint(1, 200)))
				last = AS_OF - timedelta(days=rng.choice((0, 1, 30, 30, 365, rng.randint(0, 2000))))
				cls.rows.append(
					{
						"name": f"DIFF-{number:05d}-{company[-1]}",
						"customer": customer,
						"company": company,
						"frequency": frequency,
						"monetary": _money(rng) if frequency else -Decimal(rng.randint(0, 300)),
						"gross_profit": _money(rng),
						"last_purchase": last if frequency else None,
					}
				)
		frappe.db.sql("delete from `tabCustomer Health Snapshot` where period = %s", PERIOD)
		frappe.db.bulk_insert(
			"Customer Health Snapshot",
			[
				"name",
				"customer",
				"company",
				"period",
				"frequency",
				"monetary",
				"gross_profit",
				"last_purchase",
				"docstatus",
				"idx",
			],
			[
				(
					r["name"],
					r["customer"],
					r["company"],
					PERIOD,
					r["frequency"],
					r["monetary"],
					r["gross_profit"],
					r["last_purchase"],
					0,
					0,
				)
				for r in cls.rows
			],
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		super().tearDownClass()

	def by_company(self, rows):
		companies = {}
		for row in rows:
			companies.setdefault(row["company"], []).append(row)
		return companies

	def test_the_population_has_its_edge_cases(self):
		monetary = [r["monetary"] for r in self.rows]
		self.assertTrue(any(m < 0 for m in monetary) and any(m == 0 for m in monetary))
		self.assertGreater(len(monetary) - len(set(monetary)), 100)  # ties
		self.assertTrue(any(r["frequency"] == 1 for r in self.rows))
		self.assertGreater(len(self.rows), len({r["customer"] for r in self.rows}))  # several companies

	def test_rfm_cut_points(self):
		sql = statistics.get_cutpoints(PERIOD, AS_OF)
		expected = {}
		for company, rows in self.by_company(self.rows).items():
			buyers = [r for r in rows if r["frequency"] > 0]
			expected[company] = {
				"recency": retention.cutpoints((AS_OF - r["last_purchase"]).days for r in buyers),
				"frequency": retention.cutpoints(r["frequency"] for r in buyers),
				"monetary": retention.cutpoints(r["monetary"] for r in buyers),
			}
		self.assertEqual({c: sql[c] for c in COMPANIES}, expected)

	def test_pareto_thresholds(self):
		sql = statistics.get_pareto_thresholds(PERIOD)
		for company, rows in self.by_company(self.rows).items():
			expected = retention.pareto_thresholds(r["monetary"] for r in rows)
			self.assertEqual(sql[company], expected, company)
			for row in rows:  # and so every customer's class
				self.assertEqual(
					retention.pareto_class(row["monetary"], sql[company]),
					retention.pareto_class(row["monetary"], expected),
				)

	def test_profit_rank_and_main_company(self):
		# the window functions the aggregate writes with the facts (`statistics.ranks`), over these rows
		stored = statistics.stored_ranks(PERIOD)
		self.assertEqual(set(stored), {r["name"] for r in self.rows})
		for _company, rows in self.by_company(self.rows).items():
			ranks = retention.profit_ranks({r["customer"]: r["gross_profit"] for r in rows})
			self.assertEqual(
				{r["name"]: stored[r["name"]][1] for r in rows},
				{r["name"]: ranks[r["customer"]] for r in rows},
			)
		customers = {}
		for row in self.rows:
			customers.setdefault(row["customer"], {})[row["company"]] = row["monetary"]
		for row in self.rows:
			expected = retention.main_company(customers[row["customer"]]) == row["company"]
			self.assertEqual(bool(stored[row["name"]][0]), expected, row)


class TestCampaignRevenueAgainstTheDomain(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		rng = random.Random(4122026)
		cls.campaigns = [f"DIFF Campaign {n}" for n in range(6)]
		cls.invoices: list[attribution.InvoiceRow] = []
		for number in range(2500):
			campaign = rng.choice([*cls.campaigns, None, None])
			amount = _money(rng) or Decimal("10.00")
			invoice = attribution.InvoiceRow(
				f"DIFF-SINV-{number:05d}", abs(amount), False, None, rng.choice((1, 1, 1, 1, 0, 2)), campaign
			)
			cls.invoices.append(invoice)
			for k in range(rng.choice((0, 0, 0, 1, 2))):
				cls.invoices.append(
					attribution.InvoiceRow(
						f"DIFF-SRET-{number:05d}-{k}",
						-(abs(amount) / rng.choice((1, 2, 4))).quantize(Decimal("0.01")),
						True,
						invoice.name,
						rng.choice((1, 1, 1, 0, 2)),
						# ERPNext copies the campaign onto a return; some are cleared or changed by hand
						rng.choice((campaign, campaign, None, rng.choice(cls.campaigns))),
					)
				)
		frappe.db.bulk_insert(
			"Sales Invoice",
			[
				"name",
				"customer",
				"company",
				"posting_date",
				"docstatus",
				"is_return",
				"return_against",
				"campaign",
				"base_net_total",
				"base_grand_total",
				"net_total",
				"grand_total",
				"outstanding_amount",
				"conversion_rate",
				"idx",
			],
			[
				(
					row.name,
					"DIFF-CUSTOMER",
					COMPANIES[0],
					AS_OF,
					row.docstatus,
					int(row.is_return),
					row.return_against,
					row.campaign,
					row.amount,
					row.amount,
					row.amount,
					row.amount,
					0,
					1,
					0,
				)
				for row in cls.invoices
			],
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		super().tearDownClass()

	def test_the_population_has_its_edge_cases(self):
		returns = [r for r in self.invoices if r.is_return]
		self.assertTrue(any(r.campaign is None for r in returns))
		self.assertTrue(any(r.docstatus != 1 for r in self.invoices))
		by_name = {r.name: r for r in self.invoices}
		self.assertTrue(any(r.campaign and r.campaign != by_name[r.return_against].campaign for r in returns))

	def test_net_revenue_per_campaign(self):
		expected = attribution.revenue_by_campaign(self.invoices)
		sql = billing_of(self.campaigns)  # per campaign and company: the population is of one company
		self.assertEqual(
			{
				c: sql[c].get(COMPANIES[0], {}).get("revenue", Decimal(0)).quantize(Decimal("0.01"))
				for c in self.campaigns
			},
			{c: expected.get(c, Decimal(0)).quantize(Decimal("0.01")) for c in self.campaigns},
		)
