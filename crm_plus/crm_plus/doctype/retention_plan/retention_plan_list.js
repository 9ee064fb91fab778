frappe.listview_settings["Retention Plan"] = {
	add_fields: ["status", "risk_band"],
	get_indicator(doc) {
		const colors = { Draft: "gray", Active: "orange", "Won Back": "green", Lost: "red", Cancelled: "darkgrey" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
