frappe.listview_settings["Customer Health Snapshot"] = {
	add_fields: ["risk_band"],
	get_indicator(doc) {
		const colors = { Low: "green", Medium: "yellow", High: "orange", Critical: "red" };
		return doc.risk_band ? [__(doc.risk_band), colors[doc.risk_band], "risk_band,=," + doc.risk_band] : null;
	},
	onload(listview) {
		if (frappe.boot.crm_plus && frappe.boot.crm_plus.may_recompute) {
			listview.page.add_inner_button(__("Recompute now"), () =>
				frappe
					.xcall("crm_plus.api.retention.recompute_now")
					.then(() => frappe.show_alert({ message: __("Scoring queued"), indicator: "blue" }))
			);
		}
	},
};
