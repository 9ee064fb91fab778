frappe.provide("crm_plus.campaign");

// The campaign's members and figures on its form (ERPNext's way: a section of the form dashboard),
// from crm_plus.api.campaign.get_form_figures; amounts a column per company, each in its currency.
crm_plus.campaign.show_figures = (frm) => {
	const name = frm.doc.name;
	frappe
		.call({ method: "crm_plus.api.campaign.get_form_figures", args: { campaign: name }, type: "GET" })
		.then(({ message }) => {
			if (!message || frm.is_new() || frm.doc.name !== name) return; // the user moved on
			frm.dashboard.parent.find(".crm-campaign-figures").remove();
			frm.dashboard.add_section(
				crm_plus.campaign.members_html(message) + crm_plus.campaign.figures_html(message),
				__("Members and Figures"),
				"custom crm-campaign-figures"
			);
			frm.dashboard.show();
		});
};

crm_plus.campaign.members_html = (data) => {
	const esc = frappe.utils.escape_html;
	const m = data.members;
	if (!m) return `<p class="text-muted">${__("Members not available to you")}</p>`;
	const list = `/app/campaign-member?campaign=${encodeURIComponent(data.campaign)}`;
	const rate = m.targeted ? ` (${format_number((m.responded / m.targeted) * 100, null, 1)} %)` : "";
	const counts = `<p><a href="${list}"><b>${__("{0} members", [m.targeted])}</b></a>
		&middot; ${__("Contacted")}: ${m.contacted}
		&middot; ${__("Responded")}: ${m.responded}${rate}
		&middot; ${__("Converted")}: ${m.converted}
		&middot; ${__("Unsubscribed or bounced")}: ${m.unsubscribed}</p>`;
	if (!m.targeted) return counts + `<p class="text-muted">${__("No members yet: use Add Members.")}</p>`;
	const latest = (data.responses || []).map((r) =>
		`<a href="/app/${frappe.router.slug(r.party_type)}/${encodeURIComponent(r.party)}">${esc(r.party_name)}</a>
		<span class="text-muted">(${__(r.status)}${r.response_date ? ", " + frappe.datetime.str_to_user(r.response_date) : ""})</span>`
	);
	return latest.length ? counts + `<p>${__("Answered last")}: ${latest.join(", ")}</p>` : counts;
};

crm_plus.campaign.figures_html = (data) => {
	if (!data.figures_available) return `<p class="text-muted">${__("Figures not available to you")}</p>`;
	const f = data.figures;
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
	return `<p>${__("Budget")}: ${format_currency(f.budget, f.currency)}</p>
		<table class="table table-sm"><tr><th></th>${head}</tr>${body}</table>${unplaced}`;
};

frappe.ui.form.on("Campaign", {
	refresh(frm) {
		if (frm.is_new()) return;
		crm_plus.campaign.show_figures(frm);
		const group = __("Campaign");
		// offer only what the user may do (crm_plus.api.campaign checks it again on the server)
		const may_write = frm.perm[0] && frm.perm[0].write;
		const may = {
			preview: frappe.model.can_read("Customer"),
			add_members: may_write && frappe.model.can_create("Campaign Member"),
			work_members: may_write && frappe.model.can_write("Campaign Member"),
			offer: may_write && frappe.model.can_create("Pricing Rule"),
			email_group: may_write && frappe.model.can_create("Email Group"),
		};
		const call = (method, args, type = "POST") =>
			frappe.call({ method: `crm_plus.api.campaign.${method}`, args: { campaign: frm.doc.name, ...args }, type, freeze: true });

		if (may.preview) frm.add_custom_button(__("Preview Segment"), () =>
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
		if (may.add_members) frm.add_custom_button(__("Add Members"), () =>
			call("add_members").then(({ message }) => {
				frappe.show_alert({ message: __("{0} members added", [message.added]), indicator: "green" });
				frm.reload_doc();
			}), group);
		if (may.work_members) frm.add_custom_button(__("Update Responses"), () =>
			call("update_responses").then(() => frm.reload_doc()), group);
		if (may.offer) frm.add_custom_button(__("Create Offer"), () => {
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
		if (may.email_group) frm.add_custom_button(__("Sync Email Group"), () =>
			call("sync_email_group").then(({ message }) =>
				frappe.show_alert({ message: __("Email Group {0}: {1} members", [message.email_group, message.members]) })
			), group);
		if (may.work_members) frm.add_custom_button(__("Call List"), () => {
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
	},
});
