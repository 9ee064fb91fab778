import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.report.root_cause_pareto.root_cause_pareto import execute
from crm_plus.tests.utils import create_customer, get_company


class TestRootCausePareto(FrappeTestCase):
	def test_ranked_with_cumulative_share(self):
		customer = create_customer("_Test Pareto Customer")
		for cause, compensation in (
			("Late Delivery", 10),
			("Late Delivery", 10),
			("Late Delivery", 10),
			("Billing Error", 500),
		):
			frappe.get_doc(
				{
					"doctype": "Customer Complaint",
					"subject": cause,
					"customer": customer,
					"root_cause_category": cause,
					"compensation": compensation,
					"opened_on": "2031-05-05 10:00:00",
				}
			).insert()
		filters = {"from_date": "2031-05-01", "to_date": "2031-05-31"}
		_c, rows, _m, chart, _s = execute({**filters, "measure": "Count"})
		self.assertEqual(
			[(r.root_cause, r.complaints) for r in rows], [("Late Delivery", 3), ("Billing Error", 1)]
		)
		self.assertEqual([r.cumulative for r in rows], [75.0, 100.0])
		# bars and line share one axis in percent: the bars are each cause's share, not counts
		bars, line = chart["data"]["datasets"]
		self.assertEqual((bars["values"], line["values"]), ([75.0, 25.0], [75.0, 100.0]))
		with self.assertRaises(frappe.MandatoryError):  # costs add up within one company's currency
			execute({**filters, "measure": "Cost"})
		_c, rows, _m, chart, _s = execute({**filters, "measure": "Cost", "company": get_company()})
		self.assertEqual(
			[(r.root_cause, r.cost) for r in rows], [("Billing Error", 500), ("Late Delivery", 30)]
		)
		self.assertEqual(chart["type"], "axis-mixed")
