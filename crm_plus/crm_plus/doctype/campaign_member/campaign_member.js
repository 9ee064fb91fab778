// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Member", {
	party_type(frm) {
		frm.set_value("party", null);
	},
});
