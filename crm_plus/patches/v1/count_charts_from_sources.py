"""Complaints by Status and Churn Risk Distribution were Frappe Group By charts: their bars came in
the order of the counts and their labels were stored values, in English for every reader. They now
read crm_plus's chart sources (crm_plus.api.charts): the workflow's and the bands' order, labels in the
reader's language. Only a chart still as installed changes: one an admin edited stays theirs."""

import frappe

# name: (group-by field as installed, the source it reads now)
CHARTS = {
	"Complaints by Status": ("status", "Complaints by Status"),
	"Churn Risk Distribution": ("crm_churn_risk_band", "Customers by Churn Risk"),
}


def execute():
	for name, (field, source) in CHARTS.items():
		chart = frappe.db.get_value(
			"Dashboard Chart", name, ["chart_type", "group_by_based_on", "group_by_type"], as_dict=True
		)
		if not chart or chart.chart_type != "Group By" or chart.group_by_based_on != field:
			continue
		if chart.group_by_type != "Count" or not frappe.db.exists("Dashboard Chart Source", source):
			continue
		frappe.db.set_value(
			"Dashboard Chart",
			name,
			{
				"chart_type": "Custom",
				"source": source,
				"type": "Bar",
				"filters_json": "{}",
				"custom_options": None,
			},
		)
