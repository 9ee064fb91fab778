// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Retention Plan", {
	setup(frm) {
		frm.set_query("company", () => ({ filters: { is_group: 0 } }));
	},
	refresh(frm) {
		if (frm.doc.risk_reasons) {
			frm.dashboard.set_headline_alert(
				`<b>${__("Churn risk {0} ({1})", [frm.doc.risk_score, __(frm.doc.risk_band || "")])}</b>: ` +
					frappe.utils.escape_html(frm.doc.risk_reasons).replace(/\n/g, "; "),
				frm.doc.risk_score >= (frappe.boot.crm_plus?.band_scores.high ?? Infinity) ? "red" : "orange"
			);
		}
		if (frm.doc.status === "Won Back") {
			frm.dashboard.add_comment(
				__("Won back on {0} by {1}", [
					frappe.datetime.str_to_user(frm.doc.won_back_on),
					frm.doc.won_back_invoice,
				]),
				"green",
				true
			);
		}
		if (!frm.is_new() && frm.doc.customer) {
			frm.add_custom_button(__("Customer 360"), () => frappe.set_route("customer-360", frm.doc.customer));
		}
	},
	customer(frm) {
		if (!frm.doc.customer) return;
		frappe.db.get_value("Customer", frm.doc.customer, ["account_manager"]).then(({ message }) => {
			if (message && message.account_manager) frm.set_value("plan_owner", message.account_manager);
		});
	},
});

frappe.ui.form.on("Retention Plan Action", {
	actions_add(frm, cdt, cdn) {
		frappe.model.set_value(cdt, cdn, "owner_user", frm.doc.plan_owner);
	},
});
