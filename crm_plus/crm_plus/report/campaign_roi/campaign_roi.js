// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Campaign ROI"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", ...(frappe.boot.crm_plus?.campaign_statuses || [])],
		},
		{ fieldname: "from_date", label: __("Started From"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date" },
		{
			fieldname: "model",
			label: __("Attribution for Untagged Invoices"),
			fieldtype: "Select",
			options: ["", "Last Touch", "First Touch", "Linear"],
			description: __("Empty: the model in CRM Plus Settings"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "roi" && data && data.roi != null) {
			value = `<span style="color: ${data.roi >= 0 ? "var(--green-600)" : "var(--red-600)"}">${value}</span>`;
		}
		return value;
	},
	onload() {
		// the report is about ERPNext's Campaign, but it belongs to CRM Plus, not CRM
		frappe.breadcrumbs.add("CRM Plus");
	},
};
