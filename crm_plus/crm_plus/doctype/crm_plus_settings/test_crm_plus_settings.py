# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.constants import ROLES, SETTINGS
from crm_plus.install import setup
from crm_plus.install.custom_fields import CUSTOM_FIELDS


class TestCRMPlusSettings(FrappeTestCase):
	def test_defaults_switch_capture_on(self):
		settings = frappe.get_single(SETTINGS)
		for field in ("capture_emails", "capture_call_logs", "capture_events", "warn_duplicate_parties"):
			self.assertEqual(settings.get(field), 1, field)
		self.assertEqual(settings.important_date_reminder_days, 7)

	def test_roles_and_custom_fields_exist(self):
		for role in ROLES:
			self.assertTrue(frappe.db.exists("Role", role), role)
		for doctype, fields in CUSTOM_FIELDS.items():
			meta = frappe.get_meta(doctype)
			for field in fields:
				self.assertTrue(meta.has_field(field["fieldname"]), f"{doctype}.{field['fieldname']}")

	def test_migrate_twice_changes_nothing(self):
		setup.after_migrate()
		before = self._snapshot()
		setup.after_migrate()
		self.assertEqual(before, self._snapshot())

	def test_existing_role_is_not_overwritten(self):
		# a later test's DDL (after_migrate) would commit this: put the role back whatever happens
		self.addCleanup(frappe.db.set_value, "Role", ROLES[0], "desk_access", 1)
		frappe.db.set_value("Role", ROLES[0], "desk_access", 0)
		setup.ensure_roles()
		self.assertEqual(frappe.db.get_value("Role", ROLES[0], "desk_access"), 0)

	def _snapshot(self):
		return (
			frappe.get_all(
				"Custom Field",
				filters={"dt": ("in", list(CUSTOM_FIELDS))},
				fields=["name", "modified"],
				order_by="name",
			),
			frappe.get_all(
				"Role", filters={"name": ("in", ROLES)}, fields=["name", "modified"], order_by="name"
			),
		)
