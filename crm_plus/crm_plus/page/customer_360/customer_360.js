// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.pages["customer-360"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Customer 360"), single_column: true });
	wrapper.customer_360 = new CustomerThreeSixty(page, wrapper);
};

frappe.pages["customer-360"].refresh = function (wrapper) {
	const customer = frappe.get_route()[1];
	if (customer) wrapper.customer_360.set_customer(decodeURIComponent(customer));
};

class CustomerThreeSixty {
	constructor(page, wrapper) {
		this.page = page;
		this.customer_field = page.add_field({
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
			change: () => {
				const value = this.customer_field.get_value();
				if (value && value !== this.customer) frappe.set_route("customer-360", value);
			},
		});
		this.kind_field = page.add_field({
			fieldname: "kind",
			label: __("Show"),
			fieldtype: "Select",
			options: [{ value: "", label: __("Everything") }],
			change: () => this.load(true),
		});
		// in the menu, not beside the title: on a phone two buttons leave the customer's name no room
		page.add_menu_item(__("Open Customer"), () =>
			this.customer
				? frappe.set_route("Form", "Customer", this.customer)
				: frappe.prompt(
						{ fieldname: "customer", fieldtype: "Link", options: "Customer", label: __("Customer"), reqd: 1 },
						({ customer }) => frappe.set_route("customer-360", customer),
						__("Choose a Customer")
				  ),
			true
		);
		page.set_primary_action(__("Log Interaction"), () =>
			frappe.new_doc("Customer Interaction", { party_type: "Customer", party: this.customer })
		);
		this.$body = $(`<div class="crm-360">
			<div class="crm-360-figures"></div>
			<div class="crm-360-timeline frappe-card p-3 mt-3"></div>
			<div class="text-center mt-3"><button class="btn btn-default btn-sm crm-360-more hidden">${__(
				"Load more"
			)}</button></div>
		</div>`).appendTo(page.main);
		this.$body.find(".crm-360-more").on("click", () => this.load(false));
	}

	set_customer(customer) {
		if (customer === this.customer) return;
		this.customer = customer;
		this.customer_field.set_value(customer);
		this.load(true);
	}

	load(reset) {
		if (!this.customer) return;
		if (reset) {
			this.cursor = null;
			this.$body.find(".crm-360-timeline").empty();
		}
		const kind = this.kind_field.get_value();
		return frappe
			.call({
				method: "crm_plus.api.customer.get_360",
				type: "GET",
				args: { customer: this.customer, kinds: kind || null, before: this.cursor, limit: 30 },
			})
			.then((r) => {
				const data = r.message;
				// the customer's name is the title (a phone shows it whole); the page's own name is the breadcrumb
				this.page.set_title(frappe.utils.escape_html(data.customer_name || data.customer));
				document.title = __("Customer 360: {0}", [data.customer_name || data.customer]);
				if (data.figures) this.render_figures(data.figures, data.service, data.figures_available);
				if (data.figures) this.render_value(data.value);
				this.set_kinds(data.kinds);
				this.render_timeline(data.timeline, reset);
				this.cursor = data.next_cursor;
				this.$body.find(".crm-360-more").toggleClass("hidden", !data.next_cursor);
			});
	}

	set_kinds(kinds) {
		if (this.kinds_set) return;
		this.kind_field.df.options = [{ value: "", label: __("Everything") }].concat(
			kinds.map((k) => ({ value: k.kind, label: k.label }))
		);
		this.kind_field.refresh();
		this.kind_labels = Object.fromEntries(kinds.map((k) => [k.kind, k.label]));
		this.kinds_set = true;
	}

	render_figures(figures, service, available) {
		const $f = this.$body.find(".crm-360-figures").empty();
		if (!available) {
			$f.html(
				`<div class="text-muted">${__(
					"Today's invoice and payment figures are not available to you; the scored verdict below is computed from them."
				)}</div>`
			);
		} else if (!figures.length) {
			$f.html(`<div class="text-muted">${__("No submitted invoices yet.")}</div>`);
			return;
		}
		figures.forEach((f) => {
			const money = (v) => format_currency(v, f.currency);
			const cards = [
				[__("Lifetime net revenue"), money(f.net_revenue), __("after {0} of credit notes", [money(f.returns)])],
				[__("Last purchase"), f.last_purchase ? frappe.datetime.str_to_user(f.last_purchase) : "-",
					f.days_since_last_purchase != null ? __("{0} days ago", [f.days_since_last_purchase]) : ""],
				[__("Usual days between purchases"),
					f.usual_days_between_purchases != null ? format_number(f.usual_days_between_purchases, null, 0) : "-",
					__("{0} invoices", [f.invoices])],
				[__("Outstanding"), money(f.outstanding), __("{0} overdue", [money(f.overdue)])],
			];
			if (service) {
				cards.push([
					__("Open complaints"),
					service.open_complaints,
					service.last_satisfaction ? __("last satisfaction {0}/5", [service.last_satisfaction]) : __("{0} in all", [service.complaints]),
				]);
			}
			const $row = $(`<div class="mb-2"><div class="text-muted small mb-1">${frappe.utils.escape_html(
				__("{0}: today's figures", [f.company])
			)}</div><div class="row"></div></div>`).appendTo($f);
			cards.forEach(([label, value, detail]) => {
				$(`<div class="col-6 col-lg mb-2"><div class="frappe-card p-3 h-100">
					<div class="text-muted small">${label}</div>
					<div class="h5 mt-1 mb-1">${value}</div>
					<div class="text-muted small">${frappe.utils.escape_html(detail || "")}</div>
				</div></div>`).appendTo($row.find(".row"));
			});
		});
	}

