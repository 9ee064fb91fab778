// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["CRM Goal Progress"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "only_running", label: __("Only Running Goals"), fieldtype: "Check", default: 1 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "status" && data) {
			const color = { "On Track": "blue", "At Risk": "orange", Achieved: "green", Missed: "red" }[data.status] || "gray";
			value = `<span class="indicator-pill ${color}">${value}</span>`;
		}
		return value;
	},
};
