"""Complaints by Status was a donut whose legend overlapped once statuses had long names ("Awaiting
Customer"); a bar chart names each status under its bar. Only a chart still as installed changes: one an
admin edited stays theirs."""

import json

import frappe

INSTALLED = {"type": "Donut", "custom_options": json.dumps({"truncateLegends": 1})}


def execute():
	name = "Complaints by Status"
	values = frappe.db.get_value("Dashboard Chart", name, ["type", "custom_options"], as_dict=True)
	if (
		values
		and values.type == INSTALLED["type"]
		and (values.custom_options or "") == INSTALLED["custom_options"]
	):
		frappe.db.set_value("Dashboard Chart", name, {"type": "Bar", "custom_options": None})
