frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Customer 360"),
			() => frappe.set_route("customer-360", frm.doc.name),
			__("CRM")
		);
		if (frappe.model.can_create("Customer Interaction")) {
			frm.add_custom_button(
				__("Log Interaction"),
				() =>
					frappe.new_doc("Customer Interaction", {
						party_type: "Customer",
						party: frm.doc.name,
						contact: frm.doc.customer_primary_contact,
					}),
				__("CRM")
			);
		}
		if (frappe.model.can_create("Customer Complaint")) {
			frappe.model.with_doctype("Customer Complaint");
			frm.add_custom_button(
				__("New Complaint"),
				() => frappe.new_doc("Customer Complaint", { customer: frm.doc.name, channel: "Phone" }),
				__("CRM")
			);
		}
		if (frappe.model.can_create("Retention Plan")) {
			frm.add_custom_button(
				__("Start Retention Plan"),
				() =>
					frappe.new_doc("Retention Plan", {
						customer: frm.doc.name,
						plan_owner: frm.doc.account_manager || frappe.session.user,
					}),
				__("CRM")
			);
		}
		if ((frappe.boot.crm_plus?.high_risk_bands || []).includes(frm.doc.crm_churn_risk_band)) {
			frm.dashboard.set_headline_alert(
				__("Churn risk {0} ({1}): {2}", [
					frm.doc.crm_churn_risk,
					__(frm.doc.crm_churn_risk_band),
					frappe.utils.escape_html((frm.doc.crm_churn_reasons || "").split("\n")[0]),
				]),
				"orange"
			);
		}
	},
});
