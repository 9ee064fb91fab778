// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Campaign Funnel"] = {
	filters: [
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "status",
			label: __("Campaign Status"),
			fieldtype: "Select",
			options: ["", ...(frappe.boot.crm_plus?.campaign_statuses || [])],
		},
	],
};
