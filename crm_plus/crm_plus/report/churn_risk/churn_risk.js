// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Churn Risk"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},		{
			fieldname: "period",
			label: __("Month (YYYY-MM)"),
			fieldtype: "Data",
			description: __("Empty: the latest scoring"),
		},
		{
			fieldname: "risk_band",
			label: __("Churn Risk"),
			fieldtype: "Select",
			options: ["", ...(frappe.boot.crm_plus?.risk_bands || [])],
		},
		{ fieldname: "min_score", label: __("Minimum Score"), fieldtype: "Int", default: 0 },
		{ fieldname: "segment", label: __("Value Segment"), fieldtype: "Select",
			options: ["", ...(frappe.boot.crm_plus?.segments || [])] },
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{
			fieldname: "show",
			label: __("Show"),
			fieldtype: "Select",
			options: [
				{ value: "Top 500", label: __("Top 500") },
				{ value: "All", label: __("All") },
			],
			default: "Top 500",
			description: __("Top 500: the first page, quick on any number of customers"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		// bands and segments are stored in English (the domain's values): shown in the reader's language
		if (["risk_band", "segment"].includes(column.fieldname) && value) value = __(value);
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "risk_band" && data && data.risk_band) {
			const color = { Low: "green", Medium: "yellow", High: "orange", Critical: "red" }[data.risk_band];
			value = `<span class="indicator-pill ${color}">${value}</span>`;
		}
		return value;
	},
};
