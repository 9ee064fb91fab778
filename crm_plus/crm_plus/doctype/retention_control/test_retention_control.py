# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.tests.utils import create_user

# The runner would make test records for every linked doctype; Company's links reach doctypes of
# apps this site may not have (Payment Gateway). These tests build their own company.
test_ignore = ["Company"]


class TestRetentionControl(FrappeTestCase):
	def test_only_the_job_creates_control_records(self):
		"""The control group is drawn by the job; users can read it but not add to it."""
		manager = create_user("crm-control-manager@example.com", "CRM Manager")
		with self.set_user(manager):
			self.assertTrue(frappe.has_permission("Retention Control", "read"))
			self.assertFalse(frappe.has_permission("Retention Control", "create"))
			self.assertFalse(frappe.has_permission("Retention Control", "write"))
