# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import today

from crm_plus.domain.goals import METRICS


def execute(filters=None):
	"""The CRM plan at a glance (subscribe to it with an Auto Email Report for a periodic review)."""
	filters = frappe._dict(filters or {})
	conditions = {}
	if filters.company:
		conditions["company"] = filters.company
	if filters.only_running:
		conditions["period_start"] = ("<=", today())
		conditions["period_end"] = (">=", today())
	rows = frappe.get_list(
		"CRM Goal",
		filters=conditions,
		fields=[
			"name",
			"goal_name",
			"metric",
			"goal_owner",
			"period_start",
			"period_end",
			"target",
			"current_value",
			"progress",
			"status",
			"last_measured_on",
		],
		order_by="period_end asc, goal_name asc",
	)
	# people by their names, as ERPNext shows them (one query for all owners)
	owners = {row.goal_owner for row in rows if row.goal_owner}
	names = (
		dict(
			frappe.get_all(
				"User", filters={"name": ("in", list(owners))}, fields=["name", "full_name"], as_list=True
			)
		)
		if owners
		else {}
	)
	for row in rows:
		row.metric_label = _(METRICS[row.metric][0]) if row.metric in METRICS else row.metric
		row.owner_name = names.get(row.goal_owner) or row.goal_owner
	counts = {}
	for row in rows:
		counts[row.status] = counts.get(row.status, 0) + 1
	chart = (
		{
			"data": {
				"labels": [_(s) for s in counts],
				"datasets": [{"name": _("Goals"), "values": list(counts.values())}],
			},
			"type": "bar",
		}
		if rows
		else None
	)
	return columns(), rows, None, chart, None


def columns():
	return [
		{"fieldname": "name", "label": _("Goal"), "fieldtype": "Link", "options": "CRM Goal", "width": 110},
		{"fieldname": "goal_name", "label": _("Title"), "fieldtype": "Data", "width": 200},
		{"fieldname": "metric_label", "label": _("Metric"), "fieldtype": "Data", "width": 220},
		{"fieldname": "owner_name", "label": _("Owner"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "goal_owner",
			"label": _("Owner's User"),
			"fieldtype": "Link",
			"options": "User",
			"hidden": 1,
		},
		{"fieldname": "period_end", "label": _("Until"), "fieldtype": "Date", "width": 100},
		{"fieldname": "target", "label": _("Target"), "fieldtype": "Float", "precision": 2, "width": 90},
		{"fieldname": "current_value", "label": _("Now"), "fieldtype": "Float", "precision": 2, "width": 90},
		{"fieldname": "progress", "label": _("Progress"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 110},
	]