	render_value(value) {
		const $f = this.$body.find(".crm-360-figures");
		if (!value) return;
		const colors = { Low: "green", Medium: "yellow", High: "orange", Critical: "red" };
		const reasons = (value.reasons || []).map((r) => `<li>${frappe.utils.escape_html(r)}</li>`).join("");
		const plan = value.open_retention_plan
			? `<a href="/app/retention-plan/${encodeURIComponent(value.open_retention_plan)}">${__(
					"Open retention plan {0}",
					[frappe.utils.escape_html(value.open_retention_plan)]
			  )}</a>`
			: "";
		// the verdict is the last scoring run's: say when, so nobody reads it as today's figures
		const scored = value.scored_on
			? __("Scored {0}: figures as of that run, recomputed daily", [frappe.datetime.comment_when(value.scored_on)])
			: "";
		$(`<div class="row mb-2"><div class="col-sm-12"><div class="frappe-card p-3">
			<div class="text-muted small mb-2">${scored}</div>
			<div class="d-flex align-items-center flex-wrap" style="gap: 12px">
				<span class="text-muted small">${__("Value segment")}</span>
				<b>${frappe.utils.escape_html(__(value.segment || "-"))}</b>
				<span class="text-muted small">${__("80/20 class {0}, RFM {1}", [
					frappe.utils.escape_html(value.value_class || "-"),
					frappe.utils.escape_html(value.rfm || "-"),
				])}</span>
				<span class="text-muted small">${__("Churn risk")}</span>
				<span class="indicator-pill ${colors[value.churn_risk_band] || "gray"}">${value.churn_risk} ${__(
					value.churn_risk_band || ""
				)}</span>
				<span class="ml-auto">${plan}</span>
			</div>
			${reasons ? `<ul class="small text-muted mt-2 mb-0">${reasons}</ul>` : ""}
			<div class="crm-360-risk-trend"></div>
		</div></div></div>`).appendTo($f);
		if ((value.trend || []).length > 1) {
			new frappe.Chart($f.find(".crm-360-risk-trend")[0], {
				title: __("Churn risk by month"),
				type: "line",
				height: 140,
				data: {
					labels: value.trend.map((t) => t.period),
					datasets: [{ name: __("Churn risk"), values: value.trend.map((t) => t.risk_score) }],
				},
				colors: ["#f3a04a"],
			});
		}
	}

	render_timeline(entries, reset) {
		const $t = this.$body.find(".crm-360-timeline");
		if (reset && !entries.length) {
			$t.html(`<div class="text-muted">${__("Nothing yet.")}</div>`);
			return;
		}
		const colors = {
			interaction: "blue", quotation: "purple", sales_order: "cyan", sales_invoice: "green",
			credit_note: "red", payment: "green", complaint: "orange", campaign: "pink", retention_plan: "yellow",
		};
		entries.forEach((e) => {
			// a complaint's amount is what it cost us: none yet is no figure, not "0.00"
			const costless = e.kind === "complaint" && !e.amount;
			const amount = e.amount != null && !costless ? format_currency(e.amount, e.currency) : "";
			$(`<div class="crm-360-entry border-bottom py-2">
				<div class="crm-360-when text-muted small">${frappe.datetime.str_to_user(e.timestamp)}</div>
				<div class="crm-360-kind"><span class="indicator-pill ${
					colors[e.kind] || "gray"
				}">${frappe.utils.escape_html((this.kind_labels || {})[e.kind] || __(e.doctype))}</span></div>
				<div class="crm-360-what"><a href="${encodeURI(e.route)}">${frappe.utils.escape_html(e.title)}</a>
					${e.name_shown ? `<span class="text-muted small ml-2">${frappe.utils.escape_html(e.name)}</span>` : ""}</div>
				<div class="crm-360-status text-muted small">${frappe.utils.escape_html(__(e.status || ""))}</div>
				<div class="crm-360-amount">${amount}</div>
			</div>`).appendTo($t);
		});
	}
}
