// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Follow-ups Due"] = {
	filters: [
		{
			// a personal list: it opens on the user's own follow-ups (clear it to see the team's)
			fieldname: "follow_up_by",
			label: __("Follow-up By"),
			fieldtype: "Link",
			options: "User",
			default: frappe.session.user,
		},
		{
			fieldname: "days_ahead",
			label: __("Include Upcoming (days)"),
			fieldtype: "Int",
			default: 7,
		},
		{ fieldname: "only_overdue", label: __("Only Overdue"), fieldtype: "Check", default: 0 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "state" && data) {
			const color = { Overdue: "red", "Due Today": "orange", Upcoming: "blue" }[data.state_key];
			value = `<span class="indicator-pill ${color}">${value}</span>`;
		}
		return value;
	},
};
