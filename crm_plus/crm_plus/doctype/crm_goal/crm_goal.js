// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Goal", {
	metric(frm) {
		// an unnamed goal is titled by its metric (set on save)
		frm.set_df_property("goal_name", "placeholder", frm.doc.metric ? __(frm.doc.metric) : "");
	},
	refresh(frm) {
		frm.trigger("metric");
		if (frm.is_new()) return;
		frm.add_custom_button(__("Measure Now"), () => frm.call("measure_now").then(() => frm.reload_doc()));
		const points = frm.doc.measurements || [];
		if (points.length > 1) {
			const wrapper = $('<div class="crm-goal-trend mb-3"></div>').prependTo(frm.fields_dict.measurements.wrapper);
			new frappe.Chart(wrapper[0], {
				title: __("Trend against the target"),
				type: "line",
				height: 180,
				data: {
					labels: points.map((p) => frappe.datetime.str_to_user(p.measured_on)),
					datasets: [
						{ name: __("Value"), values: points.map((p) => p.value) },
						{ name: __("Target"), values: points.map(() => frm.doc.target) },
					],
				},
			});
		}
	},
});
