import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.crm_plus.report.repeat_purchase_and_cohorts.repeat_purchase_and_cohorts import execute


class TestRepeatPurchaseAndCohorts(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)

	def setUp(self):
		frappe.flags.current_date = AS_OF  # the population's "today"

	def tearDown(self):
		frappe.flags.current_date = None

	def test_cohort_of_the_champion(self):
		# the champion first bought 700 days before AS_OF and then every 30 days
		first = add_days(AS_OF, -700)
		_c, rows, _m, chart, summary = execute(
			{"company": self.company, "from_date": first, "to_date": first, "months": 3}
		)
		(row,) = rows
		self.assertEqual((row.customers, row.repeaters, row.repeat_rate), (1, 1, 100.0))
		self.assertEqual((row.m1, row.m2, row.m3), (100.0, 100.0, 100.0))
		self.assertEqual(chart["data"]["labels"], [row.cohort])

	def test_newcomer_has_not_bought_again(self):
		day = add_days(AS_OF, -20)
		_c, rows, _m, _chart, summary = execute({"company": self.company, "from_date": day, "to_date": day})
		(row,) = rows
		# first bought this month: month 1 has not happened yet, so it is blank, not 0 %
		self.assertEqual((row.customers, row.repeaters, row.m1), (1, 0, None))
		self.assertEqual(summary[1]["value"], 0)

	def test_one_pass_counts_as_the_join_does(self):
		"""The one-pass counts (a bit per month) and the join used for longer ranges give the same rows."""
		from crm_plus.crm_plus.report.repeat_purchase_and_cohorts import repeat_purchase_and_cohorts as report

		from_date, to_date = getdate(add_days(AS_OF, -760)), getdate(AS_OF)
		for months in (1, 6, 24):
			one_pass = report._counts_in_one_pass(
				self.company, from_date, to_date, months, from_date.replace(day=1)
			)
			by_join = report._counts_by_join(self.company, from_date, to_date, months)
			self.assertTrue(one_pass)
			self.assertEqual(
				report._cohort_rows(one_pass, months), report._cohort_rows(by_join, months), months
			)
		# a range longer than a bit per month allows goes through the join, with the same figures
		_c, rows, _m, _chart, _s = execute(
			{"company": self.company, "from_date": add_days(AS_OF, -2000), "to_date": AS_OF, "months": 24}
		)
		self.assertEqual(sum(r.customers for r in rows), 7)
