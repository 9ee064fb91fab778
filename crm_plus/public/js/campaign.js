frappe.ui.form.on("Campaign", {
	refresh(frm) {
		if (frm.is_new()) return;
		const group = __("Campaign");
		const call = (method, args, type = "POST") =>
			frappe.call({ method: `crm_plus.api.campaign.${method}`, args: { campaign: frm.doc.name, ...args }, type, freeze: true });

		frm.add_custom_button(__("Preview Segment"), () =>
			call("preview_segment", {}, "GET").then(({ message }) => {
				const rows = message.sample.map((r) => `<li>${frappe.utils.escape_html(r.customer_name)}</li>`).join("");
				const empty = message.members
					? __("Every customer the segment matches is already a member ({0} members).", [message.members])
					: __("Nobody matches: widen the segment.");
				frappe.msgprint({
					title: __("{0} customers to add", [message.count]),
					message: rows ? `<ul>${rows}</ul>` : empty,
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
					frappe.show_alert({
						message: message.queued
							? __("{0} calls are being assigned in the background", [message.queued])
							: __("{0} calls assigned", [message.assigned]),
					})),
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
				// a column per company the campaign sold in, each in that company's currency
				const esc = frappe.utils.escape_html;
				const percent = (v) => (v == null ? "-" : format_number(v * 100, null, 1) + " %");
				const rows = [
					[__("Cost"), (c) => format_currency(c.cost, c.currency)],
					[__("Revenue (net of credit notes)"), (c) => format_currency(c.revenue, c.currency)],
					[__("Paid"), (c) => format_currency(c.paid, c.currency)],
					[__("Outstanding"), (c) => format_currency(c.outstanding, c.currency)],
					[__("Gross margin"), (c) => format_currency(c.margin, c.currency)],
					[__("Attributed from untagged invoices"), (c) => format_currency(c.attributed_revenue, c.currency)],
					[`<b>${__("ROI ({0})", [__(f.roi_basis)])}</b>`, (c) => `<b>${percent(c.roi)}</b>`],
				];
				const head = f.companies.map((c) =>
					`<th class="text-right">${esc(c.company || __("No Company"))}<br><small class="text-muted">${esc(c.currency || "")}</small></th>`
				).join("");
				const body = rows.map(([label, cell]) =>
					`<tr><td>${label}</td>${f.companies.map((c) => `<td class="text-right">${cell(c)}</td>`).join("")}</tr>`
				).join("");
				const unplaced = f.cost_manual_counted ? "" : `<p class="text-muted">${__(
					"Cost lines of {0} are in {1}, not in the currency of {2}: they are in no company's ROI.",
					[format_currency(f.cost_manual, f.currency), esc(f.currency || ""), esc(f.company || "")]
				)}</p>`;
				frappe.msgprint({
					title: __("ROI of {0}", [frm.doc.campaign_name]),
					wide: f.companies.length > 2,
					message: `<p>${__("Budget")}: ${format_currency(f.budget, f.currency)} &middot; ${__(
						"Members / responded / converted"
					)}: ${f.members.targeted} / ${f.members.responded} / ${f.members.converted}</p>
						<table class="table table-sm"><tr><th></th>${head}</tr>${body}</table>${unplaced}`,
				});
			}), group);
	},
});
