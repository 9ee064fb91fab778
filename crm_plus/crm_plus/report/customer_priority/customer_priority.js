// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Customer Priority"] = {
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
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
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
		return default_formatter(value, row, column, data);
	},
};
