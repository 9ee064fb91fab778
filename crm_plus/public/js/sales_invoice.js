frappe.ui.form.on("Sales Invoice", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || frm.doc.is_return || !frappe.model.can_create("Customer Complaint")) return;
		// the complaint gets the invoice's customer, contact, company and items (mapped on the server)
		frm.add_custom_button(
			__("Raise Complaint"),
			() => frappe.model.open_mapped_doc({ method: "crm_plus.api.complaint.make_complaint", frm }),
			__("Create")
		);
	},
});
