"""A campaign's figures per company it sold in, each in that company's currency: cost, revenue net of
credit notes, billed, paid and outstanding, margin, revenue attributed by the multi-touch model, ROI,
and the member funnel, for any number of campaigns in a fixed number of queries. Amounts of different
companies (and so, possibly, currencies) are never added together."""

from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder.functions import Sum

from crm_plus.constants import CAMPAIGN_COST, CAMPAIGN_MEMBER, CUSTOMER_INTERACTION, INVOICE_MARGIN
from crm_plus.domain import attribution
from crm_plus.domain import campaigns as campaign_rules
from crm_plus.services.campaigns.members import funnels_of
from crm_plus.services.settings import get_settings
from crm_plus.services.sql import index_hint
from crm_plus.services.sql import to_decimal as _dec

COST_VOUCHERS = ("Purchase Invoice", "Journal Entry")
BILLING_FIGURES = ("revenue", "billed", "paid", "outstanding", "margin")
Q = Decimal("0.01")


# Invoices carrying one of the campaigns, and the credit notes that carry none against them: each
# counted once, for the campaign `attribution.counted_for` names (a differential test holds the two
# together), in its company. Amounts in the company's currency: net and billed from ERPNext's base
# figures (billed as posted to the receivable: the rounded total when rounding applies); outstanding is
# kept by ERPNext in the receivable account's currency: as it is when that is the company's currency,
# at the invoice's rate otherwise (what the Payment Ledger holds for the invoice, read from one covering
# index instead of the ledger's rows). The margin is the one kept on each invoice at submit
# (crm_plus.services.invoice_margin), read from the same index.
BILLED_ROWS = """
	select t.name, t.campaign, t.company, t.base_net_total as net, t.crm_plus_margin as margin,
		if(t.base_rounding_adjustment != 0 and t.base_rounded_total != 0,
			t.base_rounded_total, t.base_grand_total) as billed,
		if(t.party_account_currency = c.default_currency, t.outstanding_amount,
			t.outstanding_amount * ifnull(nullif(t.conversion_rate, 0), 1)) as outstanding
	from `tabSales Invoice` t {hint}
	left join `tabCompany` c on c.name = t.company
	where t.campaign in %(names)s and t.docstatus = 1
	union all
	select r.name, t.campaign, t.company, r.base_net_total, r.crm_plus_margin,
		if(r.base_rounding_adjustment != 0 and r.base_rounded_total != 0,
			r.base_rounded_total, r.base_grand_total),
		if(r.party_account_currency = c.default_currency, r.outstanding_amount,
			r.outstanding_amount * ifnull(nullif(r.conversion_rate, 0), 1))
	from `tabSales Invoice` t {hint}
	join `tabSales Invoice` r on r.return_against = t.name
	left join `tabCompany` c on c.name = r.company
	where t.campaign in %(names)s and t.docstatus = 1 and r.docstatus = 1 and r.is_return = 1
		and ifnull(r.campaign, '') = ''
"""


def billing_of(names: list[str]) -> dict[str, dict[str, dict]]:
	"""Per campaign and company it invoiced in: revenue, billed, paid, outstanding and margin of its
	invoices net of their credit notes (cancelled ones never count), in that company's currency:
	{campaign: {company: figures}}. One query for all the campaigns."""
	result: dict[str, dict[str, dict]] = {name: {} for name in names}
	if not names:
		return result
	rows = BILLED_ROWS.format(hint=index_hint("Sales Invoice", "crm_plus_campaign_margin"))
	for campaign, company, revenue, billed, outstanding_, margin_ in frappe.db.sql(
		f"""select x.campaign, x.company, sum(x.net), sum(x.billed), sum(x.outstanding), sum(x.margin)
		from ({rows}) x group by x.campaign, x.company""",
		{"names": tuple(names)},
	):
		billed, outstanding_ = _dec(billed), _dec(outstanding_)
		result[campaign][company] = {
			"revenue": _dec(revenue),
			"billed": billed,
			"paid": billed - outstanding_,
			"outstanding": outstanding_,
			"margin": _dec(margin_),
		}
	return result


def booked_costs(names: list[str]) -> dict[str, dict]:
	"""Per campaign: its manual cost lines (in the campaign's currency) and, per company, the expenses
	booked with the Campaign dimension on Purchase Invoices and Journal Entries (in that company's
	currency; the cost of goods the campaign's invoices sold is already in their margin):
	{campaign: {"manual": amount, "accounting": {company: amount}}}."""
	result = {name: {"manual": Decimal(0), "accounting": {}} for name in names}
	if names:
		cost = frappe.qb.DocType(CAMPAIGN_COST)
		for parent, amount in (
			frappe.qb.from_(cost)
			.select(cost.parent, Sum(cost.amount))
			.where((cost.parenttype == "Campaign") & cost.parent.isin(names))
			.groupby(cost.parent)
			.run()
		):
			result[parent]["manual"] = _dec(amount)
	if names and frappe.db.has_column("GL Entry", "campaign"):
		gle = frappe.qb.DocType("GL Entry")
		account = frappe.qb.DocType("Account")
		for campaign, company, amount in (
			frappe.qb.from_(gle)
			.join(account)
			.on(account.name == gle.account)
			.select(gle.campaign, gle.company, Sum(gle.debit - gle.credit))
			.where(
				gle.campaign.isin(names)
				& (gle.is_cancelled == 0)
				& (account.root_type == "Expense")
				# spending on the campaign; not the cost of goods its own invoices sold (that is in margin)
				& gle.voucher_type.isin(COST_VOUCHERS)
			)
			.groupby(gle.campaign, gle.company)
			.run()
		):
			result[campaign]["accounting"][company] = _dec(amount)
	return result


