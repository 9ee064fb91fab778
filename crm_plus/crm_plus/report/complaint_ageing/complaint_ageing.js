// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Complaint Ageing"] = {
	filters: [
		{ fieldname: "group_by", label: __("Rows"), fieldtype: "Select", options: ["Status", "Category", "Assignee"], default: "Status" },
	],
};
