// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

// The sales documents a complaint names; agents may not read them, so they are searched (and checked on
// save) by the server: crm_plus.api.complaint.search_references, services/complaints/document.py
const REFERENCE_FIELDS = { sales_invoice: "Sales Invoice", sales_order: "Sales Order", delivery_note: "Delivery Note" };
// the document each remedy is (a user is offered only the remedies they may create)
const REMEDIES = { "Credit Note": "Sales Invoice", Refund: "Payment Entry", Replacement: "Sales Order" };

frappe.ui.form.on("Customer Complaint", {
	setup(frm) {
		for (const field of Object.keys(REFERENCE_FIELDS)) {
			frm.set_query(field, () => {
				if (!frm.doc.customer) frappe.throw(__("Set the Customer first"));
				return { query: "crm_plus.api.complaint.search_references", filters: { customer: frm.doc.customer } };
			});
		}
	},
	refresh(frm) {
		for (const [field, doctype] of Object.entries(REFERENCE_FIELDS)) {
			// Frappe checks a typed link with frappe.client.validate_link, which needs read on the document:
			// for a user without it the value would be dropped silently. The server checks it instead.
			const readable = frappe.model.can_read(doctype) || frappe.model.can_select(doctype);
			frm.set_df_property(field, "ignore_link_validation", readable ? 0 : 1);
		}
		frm.trigger("refresh_company");
		show_breaches(frm);
		if (frm.is_new() || ["Closed"].includes(frm.doc.status)) return;
		add_remedies(frm);
		if (frm.doc.customer) {
			frm.add_custom_button(__("Customer 360"), () => frappe.set_route("customer-360", frm.doc.customer));
		}
	},
	sales_invoice: (frm) => frm.trigger("refresh_company"),
	sales_order: (frm) => frm.trigger("refresh_company"),
	delivery_note: (frm) => frm.trigger("refresh_company"),
	refresh_company(frm) {
		// the company comes from the invoice, order or delivery note when there is one
		frm.set_df_property("company", "read_only", Object.keys(REFERENCE_FIELDS).some((f) => frm.doc[f]) ? 1 : 0);
	},
});

function show_breaches(frm) {
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
}

function add_remedies(frm) {
	const may = (remedy) => frappe.model.can_create(REMEDIES[remedy]);
	const group = __("Remedy");
	const call = (method, args) =>
		frappe
			.call({ method: `crm_plus.api.complaint.${method}`, args: { complaint: frm.doc.name, ...args }, freeze: true })
			.then(({ message }) => {
				frm.reload_doc();
				frappe.show_alert({ message: __("{0} created", [message.name]), indicator: "green" });
			});
	if (frm.doc.sales_invoice && may("Credit Note")) {
		frm.add_custom_button(__("Credit Note"), () => credit_note_dialog(frm, call), group);
	}
	if (may("Refund")) {
		frm.add_custom_button(
			__("Refund"),
			() =>
				frappe.prompt(
					[{ fieldname: "amount", fieldtype: "Currency", label: __("Amount"), reqd: 1 }],
					(v) => call("make_refund", { amount: v.amount }),
					__("Refund")
				),
			group
		);
	}
	if ((frm.doc.items || []).length && may("Replacement")) {
		frm.add_custom_button(__("Replacement"), () => call("make_replacement", {}), group);
	}
	// who may not make the remedy the complaint calls for is told who does
	const wanted = frm.doc.resolution_type;
	if (REMEDIES[wanted] && !may(wanted)) {
		frm.dashboard.add_comment(
			__("Resolution Type {0}: a colleague who may create a {1} makes it from this complaint.", [
				`<b>${__(wanted)}</b>`,
				__(REMEDIES[wanted]),
			]),
			"blue"
		);
	}
}