def attributed_untagged(names: list[str], model: str | None = None, window_days: int | None = None) -> dict:
	"""Revenue and margin of invoices that carry no campaign, credited to the campaigns by the chosen
	multi-touch model over each member customer's campaign touches (interactions tagged with a
	campaign) within the window; a campaign is credited only for its own members. Per campaign and the
	invoices' company, in its currency: {campaign: {company: {"revenue", "margin", "invoices"}}}. Three
	queries for all the campaigns, whatever the number of invoices."""
	settings = get_settings()
	model = attribution.model_of(model or settings.attribution_model) or attribution.DEFAULT_MODEL
	window_days = window_days if window_days is not None else int(settings.attribution_window_days or 90)
	result: dict[str, dict[str, dict]] = {name: {} for name in names}
	if not names:
		return result
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
		return result
	memberships = set(  # only of the customers with touches
		frappe.qb.from_(member)
		.select(member.customer, member.campaign)
		.where(member.campaign.isin(names) & member.customer.isin(list(touches)))
		.run()
	)
	si = frappe.qb.DocType("Sales Invoice")
	invoices = (
		frappe.qb.from_(si)
		.select(
			si.name,
			si.customer,
			si.company,
			si.posting_date,
			si.base_net_total,
			si[INVOICE_MARGIN].as_("margin"),
			si.is_return,
			si.return_against,
		)
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
	for invoice, credited in shares.items():
		inv = by_name[invoice]
		for campaign, share in credited.items():
			figures = result[campaign].setdefault(
				inv.company, {"revenue": Decimal(0), "margin": Decimal(0), "invoices": 0}
			)
			figures["revenue"] += _dec(inv.base_net_total) * share
			figures["margin"] += _dec(inv.margin) * share
			figures["invoices"] += 1
	for companies in result.values():
		for figures in companies.values():
			figures["revenue"] = figures["revenue"].quantize(Q)
			figures["margin"] = figures["margin"].quantize(Q)
	return result


def get_figures(campaign_name: str, model: str | None = None) -> dict:
	"""One campaign's figures, for a user who may read the campaign and its invoices."""
	frappe.get_doc("Campaign", campaign_name).check_permission("read")
	frappe.has_permission("Sales Invoice", "read", throw=True)
	try:
		model = attribution.model_of(model)  # a former internal name ("last_touch") is understood
	except ValueError:
		frappe.throw(
			_("Model must be one of {0}").format(", ".join(_(m) for m in attribution.MODELS)),
			title=_("Invalid Model"),
		)
	figures = figures_of([campaign_name], model=model)[campaign_name]
	allowed = permitted_companies()
	if allowed is not None:  # the rows of the companies the user's User Permissions allow
		figures["companies"] = [r for r in figures["companies"] if r["company"] in allowed | {None}]
	return figures


LATEST_RESPONSES = 5  # members who answered last, shown by name on the Campaign form


def form_figures(campaign_name: str) -> dict:
	"""What the Campaign form shows of a campaign: its members the user may read (`members`: the
	funnel, `responses`: who answered last, by name) and, for a user who may read Sales Invoices, its
	figures per company from `get_figures`. A user who may not gets `figures_available` False and no
	amount at all: never zeros that would read as "no sales". A few queries."""
	frappe.get_doc("Campaign", campaign_name).check_permission("read")
	result = {"campaign": campaign_name, "members": None, "responses": [], "figures_available": False}
	if frappe.has_permission(CAMPAIGN_MEMBER, "read"):
		result["members"], result["responses"] = _visible_members(campaign_name)
	if frappe.has_permission("Sales Invoice", "read"):
		result["figures_available"] = True
		result["figures"] = get_figures(campaign_name)
	return result


def _visible_members(campaign_name: str) -> tuple[dict, list[dict]]:
	"""The funnel (`domain.campaigns.funnel`) of the campaign's members that the user may read (their
	User Permissions and row rules apply, as in the member list), and the latest who answered, named
	by their party's name."""
	counts = {
		row.status: row["count"]
		for row in frappe.get_list(
			CAMPAIGN_MEMBER,
			filters={"campaign": campaign_name},
			fields=["status", "count(name) as count"],
			group_by="status",
			order_by="status",
		)
	}
	responses = frappe.get_list(
		CAMPAIGN_MEMBER,
		filters={"campaign": campaign_name, "status": ("in", campaign_rules.RESPONSE_STATUSES)},
		fields=["party_type", "party", "party_name", "status", "response_date"],
		order_by="response_date desc, modified desc",
		limit_page_length=LATEST_RESPONSES,
	)
	for row in responses:
		row.party_name = row.party_name or row.party  # a party's own name, never the member's hash
	return campaign_rules.funnel(counts), responses


def permitted_companies(user: str | None = None) -> set[str] | None:
	"""The companies a user's User Permissions on Company allow; None when not restricted."""
	from frappe.core.doctype.user_permission.user_permission import get_user_permissions

	allowed = get_user_permissions(user or frappe.session.user).get("Company")
	return {p.get("doc") for p in allowed} if allowed else None


def figures_of(names: list[str], model: str | None = None) -> dict[str, dict]:
	"""Each campaign's figures: a fixed number of queries, whatever the number of campaigns.

	Per campaign: its company and currency (the budget's and the cost lines'), budget, cost lines,
	member funnel and response rate, and `companies`: a row per company the campaign sold in or booked
	costs in, and always one for its own company first (company None if it has none: that row is in
	the campaign's currency), each in that company's currency (`currency`, the
	company's default currency): revenue, billed, paid, outstanding, margin, attributed revenue and
	margin, cost (booked in that company, plus the cost lines in the campaign's own company when they
	are in its currency) and ROI on them. Figures of different companies are never added."""
	names = list(dict.fromkeys(names))
	if not names:
		return {}
	campaigns = {
		row.name: row
		for row in frappe.get_all(
			"Campaign",
			filters={"name": ("in", names)},
			fields=["name", "crm_budget", "crm_company", "crm_currency"],
		)
	}
	missing = [name for name in names if name not in campaigns]
	if missing:
		frappe.throw(_("Campaign {0} not found").format(missing[0]), frappe.DoesNotExistError)
	billing = billing_of(names)
	costs = booked_costs(names)
	untagged = attributed_untagged(names, model=model)
	funnels = funnels_of(names)
	companies = {c.crm_company for c in campaigns.values() if c.crm_company}
	for per_company in (*billing.values(), *untagged.values(), *(c["accounting"] for c in costs.values())):
		companies.update(per_company)
	currencies = dict(
		frappe.get_all(
			"Company",
			filters={"name": ("in", sorted(companies))},
			fields=["name", "default_currency"],
			as_list=True,
		)
		if companies
		else []
	)
	basis = get_settings().roi_basis or "Margin"
	result = {}
	for name in names:
		campaign, members = campaigns[name], funnels[name]
		home = campaign.crm_company or None
		currency = campaign.crm_currency or currencies.get(home)
		manual = costs[name]["manual"]
		# the cost lines are in the campaign's currency: they count in its own company's row when that
		# is the company's currency (or the campaign has no company: its row is in the campaign's)
		manual_counted = home is None or currency == currencies.get(home)
		seen = set(billing[name]) | set(untagged[name]) | set(costs[name]["accounting"])
		rows = []
		for company in [home, *sorted(seen - {home})]:  # its own company first, even with no sales
			rows.append(
				_company_row(
					company,
					currencies.get(company) if company else currency,
					billing[name].get(company),
					untagged[name].get(company),
					costs[name]["accounting"].get(company, Decimal(0)),
					manual if company == home and manual_counted else Decimal(0),
					basis,
				)
			)
		result[name] = {
			"campaign": name,
			"company": home,
			"currency": currency,
			"budget": _dec(campaign.crm_budget),
			"cost_manual": manual,
			"cost_manual_counted": manual_counted,
			"roi_basis": basis,
			"members": members,
			"response_rate": (Decimal(members["responded"]) / Decimal(members["targeted"]) * 100).quantize(
				Decimal("0.1")
			)
			if members["targeted"]
			else None,
			"companies": rows,
		}
	return result


def _company_row(company, currency, billed, untagged, accounting, manual, basis) -> dict:
	"""One company's figures of a campaign, all in that company's currency."""
	billed = billed or dict.fromkeys(BILLING_FIGURES, Decimal(0))
	untagged = untagged or {"revenue": Decimal(0), "margin": Decimal(0), "invoices": 0}
	cost = manual + accounting
	if basis == "Margin":
		value = billed["margin"] + untagged["margin"]
	else:
		value = billed["revenue"] + untagged["revenue"]
	return {
		"company": company,
		"currency": currency,
		**{key: billed[key].quantize(Q) for key in BILLING_FIGURES},
		"attributed_revenue": untagged["revenue"],
		"attributed_margin": untagged["margin"],
		"attributed_invoices": untagged["invoices"],
		"cost_manual": manual,
		"cost_accounting": accounting,
		"cost": cost,
		"roi_value": value.quantize(Q),
		"roi": attribution.roi(value, cost),
	}
