import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime

from crm_plus.crm_plus.report.complaint_ageing.complaint_ageing import execute
from crm_plus.tests.utils import create_customer


class TestComplaintAgeing(FrappeTestCase):
	def test_open_complaints_by_age(self):
		customer = create_customer("_Test Ageing Customer")
		for days in (0, 2, 40):
			doc = frappe.get_doc(
				{
					"doctype": "Customer Complaint",
					"subject": f"{days} days",
					"customer": customer,
					"category": "Other",
				}
			).insert()
			frappe.db.set_value("Customer Complaint", doc.name, "opened_on", add_days(now_datetime(), -days))
		_columns, rows, _m, chart, _s = execute({"group_by": "Category"})
		(other,) = [r for r in rows if r["group_value"] == "Other"]
		self.assertEqual((other["b_0_1"], other["b_1_3"], other["b_30plus"], other["total"]), (1, 1, 1, 3))
		self.assertGreaterEqual(sum(chart["data"]["datasets"][0]["values"]), 3)
