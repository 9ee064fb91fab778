// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Customers by Churn Risk"] = {
	method: "crm_plus.api.charts.customers_by_churn_risk",
	filters: [],
};
