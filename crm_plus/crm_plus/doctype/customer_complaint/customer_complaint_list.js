frappe.listview_settings["Customer Complaint"] = {
	add_fields: ["status", "sla_breach"],
	get_indicator(doc) {
		if (doc.sla_breach && !(frappe.boot.crm_plus?.closed_complaint_states || []).includes(doc.status)) {
			return [__("SLA Breached"), "red", "sla_breach,is,set"];
		}
		const colors = {
			New: "red", Acknowledged: "orange", Investigating: "orange", "Awaiting Customer": "blue",
			Escalated: "red", Resolved: "green", Closed: "gray", Reopened: "orange",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
