"""crm_plus's records appear in the Connections of ERPNext's documents (override_doctype_dashboards)."""

import frappe
from frappe.desk.notifications import get_open_count
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.doctype.customer_interaction.test_customer_interaction import make_interaction
from crm_plus.tests.utils import create_customer


def counts(doctype, name) -> dict:
	found = get_open_count(doctype, name)["count"]["external_links_found"]
	return {row["doctype"]: row["count"] for row in found}


class TestConnections(FrappeTestCase):
	def test_a_customers_crm_records_are_its_connections(self):
		customer = create_customer("_Test Connections Customer")
		before = counts("Customer", customer)
		self.assertIn("Customer Interaction", before)
		self.assertIn("Customer Complaint", before)
		self.assertIn("Retention Plan", before)
		make_interaction(customer, subject="Connections")
		self.assertEqual(
			counts("Customer", customer)["Customer Interaction"], before["Customer Interaction"] + 1
		)

	def test_campaign_invoice_order_and_contact_list_theirs(self):
		for doctype, expected, fieldname in (
			("Campaign", "Campaign Member", "campaign"),
			("Sales Invoice", "Customer Complaint", "sales_invoice"),
			("Sales Order", "Customer Complaint", "sales_order"),
			("Contact", "Customer Interaction", "contact"),
		):
			data = frappe.get_meta(doctype).get_dashboard_data()
			items = {item for group in data.transactions for item in group["items"]}
			self.assertIn(expected, items, doctype)
			linked_by = data.non_standard_fieldnames.get(expected) or data.fieldname
			self.assertEqual(linked_by, fieldname, doctype)
