"""A campaign's figures: cost, revenue net of credit notes, billed and paid, margin, revenue
attributed by the multi-touch model, ROI and the member funnel, for any number of campaigns in a fixed
number of queries."""

from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder.functions import IfNull, Sum

from crm_plus.constants import CAMPAIGN_COST, CAMPAIGN_MEMBER, CUSTOMER_INTERACTION
from crm_plus.domain import attribution
from crm_plus.services.campaigns.members import funnels_of
from crm_plus.services.settings import get_settings
from crm_plus.services.sql import index_hint
from crm_plus.services.sql import to_decimal as _dec

COST_VOUCHERS = ("Purchase Invoice", "Journal Entry")


# Invoices carrying one of the campaigns, and the credit notes that carry none against them: each
# counted once, for the campaign `attribution.counted_for` names (a differential test holds the two
# together). A derived table of (name, campaign, amounts) shared by the billing and margin queries.
BILLED_ROWS = """
	select t.name, t.campaign, t.base_net_total as net, t.base_grand_total as billed,
		t.outstanding_amount * ifnull(nullif(t.conversion_rate, 0), 1) as outstanding
	from `tabSales Invoice` t {hint}
	where t.campaign in %(names)s and t.docstatus = 1
	union all
	select r.name, t.campaign, r.base_net_total, r.base_grand_total,
		r.outstanding_amount * ifnull(nullif(r.conversion_rate, 0), 1)
	from `tabSales Invoice` t {hint}
	join `tabSales Invoice` r on r.return_against = t.name
	where t.campaign in %(names)s and t.docstatus = 1 and r.docstatus = 1 and r.is_return = 1
		and ifnull(r.campaign, '') = ''
"""


def billing_of(names: list[str]) -> dict[str, dict]:
	"""Revenue, billed, outstanding and margin of each campaign's invoices net of their credit notes
	(cancelled ones never count): one query for all the campaigns, through covering indexes."""
	result = {name: {k: Decimal(0) for k in ("revenue", "billed", "outstanding", "margin")} for name in names}
	if not names:
		return result
	rows = BILLED_ROWS.format(hint=index_hint("Sales Invoice", "crm_plus_campaign"))
	margin = f"""(select sum(sii.base_net_amount - ifnull(sii.incoming_rate, 0) * sii.stock_qty)
		from `tabSales Invoice Item` sii {index_hint("Sales Invoice Item", "crm_plus_profit")}
		where sii.parent = x.name)"""
	for campaign, revenue, billed, outstanding, margin_ in frappe.db.sql(
		f"""select x.campaign, sum(x.net), sum(x.billed), sum(x.outstanding), sum({margin})
		from ({rows}) x group by x.campaign""",
		{"names": tuple(names)},
	):
		result[campaign].update(
			revenue=_dec(revenue), billed=_dec(billed), outstanding=_dec(outstanding), margin=_dec(margin_)
		)
	return result


def booked_costs(names: list[str]) -> dict[str, dict]:
	"""Manual cost lines plus expenses booked with the Campaign dimension on Purchase Invoices and
	Journal Entries (the cost of goods the campaign's invoices sold is already in their margin)."""
	manual = dict.fromkeys(names, Decimal(0))
	accounting = dict.fromkeys(names, Decimal(0))
	if names:
		cost = frappe.qb.DocType(CAMPAIGN_COST)
		for parent, amount in (
			frappe.qb.from_(cost)
			.select(cost.parent, Sum(cost.amount))
			.where((cost.parenttype == "Campaign") & cost.parent.isin(names))
			.groupby(cost.parent)
			.run()
		):
			manual[parent] = _dec(amount)
	if names and frappe.db.has_column("GL Entry", "campaign"):
		gle = frappe.qb.DocType("GL Entry")
		account = frappe.qb.DocType("Account")
		for campaign, amount in (
			frappe.qb.from_(gle)
			.join(account)
			.on(account.name == gle.account)
			.select(gle.campaign, Sum(gle.debit - gle.credit))
			.where(
				gle.campaign.isin(names)
				& (gle.is_cancelled == 0)
				& (account.root_type == "Expense")
				# spending on the campaign; not the cost of goods its own invoices sold (that is in margin)
				& gle.voucher_type.isin(COST_VOUCHERS)
			)
			.groupby(gle.campaign)
			.run()
		):
			accounting[campaign] = _dec(amount)
	return {
		name: {
			"manual": manual[name],
			"accounting": accounting[name],
			"total": manual[name] + accounting[name],
		}
		for name in names
	}


