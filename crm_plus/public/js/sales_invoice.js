frappe.ui.form.on("Sales Invoice", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || frm.doc.is_return || !frappe.model.can_create("Customer Complaint")) return;
		frm.add_custom_button(
			__("Raise Complaint"),
			() =>
				frappe.new_doc("Customer Complaint", {
					customer: frm.doc.customer,
					sales_invoice: frm.doc.name,
					contact: frm.doc.contact_person,
					channel: "Phone",
				}),
			__("Create")
		);
	},
});
