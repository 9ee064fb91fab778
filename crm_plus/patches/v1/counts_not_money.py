"""crm_plus's charts of counts were created with the site's default currency (Frappe fills an empty
Link from the defaults on insert), so Desk showed counts as money ("$ 1.00"). Clear that currency; a
chart of counts has none, whoever edited it since."""

import json

import frappe

from crm_plus.install.records import RECORDS


def execute():
	records = json.loads((RECORDS / "61_dashboard_charts.json").read_text())
	for record in records:
		if record.get("chart_type") == "Group By" and record.get("group_by_type") == "Count":
			if frappe.db.exists("Dashboard Chart", record["name"]):
				frappe.db.set_value(
					"Dashboard Chart", record["name"], "currency", None, update_modified=False
				)
