frappe.listview_settings["Customer Interaction"] = {
	add_fields: ["follow_up_status", "next_follow_up_on", "sentiment"],
	get_indicator(doc) {
		if (doc.follow_up_status === "Open") {
			return doc.next_follow_up_on < frappe.datetime.get_today()
				? [__("Follow-up Overdue"), "red", "follow_up_status,=,Open|next_follow_up_on,<,Today"]
				: [__("Follow-up Open"), "orange", "follow_up_status,=,Open"];
		}
		if (doc.sentiment === "Negative") return [__("Negative"), "red", "sentiment,=,Negative"];
		if (doc.sentiment === "Positive") return [__("Positive"), "green", "sentiment,=,Positive"];
		return [__("Logged"), "gray", "follow_up_status,!=,Open"];
	},
};
