"""The workflows in `crm_plus/workflows/` are installed with the other editable records
(`crm_plus.install.records`); at uninstall they go, with the SLA fields ERPNext added to complaints."""

import json

import frappe

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.install.records import WORKFLOWS

# ERPNext's Service Level Agreement adds its fields to the doctypes it covers
OWN_DOCTYPES_WITH_CUSTOM_FIELDS = (CUSTOMER_COMPLAINT,)


def workflow_names() -> list[str]:
	"""The workflows crm_plus creates, as named in its workflow files."""
	return [
		record["workflow_name"]
		for path in sorted(WORKFLOWS.glob("*.json"))
		for record in json.loads(path.read_text())
		if record["doctype"] == "Workflow"
	]


def remove_workflows():
	"""The workflow on ERPNext's Campaign would break Campaign once its state field is gone, and the
	others would point at removed doctypes."""
	for name in workflow_names():
		if frappe.db.exists("Workflow", name):
			frappe.delete_doc("Workflow", name, ignore_permissions=True, force=True)
	for name in frappe.get_all(
		"Service Level Agreement",
		filters={"document_type": ("in", OWN_DOCTYPES_WITH_CUSTOM_FIELDS)},
		pluck="name",
	):
		frappe.delete_doc("Service Level Agreement", name, ignore_permissions=True, force=True)
	frappe.db.delete("Custom Field", {"dt": ("in", OWN_DOCTYPES_WITH_CUSTOM_FIELDS)})
