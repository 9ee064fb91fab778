frappe.listview_settings["Campaign Member"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = {
			Targeted: "gray", Contacted: "blue", Responded: "orange", Converted: "green",
			Unsubscribed: "darkgrey", Bounced: "red",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
