// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Customer Value Segmentation"] = {
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
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: [{ value: "Segments", label: __("Segments") }, { value: "RFM Grid", label: __("RFM Grid") }],
			default: "Segments",
		},
	],
};
