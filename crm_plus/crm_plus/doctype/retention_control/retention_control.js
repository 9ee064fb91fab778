// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

// frappe.ui.form.on("Retention Control", {
// 	refresh(frm) {},
// });
