// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Interaction Activity"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["User", "Channel", "Touchpoint", "Kind", "Sentiment"],
			default: "User",
			reqd: 1,
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: ["", { value: "Weekly", label: __("Weekly") }, { value: "Monthly", label: __("Monthly") }],
			default: "Monthly",
		},
		{ fieldname: "user", label: __("User"), fieldtype: "Link", options: "User" },
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Phone", "Email", "Meeting", "Visit", "Chat", "Social", "SMS", "Letter", "Fax", "Event", "Web", "Other"],
		},
		{
			fieldname: "touchpoint",
			label: __("Touchpoint"),
			fieldtype: "Select",
			options: ["", "Sales", "Billing", "Collections", "After-sales Service", "Marketing", "Support"],
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
	],
};
