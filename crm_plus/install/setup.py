"""Install, migrate and uninstall, as hooks.py names them. Each step is idempotent: running it twice
changes nothing."""

import frappe

from crm_plus.constants import ROLES, SETTINGS
from crm_plus.install.custom_fields import ensure_custom_fields, remove_custom_fields
from crm_plus.install.indexes import ensure_indexes, remove_indexes
from crm_plus.install.permissions import ensure_permissions
from crm_plus.install.records import ensure_install_records
from crm_plus.install.workflows import remove_workflows


def after_install():
	after_migrate()


def after_migrate():
	ensure_roles()
	ensure_custom_fields()
	ensure_settings_defaults()
	ensure_permissions()
	ensure_install_records()
	ensure_indexes()


def before_uninstall():
	remove_custom_fields()
	remove_workflows()
	remove_indexes()


def ensure_roles():
	"""Create crm_plus's roles when missing; never touch a role an admin already has."""
	existing = set(frappe.get_all("Role", filters={"name": ("in", ROLES)}, pluck="name"))
	for role in ROLES:
		if role not in existing:
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def ensure_settings_defaults():
	"""Give settings added by an upgrade their default values. Frappe stores a Single's values only
	once saved, so a field added later would read as empty; a value an admin set is never touched."""
	singles = frappe.qb.DocType("Singles")
	stored = set(
		frappe.qb.from_(singles).select(singles.field).where(singles.doctype == SETTINGS).run(pluck=True)
	)
	for df in frappe.get_meta(SETTINGS).fields:
		if (
			df.default is not None
			and df.fieldname not in stored
			and df.fieldtype not in ("Section Break", "Column Break")
		):
			frappe.db.set_single_value(SETTINGS, df.fieldname, df.default)
	frappe.clear_document_cache(SETTINGS, SETTINGS)
