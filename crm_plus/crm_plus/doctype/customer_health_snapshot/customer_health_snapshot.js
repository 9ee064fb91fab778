// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Health Snapshot", {
	refresh(frm) {
		frm.add_custom_button(__("Customer 360"), () => frappe.set_route("customer-360", frm.doc.customer));
	},
});
