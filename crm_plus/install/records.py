"""Records an admin may edit (workflows, energy point rules, number cards, dashboard charts): created at
install and migrate when missing, never overwritten afterwards. Plain fixtures would be re-imported on
every migrate and undo the admin's changes."""

import json
from pathlib import Path

import frappe

APP = Path(__file__).resolve().parent.parent
RECORDS = APP / "install" / "records"
WORKFLOWS = APP / "workflows"


def ensure_install_records():
	"""Each JSON file in `crm_plus/workflows/` and `crm_plus/install/records/` holds a list of documents,
	inserted in order (states and actions before the workflow that uses them)."""
	for path in [*sorted(WORKFLOWS.glob("*.json")), *sorted(RECORDS.glob("*.json"))]:
		insert_missing(json.loads(path.read_text()))


def insert_missing(records: list[dict]):
	for record in records:
		name = record.get("name") or record.get(_name_field(record["doctype"]))
		if name and frappe.db.exists(record["doctype"], name):
			continue
		doc = frappe.get_doc(record)
		doc.flags.ignore_permissions = True
		doc.insert(ignore_if_duplicate=True)
		# a field the record leaves empty on purpose stays empty (Frappe fills a Link from the user's
		# defaults on insert: a chart of counts would get a currency and show them as money)
		empty = {k: None for k, v in record.items() if v is None and doc.get(k) is not None}
		if empty:
			doc.db_set(empty, update_modified=False)


def _name_field(doctype: str) -> str:
	"""The field a record's name comes from, for doctypes named by a field (Workflow State, ...)."""
	autoname = frappe.get_meta(doctype).autoname or ""
	return autoname.split(":", 1)[1] if autoname.startswith("field:") else "name"
