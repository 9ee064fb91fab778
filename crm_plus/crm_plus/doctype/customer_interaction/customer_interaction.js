// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Interaction", {
	setup(frm) {
		frm.set_query("contact", () => {
			if (frm.doc.party_type && frm.doc.party) {
				return {
					query: "frappe.contacts.doctype.contact.contact.contact_query",
					filters: { link_doctype: frm.doc.party_type, link_name: frm.doc.party },
				};
			}
		});
	},

	refresh(frm) {
		if (frm.doc.follow_up_status === "Open" && !frm.is_new()) {
			const overdue = frappe.datetime.get_diff(frappe.datetime.get_today(), frm.doc.next_follow_up_on) > 0;
			frm.dashboard.set_headline_alert(
				overdue
					? __("Follow-up overdue since {0}", [frappe.datetime.str_to_user(frm.doc.next_follow_up_on)])
					: __("Follow-up due on {0}", [frappe.datetime.str_to_user(frm.doc.next_follow_up_on)]),
				overdue ? "red" : "blue"
			);
			frm.add_custom_button(__("Follow-up Done"), () => {
				frappe.prompt(
					{ fieldname: "outcome", fieldtype: "Small Text", label: __("Outcome") },
					(values) =>
						frm
							.call("complete_follow_up", { outcome: values.outcome })
							.then(() => frm.reload_doc()),
					__("Follow-up Done"),
					__("Done")
				);
			});
		}
		if (!frm.is_new()) {
			frm.add_custom_button(__("Log Next Interaction"), () => {
				frappe.new_doc("Customer Interaction", {
					party_type: frm.doc.party_type,
					party: frm.doc.party,
					contact: frm.doc.contact,
					campaign: frm.doc.campaign,
					interaction_type: "Follow-up",
					touchpoint: frm.doc.touchpoint,
					sale_stage: frm.doc.sale_stage,
				});
			});
			if (frm.doc.customer) {
				frm.add_custom_button(__("Customer 360"), () =>
					frappe.set_route("customer-360", frm.doc.customer)
				);
			}
		}
	},

	party_type(frm) {
		frm.set_value("party", null);
		frm.set_value("contact", null);
	},
});
