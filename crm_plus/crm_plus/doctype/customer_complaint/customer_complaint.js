// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Complaint", {
	setup(frm) {
		for (const field of ["sales_invoice", "sales_order", "delivery_note"]) {
			frm.set_query(field, () => ({ filters: { customer: frm.doc.customer, docstatus: 1 } }));
		}
	},
	refresh(frm) {
		// each stage's breach, stamped with the deadline it missed (complaints from before the watch per
		// stage have the first breach only)
		const breaches = [
			[frm.doc.response_breached_on ? "First Response" : null, frm.doc.response_breached_on],
			[frm.doc.resolution_breached_on ? "Resolution" : null, frm.doc.resolution_breached_on],
		].filter((breach) => breach[0]);
		if (!breaches.length && frm.doc.sla_breach) breaches.push([frm.doc.sla_breach, frm.doc.sla_breached_on]);
		if (breaches.length) {
			frm.dashboard.set_headline_alert(
				breaches
					.map(([stage, on]) => __("{0} SLA breached on {1}", [__(stage), frappe.datetime.str_to_user(on)]))
					.join("<br>"),
				"red"
			);
		}
		if (frm.is_new() || ["Closed"].includes(frm.doc.status)) return;
		const group = __("Remedy");
		const call = (method, args) =>
			frappe.call({ method: `crm_plus.api.complaint.${method}`, args: { complaint: frm.doc.name, ...args }, freeze: true })
				.then(({ message }) => {
					frm.reload_doc();
					frappe.show_alert({ message: __("{0} created", [message.name]), indicator: "green" });
				});
		if (frm.doc.sales_invoice) {
			frm.add_custom_button(__("Credit Note"), () => {
				frappe.prompt(
					[{ fieldname: "amount", fieldtype: "Currency", label: __("Amount (empty: the whole invoice)") }],
					(v) => call("make_credit_note", { amount: v.amount || null }),
					__("Credit Note")
				);
			}, group);
		}
		frm.add_custom_button(__("Refund"), () => {
			frappe.prompt(
				[{ fieldname: "amount", fieldtype: "Currency", label: __("Amount"), reqd: 1 }],
				(v) => call("make_refund", { amount: v.amount }),
				__("Refund")
			);
		}, group);
		if ((frm.doc.items || []).length) {
			frm.add_custom_button(__("Replacement"), () => call("make_replacement", {}), group);
		}
		if (frm.doc.customer) {
			frm.add_custom_button(__("Customer 360"), () => frappe.set_route("customer-360", frm.doc.customer));
		}
	},
});
