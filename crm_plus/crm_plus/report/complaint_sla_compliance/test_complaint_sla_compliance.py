import datetime

import frappe
from frappe.model.workflow import apply_workflow
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.doctype.customer_complaint.test_customer_complaint import ensure_sla, make_complaint
from crm_plus.crm_plus.report.complaint_sla_compliance.complaint_sla_compliance import execute
from crm_plus.tests.utils import create_customer


class TestComplaintSLACompliance(FrappeTestCase):
	def test_met_breached_and_working_hours(self):
		ensure_sla()
		customer = create_customer("_Test SLA Report Customer")
		on_time = make_complaint(customer, category="Delivery", resolution_type="Explanation")
		frappe.flags.current_time = datetime.datetime(2030, 3, 5, 10, 0)  # 3 working hours later
		try:
			apply_workflow(frappe.get_doc("Customer Complaint", on_time.name), "Resolve on First Contact")
		finally:
			frappe.flags.current_time = None
		late = make_complaint(customer, category="Delivery")
		frappe.db.set_value(
			"Customer Complaint", late.name, "first_responded_on", datetime.datetime(2030, 3, 5, 16, 0)
		)
		_columns, rows, message, chart, summary = execute(
			{
				"from_date": "2030-03-01",
				"to_date": "2030-03-31",
				"group_by": "Category",
			}  # the tests' own month
		)
		self.assertIsNone(message)
		(delivery,) = [r for r in rows if r.group == "Delivery"]
		self.assertEqual((delivery.complaints, delivery.response_met, delivery.response_breached), (2, 1, 1))
		self.assertEqual(delivery.response_met_pct, 50.0)
		self.assertEqual(delivery.resolution_met, 1)
		self.assertTrue(chart)
		with self.assertRaises(frappe.ValidationError):
			execute({"from_date": "2030-01-01", "to_date": "2030-12-31", "group_by": "Colour"})

	def test_a_recorded_breach_stands(self):
		"""Resolved late, reopened (ERPNext moves the deadline by the time it was resolved), resolved again:
		the breach the watch recorded still counts."""
		ensure_sla()
		customer = create_customer("_Test SLA Report Customer")
		doc = make_complaint(customer, category="Invoice", resolution_type="Explanation")
		frappe.flags.current_time = datetime.datetime(2030, 3, 5, 10, 0)
		try:
			apply_workflow(frappe.get_doc("Customer Complaint", doc.name), "Resolve on First Contact")
		finally:
			frappe.flags.current_time = None
		filters = {"from_date": "2030-03-01", "to_date": "2030-03-31", "group_by": "Category"}
		(invoice,) = [r for r in execute(filters)[1] if r.group == "Invoice"]
		self.assertEqual((invoice.resolution_met, invoice.resolution_breached), (1, 0))
		frappe.db.set_value(
			"Customer Complaint",
			doc.name,
			{"resolution_breached_on": datetime.datetime(2030, 3, 5, 9, 30), "sla_breach": "Resolution"},
		)
		(invoice,) = [r for r in execute(filters)[1] if r.group == "Invoice"]
		self.assertEqual((invoice.resolution_met, invoice.resolution_breached), (0, 1))
