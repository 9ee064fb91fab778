// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Complaints by Status"] = {
	method: "crm_plus.api.charts.complaints_by_status",
	filters: [],
};
