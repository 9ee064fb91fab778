from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.crm_plus.report.customer_value_segmentation.customer_value_segmentation import execute
from crm_plus.services.scoring import pipeline


class TestCustomerValueSegmentation(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)
		pipeline.score_all(as_of=AS_OF, publish=False)

	def test_segments_pareto_and_grid(self):
		columns, rows, message, chart, summary = execute({"company": self.company, "period": "2031-06"})
		self.assertIsNone(message)
		by_segment = {r.segment: r for r in rows}
		self.assertEqual(by_segment["Champions"].customers, 1)
		self.assertEqual(sum(r.customers for r in rows), len(self.customers))
		self.assertAlmostEqual(sum(r.revenue_share for r in rows), 100.0, places=6)
		# Pareto: one customer of seven (14 %) holds 120,000 of 131,300 revenue
		values = chart["data"]["datasets"][0]["values"]
		self.assertEqual(len(values), 21)
		self.assertEqual(values[0], 0)
		self.assertEqual(values[-1], 100)
		self.assertGreater(summary[0]["value"], 90)

		_c, grid, _m, _chart, _s = execute({"company": self.company, "period": "2031-06", "view": "RFM Grid"})
		self.assertEqual(len(grid), 5)
		self.assertEqual(sum(r["total"] for r in grid), len(self.customers))
		self.assertEqual(grid[0]["f5"], 1)  # the champion: R5, F5

	def test_latest_period_by_default_and_bad_period(self):
		_c, rows, _m, _chart, _s = execute({"company": self.company})
		self.assertTrue(rows)
		with self.assertRaises(Exception):
			execute({"company": self.company, "period": "June"})
