frappe.ui.form.on("Campaign", {
	refresh(frm) {
		if (frm.is_new()) return;
		const group = __("Campaign");
		const call = (method, args, type = "POST") =>
			frappe.call({ method: `crm_plus.api.campaign.${method}`, args: { campaign: frm.doc.name, ...args }, type, freeze: true });

		frm.add_custom_button(__("Preview Segment"), () =>
			call("preview_segment", {}, "GET").then(({ message }) => {
				const rows = message.sample.map((r) => `<li>${frappe.utils.escape_html(r.customer_name)}</li>`).join("");
				frappe.msgprint({
					title: __("{0} customers match", [message.count]),
					message: rows ? `<ul>${rows}</ul>` : __("Nobody matches: widen the segment."),
				});
			}), group);
		frm.add_custom_button(__("Add Members"), () =>
			call("add_members").then(({ message }) => {
				frappe.show_alert({ message: __("{0} members added", [message.added]), indicator: "green" });
				frm.reload_doc();
			}), group);
		frm.add_custom_button(__("Update Responses"), () =>
			call("update_responses").then(() => frm.reload_doc()), group);
		frm.add_custom_button(__("Create Offer"), () => {
			const d = new frappe.ui.Dialog({
				title: __("Create Offer"),
				fields: [
					{ fieldname: "discount_percentage", fieldtype: "Percent", label: __("Discount"), reqd: 1 },
					{ fieldname: "item_group", fieldtype: "Link", options: "Item Group", label: __("Item Group") },
					{ fieldname: "item_code", fieldtype: "Link", options: "Item", label: __("Or Item") },
					{ fieldname: "coupon_code", fieldtype: "Data", label: __("Coupon Code (optional)") },
					{ fieldname: "maximum_use", fieldtype: "Int", label: __("Maximum Uses") },
				],
				primary_action_label: __("Create"),
				primary_action(values) {
					call("create_offer", values).then(() => {
						d.hide();
						frm.reload_doc();
					});
				},
			});
			d.show();
		}, group);
		frm.add_custom_button(__("Sync Email Group"), () =>
			call("sync_email_group").then(({ message }) =>
				frappe.show_alert({ message: __("Email Group {0}: {1} members", [message.email_group, message.members]) })
			), group);
		frm.add_custom_button(__("Call List"), () => {
			frappe.prompt(
				[
					{ fieldname: "users", fieldtype: "MultiSelectList", label: __("Callers"), reqd: 1,
						get_data: (txt) => frappe.db.get_link_options("User", txt) },
					{ fieldname: "due_date", fieldtype: "Date", label: __("Due"), default: frm.doc.crm_end_date },
				],
				(values) => call("make_call_list", values).then(({ message }) =>
					frappe.show_alert({ message: __("{0} calls assigned", [message.assigned]) })),
				__("Call List")
			);
		}, group);
		if (frappe.boot.crm_plus && frappe.boot.crm_plus.may_track_costs) {
			frm.add_custom_button(__("Track Costs in Accounting"), () =>
				frappe.confirm(
					__("Make Campaign an Accounting Dimension, so Purchase Invoices and Journal Entries can carry it?"),
					() => call("enable_campaign_dimension").then(() =>
						frappe.show_alert({ message: __("Campaign is now an Accounting Dimension"), indicator: "green" }))
				), group);
		}
		frm.add_custom_button(__("ROI"), () =>
			call("get_figures", {}, "GET").then(({ message: f }) => {
				const money = (v) => format_currency(v, frm.doc.crm_currency);
				frappe.msgprint({
					title: __("ROI of {0}", [frm.doc.campaign_name]),
					message: `<table class="table table-sm">
						<tr><td>${__("Budget")}</td><td class="text-right">${money(f.budget)}</td></tr>
						<tr><td>${__("Cost")}</td><td class="text-right">${money(f.cost)}</td></tr>
						<tr><td>${__("Revenue (net of credit notes)")}</td><td class="text-right">${money(f.revenue)}</td></tr>
						<tr><td>${__("Paid")}</td><td class="text-right">${money(f.paid)}</td></tr>
						<tr><td>${__("Gross margin")}</td><td class="text-right">${money(f.margin)}</td></tr>
						<tr><td>${__("Attributed from untagged invoices")}</td><td class="text-right">${money(f.attributed_revenue)}</td></tr>
						<tr><td>${__("Members / responded / converted")}</td><td class="text-right">${f.members.targeted} / ${f.members.responded} / ${f.members.converted}</td></tr>
						<tr><td><b>${__("ROI ({0})", [__(f.roi_basis)])}</b></td><td class="text-right"><b>${
							f.roi == null ? "-" : format_number(f.roi * 100, null, 1) + " %"
						}</b></td></tr></table>`,
				});
			}), group);
	},
});
