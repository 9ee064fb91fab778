import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.report.customer_satisfaction.customer_satisfaction import execute
from crm_plus.tests.utils import create_customer


class TestCustomerSatisfaction(FrappeTestCase):
	def test_monthly_average_and_share_satisfied(self):
		customer = create_customer("_Test Satisfaction Customer")
		for rating, when in ((5, "2031-01-10"), (4, "2031-01-20"), (1, "2031-02-05")):
			doc = frappe.get_doc(
				{"doctype": "Customer Complaint", "subject": "x", "customer": customer}
			).insert()
			frappe.db.set_value(
				"Customer Complaint", doc.name, {"satisfaction": rating, "satisfaction_on": when}
			)
		_c, rows, _m, chart, summary = execute({"from_date": "2031-01-01", "to_date": "2031-02-28"})
		self.assertEqual(
			[(r.month, r.answers, float(r.average), r.satisfied_pct, r.unhappy) for r in rows],
			[("2031-01", 2, 4.5, 100.0, 0), ("2031-02", 1, 1.0, 0.0, 1)],
		)
		self.assertAlmostEqual(summary[1]["value"], 10 / 3)
		self.assertEqual(chart["data"]["labels"], ["2031-01", "2031-02"])
