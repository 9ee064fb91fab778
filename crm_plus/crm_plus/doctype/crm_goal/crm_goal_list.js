frappe.listview_settings["CRM Goal"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { "On Track": "blue", "At Risk": "orange", Achieved: "green", Missed: "red", "Not Measured": "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
