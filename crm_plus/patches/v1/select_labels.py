"""Select values are labels, not internal names: the attribution model ("last_touch" is now "Last
Touch", `crm_plus.domain.attribution.FORMER_MODELS`) and a goal's metric ("repurchase_rate" is now
"Repurchase Rate", `crm_plus.domain.goals.FORMER_METRICS`), wherever a site stored them:

- CRM Plus Settings' attribution model, and a default an admin set for it (Property Setter);
- every CRM Goal's metric;
- saved filters: the Campaign ROI report's `model` in custom reports saved from it, prepared reports,
  auto email reports, dashboard charts and number cards; CRM Goal's `metric` in saved list filters,
  Report Builder reports, users' list settings, dashboard charts and number cards.

A value that is not a former internal name (already a label, or an admin's own) is left as it is."""

import json

import frappe

from crm_plus.constants import CRM_GOAL, SETTINGS
from crm_plus.domain.attribution import FORMER_MODELS
from crm_plus.domain.goals import FORMER_METRICS

ROI_REPORT = "Campaign ROI"
MODEL, METRIC = "model", "metric"  # the report's filter and CRM Goal's field


def execute():
	for old, new in FORMER_MODELS.items():
		frappe.db.sql(
			"""update `tabSingles` set value = %(new)s
			where doctype = %(doctype)s and field = 'attribution_model' and value = %(old)s""",
			{"doctype": SETTINGS, "old": old, "new": new},
		)
		frappe.db.sql(
			"""update `tabProperty Setter` set value = %(new)s
			where doc_type = %(doctype)s and field_name = 'attribution_model' and property = 'default'
				and value = %(old)s""",
			{"doctype": SETTINGS, "old": old, "new": new},
		)
	for old, new in FORMER_METRICS.items():
		frappe.db.set_value(CRM_GOAL, {"metric": old}, "metric", new, update_modified=False)
	_saved_filters()
	frappe.clear_document_cache(SETTINGS, SETTINGS)


def _saved_filters():
	report = ("filters", MODEL, FORMER_MODELS)
	goal = ("filters", METRIC, FORMER_METRICS)
	for doctype, where, field, (key, name, mapping) in (
		("Report", {"report_type": "Custom Report", "reference_report": ROI_REPORT}, "json", report),
		("Report", {"ref_doctype": CRM_GOAL, "report_type": "Report Builder"}, "json", goal),
		("Prepared Report", {"report_name": ROI_REPORT}, "filters", report),
		("Auto Email Report", {"report": ROI_REPORT}, "filters", report),
		("Dashboard Chart", {"report_name": ROI_REPORT}, "filters_json", report),
		("Dashboard Chart", {"document_type": CRM_GOAL}, "filters_json", goal),
		("Number Card", {"report_name": ROI_REPORT}, "filters_json", report),
		("Number Card", {"document_type": CRM_GOAL}, "filters_json", goal),
		("List Filter", {"reference_doctype": CRM_GOAL}, "filters", goal),
	):
		if not frappe.db.table_exists(doctype):
			continue
		for row in frappe.get_all(doctype, filters=where, fields=["name", field]):
			stored = row[field]
			# a saved report keeps its filters under "filters"; the others are the filters themselves
			new = _relabel_json(stored, name, mapping, key if doctype == "Report" else None)
			if new != stored:
				frappe.db.set_value(doctype, row.name, field, new, update_modified=False)
	_user_settings()


def _user_settings():
	"""Users' list and report view settings of CRM Goal (filters on the metric). They live in the cache
	and are written to the database from time to time: written now, changed there, and read afresh."""
	from frappe.model.utils.user_settings import sync_user_settings

	sync_user_settings()
	for user, data in frappe.db.sql(
		"select `user`, `data` from `__UserSettings` where doctype = %s", CRM_GOAL
	):
		new = _relabel_json(data, METRIC, FORMER_METRICS)
		if new != data:
			frappe.db.sql(
				"update `__UserSettings` set `data` = %s where `user` = %s and doctype = %s",
				(new, user, CRM_GOAL),
			)
	frappe.cache.delete_key("_user_settings")


def _relabel_json(text, field: str, mapping: dict, key: str | None = None):
	"""`text` (saved JSON) with the former values of `field` replaced by their labels; unchanged when
	it is empty, not JSON or holds none. With `key`, only that part of the JSON is read."""
	try:
		value = json.loads(text) if text else None
	except (TypeError, ValueError):
		return text
	if value is None:
		return text
	if key:
		if not isinstance(value, dict) or key not in value:
			return text
		part = value[key]
		parsed = isinstance(part, str)
		if parsed:  # Report.json keeps its filters as a JSON string in some versions
			try:
				part = json.loads(part)
			except ValueError:
				return text
		new_part = relabel(part, field, mapping)
		if new_part == part:
			return text
		value[key] = json.dumps(new_part) if parsed else new_part
		return json.dumps(value)
	new = relabel(value, field, mapping)
	return text if new == value else json.dumps(new)


def relabel(value, field: str, mapping: dict):
	"""Filters as Frappe saves them (a dict {field: value or [operator, value]}, or lists of
	[doctype, field, operator, value] or [field, operator, value], at any depth) with each former value
	of `field` given its label."""
	if isinstance(value, dict):
		return {
			k: _values(v, mapping) if k == field else relabel(v, field, mapping) for k, v in value.items()
		}
	if isinstance(value, list):
		if len(value) >= 4 and value[1] == field and isinstance(value[0], str):
			return [*value[:3], _values(value[3], mapping), *value[4:]]
		if len(value) >= 3 and value[0] == field and isinstance(value[1], str):
			return [*value[:2], _values(value[2], mapping), *value[3:]]
		return [relabel(v, field, mapping) for v in value]
	return value


def _values(value, mapping: dict):
	"""A filter's value: one former value, a list of them (with an operator), or a comma-separated
	string of them (an "in" filter)."""
	if isinstance(value, list):
		return [_values(v, mapping) for v in value]
	if not isinstance(value, str):
		return value
	if value in mapping:
		return mapping[value]
	if "," in value:
		parts = [p.strip() for p in value.split(",")]
		if any(p in mapping for p in parts):
			return ",".join(mapping.get(p, p) for p in parts)
	return value
