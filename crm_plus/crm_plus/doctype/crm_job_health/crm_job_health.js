// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Job Health", {
	refresh(frm) {
		frm.disable_save();
		if (frm.doc.error_log) {
			frm.add_custom_button(__("Open Error Log"), () =>
				frappe.set_route("Form", "Error Log", frm.doc.error_log)
			);
		}
		frm.add_custom_button(__("All Jobs"), () => frappe.set_route("Form", "CRM Plus Settings"));
	},
});
