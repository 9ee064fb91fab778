import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days

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
