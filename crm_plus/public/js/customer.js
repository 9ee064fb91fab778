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
	},
});