def attributed_untagged(names: list[str], model: str | None = None, window_days: int | None = None) -> dict:
	"""Revenue and margin of invoices that carry no campaign, credited to the campaigns by the chosen
	multi-touch model over each member customer's campaign touches (interactions tagged with a
	campaign) within the window; a campaign is credited only for its own members. Four queries for all
	the campaigns, whatever the number of invoices."""
	settings = get_settings()
	model = model or settings.attribution_model or "last_touch"
	window_days = window_days if window_days is not None else int(settings.attribution_window_days or 90)
	zero = {name: {"revenue": Decimal(0), "margin": Decimal(0), "invoices": 0} for name in names}
	if not names:
		return zero
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
	members = frappe.qb.from_(member).select(member.customer).where(member.campaign.isin(names))
	ci = frappe.qb.DocType(CUSTOMER_INTERACTION)
	touches: dict[str, list[attribution.Touch]] = {}
	for customer, campaign, touched_at in (
		frappe.qb.from_(ci)
		.select(ci.customer, ci.campaign, ci.interaction_at)
		.where(ci.customer.isin(members) & ci.campaign.isnotnull() & (ci.campaign != ""))
		.run()
	):
		touches.setdefault(customer, []).append(attribution.Touch(campaign, touched_at))
	if not touches:
		return zero
	memberships = set(  # only of the customers with touches
		frappe.qb.from_(member)
		.select(member.customer, member.campaign)
		.where(member.campaign.isin(names) & member.customer.isin(list(touches)))
		.run()
	)
	si = frappe.qb.DocType("Sales Invoice")
	invoices = (
		frappe.qb.from_(si)
		.select(si.name, si.customer, si.posting_date, si.base_net_total, si.is_return, si.return_against)
		.where(
			si.customer.isin(list(touches))
			& (si.docstatus == 1)
			& ((si.campaign.isnull()) | (si.campaign == ""))
		)
		.run(as_dict=True)
	)
	by_name = {inv.name: inv for inv in invoices}
	shares: dict[str, dict[str, Decimal]] = {}  # invoice -> {campaign: share of 1}
	for inv in invoices:
		# a credit note is judged by the date of the invoice it returns, so it nets the same share
		basis = by_name.get(inv.return_against) if inv.is_return else inv
		date = (basis or inv).posting_date
		# attribute 100 to get each campaign's share in percent (0.01 resolution, summing to 100)
		split = attribution.attribute(Decimal(100), date, touches.get(inv.customer, []), window_days, model)
		credited = {c: v / 100 for c, v in split.items() if v and (inv.customer, c) in memberships}
		if credited:
			shares[inv.name] = credited
	margins: dict[str, Decimal] = {}
	if shares:
		sii = frappe.qb.DocType("Sales Invoice Item")
		margins = {
			parent: _dec(value)
			for parent, value in (
				frappe.qb.from_(sii)
				.select(sii.parent, Sum(sii.base_net_amount - IfNull(sii.incoming_rate, 0) * sii.stock_qty))
				.where(sii.parent.isin(list(shares)))
				.groupby(sii.parent)
				.run()
			)
		}
	for invoice, credited in shares.items():
		for campaign, share in credited.items():
			figures = zero[campaign]
			figures["revenue"] += _dec(by_name[invoice].base_net_total) * share
			figures["margin"] += margins.get(invoice, Decimal(0)) * share
			figures["invoices"] += 1
	q = Decimal("0.01")
	for figures in zero.values():
		figures["revenue"] = figures["revenue"].quantize(q)
		figures["margin"] = figures["margin"].quantize(q)
	return zero


def get_figures(campaign_name: str, model: str | None = None) -> dict:
	"""One campaign's figures, for a user who may read the campaign and its invoices."""
	frappe.get_doc("Campaign", campaign_name).check_permission("read")
	frappe.has_permission("Sales Invoice", "read", throw=True)
	if model and model not in attribution.MODELS:
		frappe.throw(_("Model must be one of {0}").format(", ".join(attribution.MODELS)))
	return figures_of([campaign_name], model=model)[campaign_name]


def figures_of(names: list[str], model: str | None = None) -> dict[str, dict]:
	"""Budget, cost, revenue net of credit notes, billed and paid, margin, attributed revenue, ROI and
	the member funnel of each campaign: a fixed number of queries, whatever the number of campaigns."""
	names = list(dict.fromkeys(names))
	if not names:
		return {}
	budgets = dict(
		frappe.get_all(
			"Campaign", filters={"name": ("in", names)}, fields=["name", "crm_budget"], as_list=True
		)
	)
	missing = [name for name in names if name not in budgets]
	if missing:
		frappe.throw(_("Campaign {0} not found").format(missing[0]), frappe.DoesNotExistError)
	billing = billing_of(names)
	costs = booked_costs(names)
	untagged = attributed_untagged(names, model=model)
	funnels = funnels_of(names)
	basis = get_settings().roi_basis or "Margin"
	q = Decimal("0.01")
	result = {}
	for name in names:
		b, cost, extra, members = billing[name], costs[name], untagged[name], funnels[name]
		value = (b["margin"] + extra["margin"]) if basis == "Margin" else (b["revenue"] + extra["revenue"])
		result[name] = {
			"campaign": name,
			"budget": _dec(budgets[name]),
			"cost": cost["total"],
			"cost_manual": cost["manual"],
			"cost_accounting": cost["accounting"],
			"revenue": b["revenue"].quantize(q),
			"billed": b["billed"].quantize(q),
			"paid": (b["billed"] - b["outstanding"]).quantize(q),
			"margin": b["margin"].quantize(q),
			"attributed_revenue": extra["revenue"],
			"attributed_margin": extra["margin"],
			"attributed_invoices": extra["invoices"],
			"roi_basis": basis,
			"roi_value": value.quantize(q),
			"roi": attribution.roi(value, cost["total"]),
			"members": members,
			"response_rate": (Decimal(members["responded"]) / Decimal(members["targeted"]) * 100).quantize(
				Decimal("0.1")
			)
			if members["targeted"]
			else None,
		}
	return result
