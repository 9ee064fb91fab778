"""Install, migrate and uninstall steps. Each one is idempotent: running it twice changes nothing."""

import json
from pathlib import Path

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from crm_plus.constants import CUSTOM_FIELDS, EXTRA_PERMISSIONS, INDEXES, MODULE, ROLES, SETTINGS

INSTALL_RECORDS = Path(__file__).resolve().parent.parent / "install_records"


def after_install():
	after_migrate()


def after_migrate():
	ensure_roles()
	ensure_custom_fields()
	ensure_settings_defaults()
	ensure_permissions()
	ensure_install_records()
	ensure_complaint_workflow()
	ensure_indexes()


def before_uninstall():
	remove_custom_fields()
	remove_workflows()
	remove_indexes()


def ensure_indexes():
	"""The indexes crm_plus reads through (`constants.INDEXES`), created when missing. InnoDB builds them
	online: invoices can still be submitted meanwhile (about 7 s per index and million invoices)."""
	for doctype, indexes in INDEXES.items():
		for name, columns in indexes.items():
			if not frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(
					"alter table `tab{}` add index `{}` ({}), algorithm=inplace, lock=none".format(
						doctype, name, ", ".join(f"`{c}`" for c in columns)
					)
				)


def index_hint(doctype: str, index: str, fallback: str = "") -> str:
	"""FORCE INDEX for a query that reads through one of these indexes, when it exists (a site
	mid-upgrade may not have it yet): MariaDB's estimates right after a bulk load can pick a scan."""
	return f"force index (`{index}`)" if frappe.db.has_index(f"tab{doctype}", index) else fallback


def remove_indexes():
	"""ERPNext's tables are left with their own indexes only."""
	for doctype, indexes in INDEXES.items():
		for name in indexes:
			if frappe.db.table_exists(doctype) and frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")


# Workflows crm_plus created; the one on ERPNext's Campaign would break Campaign once its state field is
# gone, and the others would point at removed doctypes.
WORKFLOWS = ("Campaign Approval", "Customer Complaint", "Retention Plan")
OWN_DOCTYPES_WITH_CUSTOM_FIELDS = ("Customer Complaint",)  # ERPNext's SLA adds its fields to complaints


def remove_workflows():
	for name in WORKFLOWS:
		if frappe.db.exists("Workflow", name):
			frappe.delete_doc("Workflow", name, ignore_permissions=True, force=True)
	for name in frappe.get_all(
		"Service Level Agreement",
		filters={"document_type": ("in", OWN_DOCTYPES_WITH_CUSTOM_FIELDS)},
		pluck="name",
	):
		frappe.delete_doc("Service Level Agreement", name, ignore_permissions=True, force=True)
	frappe.db.delete("Custom Field", {"dt": ("in", OWN_DOCTYPES_WITH_CUSTOM_FIELDS)})


def ensure_roles():
	"""Create crm_plus's roles when missing; never touch a role an admin already has."""
	existing = set(frappe.get_all("Role", filters={"name": ("in", ROLES)}, pluck="name"))
	for role in ROLES:
		if role not in existing:
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def ensure_custom_fields():
	"""Create or update the custom fields crm_plus adds to ERPNext doctypes (idempotent)."""
	fields = {
		doctype: [{**field, "module": MODULE} for field in doctype_fields]
		for doctype, doctype_fields in CUSTOM_FIELDS.items()
	}
	create_custom_fields(fields, ignore_validate=True, update=True)


def remove_custom_fields():
	"""Delete crm_plus's custom fields so ERPNext's forms never point at a removed doctype."""
	for doctype, fields in CUSTOM_FIELDS.items():
		names = frappe.get_all(
			"Custom Field",
			filters={"dt": doctype, "fieldname": ("in", [f["fieldname"] for f in fields])},
			pluck="name",
		)
		for name in names:
			frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def ensure_install_records():
	"""Create the records an admin may edit (workflows and their states, notifications, energy point
	rules, number cards...) when missing, and never overwrite them afterwards: plain fixtures would be
	re-imported on every migrate and undo the admin's changes.

	Each JSON file in `crm_plus/install_records/` holds a list of documents, inserted in file-name order
	(so states come before the workflows that use them).
	"""
	for path in sorted(INSTALL_RECORDS.glob("*.json")):
		for record in json.loads(path.read_text()):
			name = record.get("name") or record.get(_name_field(record["doctype"]))
			if name and frappe.db.exists(record["doctype"], name):
				continue
			doc = frappe.get_doc(record)
			doc.flags.ignore_permissions = True
			doc.insert(ignore_if_duplicate=True)


def _name_field(doctype: str) -> str:
	"""The field a record's name comes from, for doctypes named by a field (Workflow State, ...)."""
	autoname = frappe.get_meta(doctype).autoname or ""
	return autoname.split(":", 1)[1] if autoname.startswith("field:") else "name"


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


def ensure_permissions():
	"""Give crm_plus's roles their rules on ERPNext doctypes (Campaign, Pricing Rule...) when the role
	has none there yet; an existing rule, an admin's or ours, is left as it is."""
	from frappe.permissions import add_permission, update_permission_property

	for doctype, roles in EXTRA_PERMISSIONS.items():
		for role, ptypes in roles.items():
			if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				continue
			add_permission(doctype, role, 0, "read")
			for ptype in ptypes:
				update_permission_property(doctype, role, 0, ptype, 1, validate=False)
	frappe.clear_cache()


def ensure_complaint_workflow():
	"""The complaint workflow, built from the states and transitions in `crm_plus.domain.sla` when it
	does not exist yet; afterwards it is the admin's to edit (never overwritten)."""
	from crm_plus.domain import sla

	if frappe.db.exists("Workflow", "Customer Complaint"):
		return
	styles = {sla.NEW: "Danger", sla.ESCALATED: "Danger", sla.RESOLVED: "Success", sla.CLOSED: "Inverse"}
	for state in sla.STATES:
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc(
				{
					"doctype": "Workflow State",
					"workflow_state_name": state,
					"style": styles.get(state, "Warning"),
				}
			).insert(ignore_permissions=True)
	for action in sorted({t.action for t in sla.TRANSITIONS}):
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)
	states = []
	for state in sla.STATES:
		editors = (sla.AGENT, sla.MANAGER) if state not in sla.CLOSED_STATES else (sla.MANAGER,)
		states += [{"state": state, "doc_status": "0", "allow_edit": role} for role in editors]
	transitions = [
		{
			"state": t.from_state,
			"action": t.action,
			"next_state": t.to_state,
			"allowed": role,
			"allow_self_approval": 1,
		}
		for t in sla.TRANSITIONS
		for role in t.allowed_roles
	]
	frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": "Customer Complaint",
			"document_type": "Customer Complaint",
			"workflow_state_field": "status",
			"is_active": 1,
			"send_email_alert": 0,
			"states": states,
			"transitions": transitions,
		}
	).insert(ignore_permissions=True)