function credit_note_dialog(frm, call) {
	frappe
		.call({ method: "crm_plus.api.complaint.get_credit_note_items", args: { complaint: frm.doc.name } })
		.then(({ message }) => {
			const currency = message.currency;
			const phone = window.matchMedia("(max-width: 767px)").matches;
			const rows = message.items.map((row) => ({
				invoice_item: row.invoice_item,
				item_code: row.item_code,
				description: frappe.utils.escape_html(row.description || row.item_name || ""),
				sold_qty: row.qty,
				returned_qty: row.returned_qty,
				returnable_qty: row.returnable_qty,
				rate: row.rate,
				currency,
				qty: 0, // to credit: nothing unless chosen
			}));
			// a phone gets one quantity field per line (a grid this wide would scroll sideways)
			const item_fields = phone
				? rows.map((row, i) => ({
						fieldname: `qty_${i}`,
						fieldtype: "Float",
						default: 0,
						depends_on: "eval:!doc.by_amount",
						label: __("{0}: Qty to Credit", [row.item_code]),
						description: __("Sold {0}, already returned {1}, rate {2}", [
							row.sold_qty,
							row.returned_qty,
							format_currency(row.rate, currency),
						]),
				  }))
				: [
					{
						fieldname: "items",
						fieldtype: "Table",
						label: __("Items"),
						cannot_add_rows: true,
						cannot_delete_rows: true,
						in_place_edit: true,
						depends_on: "eval:!doc.by_amount",
						data: rows,
						get_data: () => rows,
						fields: [
							shown({ fieldname: "invoice_item", fieldtype: "Data", hidden: 1 }),
							shown({ fieldname: "item_code", fieldtype: "Link", options: "Item", label: __("Item"), in_list_view: 1, columns: 2 }),
							shown({ fieldname: "description", fieldtype: "Data", label: __("Description"), in_list_view: 1, columns: 2 }),
							shown({ fieldname: "sold_qty", fieldtype: "Float", label: __("Qty Sold"), in_list_view: 1, columns: 1 }),
							shown({ fieldname: "returned_qty", fieldtype: "Float", label: __("Returned"), in_list_view: 1, columns: 1 }),
							shown({ fieldname: "returnable_qty", fieldtype: "Float", label: __("Returnable"), hidden: 1 }),
							shown({ fieldname: "rate", fieldtype: "Currency", options: "currency", label: __("Rate"), in_list_view: 1, columns: 2 }),
							shown({ fieldname: "currency", fieldtype: "Link", options: "Currency", hidden: 1 }),
							{ fieldname: "qty", fieldtype: "Float", label: __("Qty to Credit"), default: 0, in_list_view: 1, columns: 2 },
						],
					}
				  ];
			const dialog = new frappe.ui.Dialog({
				title: __("Credit Note against {0}", [message.invoice]),
				size: "extra-large",
				fields: [
					...item_fields,
					{
						fieldname: "by_amount",
						fieldtype: "Check",
						label: __("Credit an amount instead of items"),
						description: __("Returns every item still returnable, less a discount that leaves the amount"),
					},
					{ fieldname: "currency", fieldtype: "Link", options: "Currency", hidden: 1, default: currency },
					{
						fieldname: "amount",
						fieldtype: "Currency",
						options: "currency",
						label: __("Amount"),
						depends_on: "eval:doc.by_amount",
						mandatory_depends_on: "eval:doc.by_amount",
					},
				],
				primary_action_label: __("Create Credit Note"),
				primary_action(values) {
					const refuse = (message) => frappe.msgprint({ message, title: __("Credit Note"), indicator: "red" });
					if (values.by_amount) {
						if (!(values.amount > 0)) return refuse(__("Enter the amount to credit"));
						dialog.hide();
						call("make_credit_note", { amount: values.amount });
						return;
					}
					const lines = phone ? rows.map((row, i) => ({ ...row, qty: values[`qty_${i}`] })) : values.items;
					const chosen = (lines || []).filter((row) => flt(row.qty) !== 0);
					if (!chosen.length) {
						return refuse(__("Enter a Qty to Credit for at least one item (or credit an amount instead)"));
					}
					const over = chosen.find((row) => flt(row.qty) < 0 || flt(row.qty) > flt(row.returnable_qty));
					if (over) {
						return refuse(
							__("Qty to Credit for {0} must be between 0 and {1} (sold {2}, already returned {3})", [
								over.item_code,
								over.returnable_qty,
								over.sold_qty,
								over.returned_qty,
							])
						);
					}
					dialog.hide();
					call("make_credit_note", {
						items: chosen.map((row) => ({ invoice_item: row.invoice_item, qty: flt(row.qty) })),
					});
				},
			});
			dialog.show();
			// the lines are the invoice's: none to add (Frappe 15's grid shows its add buttons even with
			// cannot_add_rows, so they are hidden here)
			if (!phone) dialog.fields_dict.items.grid.wrapper.find(".grid-add-row, .grid-add-multiple-rows, .grid-upload").css("display", "none");
		});
}

// a column of the credit-note dialog that only shows the invoice's line (Frappe's grid edits a dialog
// row's columns unless their status says Read)
function shown(df) {
	return { ...df, read_only: 1, get_status: () => (df.hidden ? "None" : "Read") };
}
