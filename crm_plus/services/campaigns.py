"""Campaigns on ERPNext's own Campaign: approval, segments and members, responses, offers, ROI.

Members are added with one INSERT ... SELECT from the segment query (never one insert per customer);
their names are a hash of (campaign, party type, party), so adding twice never duplicates anyone.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Count, IfNull, Max, Sum
from frappe.query_builder.terms import NamedParameterWrapper
from frappe.utils import flt, getdate, now_datetime, today
from frappe.utils.nestedset import get_descendants_of
from pypika.terms import Case, ExistsCriterion

from crm_plus.domain import attribution
from crm_plus.services.complaints import customer_of_contact
from crm_plus.services.settings import get_settings, is_enabled
from crm_plus.services.setup import index_hint

MEMBER = "Campaign Member"
ACTIVE = "Active"
COST_VOUCHERS = ("Purchase Invoice", "Journal Entry")
OPEN_COMPLAINT_FILTER = {"With an open complaint": True, "Without an open complaint": False}


# ---------------------------------------------------------------- approval


def validate_campaign(doc, method=None):
	"""doc_event (validate): a campaign over the budget threshold cannot start before approval."""
	before = doc.get_doc_before_save()
	previous = before.crm_status if before else None
	if doc.crm_start_date and doc.crm_end_date and getdate(doc.crm_end_date) < getdate(doc.crm_start_date):
		frappe.throw(_("End Date cannot be before Start Date"))
	if doc.crm_status == "Approved" and previous != "Approved":
		doc.crm_approved_by = frappe.session.user
	if before and flt(doc.crm_budget) > flt(before.crm_budget) and doc.crm_approved_by:
		if doc.crm_status in ("Approved", ACTIVE) and needs_approval(doc):
			frappe.throw(
				_("The budget was approved at {0}: send the campaign for approval again to raise it").format(
					frappe.format(before.crm_budget, {"fieldtype": "Currency", "options": doc.crm_currency})
				)
			)
	if doc.crm_status == ACTIVE and previous != ACTIVE and needs_approval(doc) and not doc.crm_approved_by:
		frappe.throw(
			_(
				"Campaign {0} has a budget above {1} and needs a Marketing Manager or CRM Manager to approve it before it starts"
			).format(
				frappe.bold(doc.name),
				frappe.format(get_settings().campaign_approval_threshold, {"fieldtype": "Currency"}),
			),
			title=_("Approval Needed"),
		)


def needs_approval(doc) -> bool:
	return flt(doc.crm_budget) > flt(get_settings().campaign_approval_threshold)


# ---------------------------------------------------------------- segments and members


def segment_query(campaign):
	"""The customers matching the campaign's target segment, less suppressed ones and current members:
	a frappe.qb query selecting (customer, customer_name, email_id)."""
	c = frappe.qb.DocType("Customer")
	si = frappe.qb.DocType("Sales Invoice")
	member = frappe.qb.DocType(MEMBER)
	conditions = [c.disabled == 0]
	if campaign.crm_target_customer_group:
		groups = [
			campaign.crm_target_customer_group,
			*get_descendants_of("Customer Group", campaign.crm_target_customer_group),
		]
		conditions.append(c.customer_group.isin(groups))
	if campaign.crm_target_territory:
		territories = [
			campaign.crm_target_territory,
			*get_descendants_of("Territory", campaign.crm_target_territory),
		]
		conditions.append(c.territory.isin(territories))
	if campaign.crm_target_value_segment:
		conditions.append(c.crm_segment == campaign.crm_target_value_segment)
	if campaign.crm_target_risk_band:
		conditions.append(c.crm_churn_risk_band == campaign.crm_target_risk_band)

	query = frappe.qb.from_(c).select(c.name.as_("customer"), c.customer_name, c.email_id)
	if any(
		campaign.get(f)
		for f in (
			"crm_target_last_purchase_after",
			"crm_target_last_purchase_before",
			"crm_target_min_revenue",
			"crm_target_max_revenue",
		)
	):
		sales = (
			frappe.qb.from_(si)
			.select(
				si.customer,
				Max(Case().when(si.is_return == 0, si.posting_date)).as_("last_purchase"),
				Sum(si.base_net_total).as_("revenue"),
			)
			.where(si.docstatus == 1)
		)
		if campaign.crm_company:
			sales = sales.where(si.company == campaign.crm_company)
		sales = sales.groupby(si.customer)
		query = query.join(sales).on(sales.customer == c.name)
		if campaign.crm_target_last_purchase_after:
			conditions.append(sales.last_purchase >= getdate(campaign.crm_target_last_purchase_after))
		if campaign.crm_target_last_purchase_before:
			conditions.append(sales.last_purchase <= getdate(campaign.crm_target_last_purchase_before))
		if campaign.crm_target_min_revenue:
			conditions.append(sales.revenue >= flt(campaign.crm_target_min_revenue))
		if campaign.crm_target_max_revenue:
			conditions.append(sales.revenue <= flt(campaign.crm_target_max_revenue))
	if campaign.crm_target_item or campaign.crm_target_item_group:
		sii = frappe.qb.DocType("Sales Invoice Item")
		bought = (
			frappe.qb.from_(sii)
			.join(si)
			.on(si.name == sii.parent)
			.select(si.name)
			.where((si.customer == c.name) & (si.docstatus == 1) & (si.is_return == 0))
		)
		if campaign.crm_target_item:
			bought = bought.where(sii.item_code == campaign.crm_target_item)
		if campaign.crm_target_item_group:
			groups = [
				campaign.crm_target_item_group,
				*get_descendants_of("Item Group", campaign.crm_target_item_group),
			]
			bought = bought.where(sii.item_group.isin(groups))
		conditions.append(ExistsCriterion(bought))
	settings = get_settings()
	wants_complaint = OPEN_COMPLAINT_FILTER.get(campaign.crm_target_open_complaint or "")
	if wants_complaint is not None or settings.suppress_open_complaints:
		open_complaint = _open_complaint_exists(c)
		if open_complaint is not None:
			if wants_complaint is True:
				conditions.append(open_complaint)
			elif wants_complaint is False or settings.suppress_open_complaints:
				conditions.append(open_complaint.negate())
	if settings.suppress_overdue:
		overdue = (
			frappe.qb.from_(si)
			.select(si.name)
			.where(
				(si.customer == c.name)
				& (si.docstatus == 1)
				& (si.outstanding_amount > 0)
				& (si.due_date < getdate(today()))
			)
		)
		conditions.append(ExistsCriterion(overdue).negate())
	# suppression: unsubscribed anywhere, globally unsubscribed emails, and current members
	unsubscribed = (
		frappe.qb.from_(member)
		.select(member.name)
		.where((member.customer == c.name) & (member.status.isin(("Unsubscribed", "Bounced"))))
	)
	conditions.append(ExistsCriterion(unsubscribed).negate())
	unsubscribe = frappe.qb.DocType("Email Unsubscribe")
	conditions.append(
		ExistsCriterion(
			frappe.qb.from_(unsubscribe)
			.select(unsubscribe.name)
			.where((unsubscribe.email == c.email_id) & (unsubscribe.global_unsubscribe == 1))
		).negate()
	)
	already = (
		frappe.qb.from_(member)
		.select(member.name)
		.where(
			(member.campaign == campaign.name) & (member.party_type == "Customer") & (member.party == c.name)
		)
	)
	conditions.append(ExistsCriterion(already).negate())
	return query.where(Criterion.all(conditions))


def _open_complaint_exists(customer_table):
	if not frappe.db.table_exists("Customer Complaint"):
		return None
	from crm_plus.services.complaint_facts import CLOSED_STATES

	complaint = frappe.qb.DocType("Customer Complaint")
	return ExistsCriterion(
		frappe.qb.from_(complaint)
		.select(complaint.name)
		.where(
			(complaint.customer == customer_table.name)
			& complaint.status.notin(CLOSED_STATES)
			& (complaint.docstatus < 2)
		)
	)


def preview_segment(campaign_name: str, sample: int = 20) -> dict:
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("read")
	frappe.has_permission("Customer", "read", throw=True)  # the sample lists customers
	query = segment_query(campaign)
	total = frappe.qb.from_(query).select(Count("*")).run()[0][0]
	customer = frappe.qb.DocType("Customer")
	return {"count": total, "sample": query.orderby(customer.name).limit(sample).run(as_dict=True)}


def add_segment_members(campaign_name: str) -> int:
	"""Add every matching customer as a member with one INSERT ... SELECT; returns how many were added."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission(MEMBER, "create", throw=True)
	# the segment's values (campaign name, groups, items...) go in as parameters, as query.run() sends
	# them: a bare get_sql() inlines them, quoting ' but not \, which MariaDB reads as an escape
	params = NamedParameterWrapper()
	segment = segment_query(campaign).get_sql(param_wrapper=params)
	before = frappe.db.count(MEMBER, {"campaign": campaign.name})
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		f"""
		insert ignore into `tabCampaign Member` (
			name, campaign, party_type, party, party_name, customer, email_id, status, source,
			creation, modified, owner, modified_by, docstatus, idx
		)
		select md5(concat_ws('|', %(campaign)s, 'Customer', s.customer)), %(campaign)s, 'Customer',
			s.customer, s.customer_name, s.customer, s.email_id, 'Targeted', 'Segment',
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from ({segment}) s
		""",
		{**params.get_parameters(), "campaign": campaign.name, "now": now, "user": user},
	)
	return frappe.db.count(MEMBER, {"campaign": campaign.name}) - before


def member_name(campaign: str, party_type: str, party: str) -> str:
	import hashlib

	return hashlib.md5(f"{campaign}|{party_type}|{party}".encode()).hexdigest()


MEMBER_NAME_FIELD = {"Customer": "customer_name", "Lead": "lead_name", "Contact": "full_name"}


def validate_member(doc):
	name_field = MEMBER_NAME_FIELD.get(doc.party_type)
	if not name_field:
		frappe.throw(
			_("Party Type must be one of {0}").format(", ".join(MEMBER_NAME_FIELD)),
			title=_("Invalid Party Type"),
		)
	values = frappe.db.get_value(doc.party_type, doc.party, [name_field, "email_id"], as_dict=True)
	if not values:
		frappe.throw(
			_("{0} {1} does not exist").format(_(doc.party_type), frappe.bold(doc.party)),
			frappe.LinkValidationError,
		)
	doc.party_name = values.get(name_field) or doc.party
	doc.email_id = doc.email_id or values.email_id
	if doc.party_type == "Customer":
		doc.customer = doc.party
	elif doc.party_type == "Lead":
		doc.customer = frappe.db.get_value("Customer", {"lead_name": doc.party}, "name")
	else:
		doc.customer = customer_of_contact(doc.party)
	if doc.status in ("Responded", "Converted") and not doc.response_date:
		doc.response_date = getdate(today())


# ---------------------------------------------------------------- responses


def update_responses(campaign_name: str) -> dict:
	"""Members' statuses from what happened: outbound interactions tagged with the campaign make them
	Contacted; inbound ones, and replies (emails from the member while the campaign runs), Responded;
	an order or invoice carrying the campaign Converted. Three set-based UPDATEs; a member never moves
	backwards, and Unsubscribed/Bounced are left alone."""
	start, end = frappe.db.get_value("Campaign", campaign_name, ["crm_start_date", "crm_end_date"])
	params = {"campaign": campaign_name, "start": start or "2999-01-01", "end": end or "1900-01-01"}
	frappe.db.sql(
		"""
		update `tabCampaign Member` m
		join (
			select customer, min(interaction_at) as first_at,
				sum(direction = 'Inbound') as inbound,
				substring_index(group_concat(if(direction = 'Inbound', channel, null)
					order by interaction_at separator ','), ',', 1) as channel
			from `tabCustomer Interaction`
			where customer is not null and (
				campaign = %(campaign)s
				-- a reply: an email from a member while the campaign runs (captured from Communication)
				or (channel = 'Email' and direction = 'Inbound'
					and date(interaction_at) between %(start)s and %(end)s
					and customer in (select customer from `tabCampaign Member` where campaign = %(campaign)s))
			)
			group by customer
		) i on i.customer = m.customer
		set m.status = if(i.inbound > 0, 'Responded', 'Contacted'),
			m.response_date = if(i.inbound > 0, ifnull(m.response_date, date(i.first_at)), m.response_date),
			m.response_channel = if(i.inbound > 0 and ifnull(m.response_channel, '') = '', i.channel, m.response_channel)
		where m.campaign = %(campaign)s and m.status in ('Targeted', 'Contacted')
		""",
		params,
	)
	frappe.db.sql(
		"""
		update `tabCampaign Member` m
		join (
			select customer, min(day) as converted_on from (
				select customer, transaction_date as day from `tabSales Order`
				where campaign = %(campaign)s and docstatus = 1
				union all
				select customer, posting_date as day from `tabSales Invoice`
				where campaign = %(campaign)s and docstatus = 1 and is_return = 0
			) orders group by customer
		) o on o.customer = m.customer
		set m.status = 'Converted', m.converted_on = o.converted_on,
			m.response_date = ifnull(m.response_date, o.converted_on)
		where m.campaign = %(campaign)s and m.status not in ('Unsubscribed', 'Bounced')
		""",
		params,
	)
	frappe.db.sql(
		"""
		update `tabCampaign Member` m
		left join (
			select customer, sum(base_net_total) as revenue from `tabSales Invoice`
			where campaign = %(campaign)s and docstatus = 1 group by customer
		) r on r.customer = m.customer
		set m.attributed_revenue = ifnull(r.revenue, 0)
		where m.campaign = %(campaign)s
		""",
		params,
	)
	return funnel(campaign_name)


def funnel(campaign_name: str) -> dict:
	return funnels_of([campaign_name])[campaign_name]


def funnels_of(names: list[str]) -> dict[str, dict]:
	"""Members reached at each stage, per campaign, with one query."""
	member = frappe.qb.DocType(MEMBER)
	counts: dict[str, dict[str, int]] = {name: {} for name in names}
	if names:
		for campaign, status, count in (
			frappe.qb.from_(member)
			.select(member.campaign, member.status, Count("*"))
			.where(member.campaign.isin(names))
			.groupby(member.campaign, member.status)
			.run()
		):
			counts[campaign][status] = count
	return {
		name: {
			"targeted": sum(c.values()),
			"contacted": sum(c.get(s, 0) for s in ("Contacted", "Responded", "Converted")),
			"responded": sum(c.get(s, 0) for s in ("Responded", "Converted")),
			"converted": c.get("Converted", 0),
			"unsubscribed": c.get("Unsubscribed", 0) + c.get("Bounced", 0),
		}
		for name, c in counts.items()
	}


# ---------------------------------------------------------------- figures and ROI


# Invoices carrying one of the campaigns, and the credit notes against them (counted once, for the
# campaign of the invoice they return, unless they carry that campaign themselves). A derived table
# of (name, campaign, amounts) shared by the billing and margin queries.
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
		and not (r.campaign <=> t.campaign)
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


def _dec(value) -> Decimal:
	return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def booked_costs(names: list[str]) -> dict[str, dict]:
	"""Manual cost lines plus expenses booked with the Campaign dimension on Purchase Invoices and
	Journal Entries (the cost of goods the campaign's invoices sold is already in their margin)."""
	manual = dict.fromkeys(names, Decimal(0))
	accounting = dict.fromkeys(names, Decimal(0))
	if names:
		cost = frappe.qb.DocType("CRM Campaign Cost")
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
	member = frappe.qb.DocType(MEMBER)
	members = frappe.qb.from_(member).select(member.customer).where(member.campaign.isin(names))
	ci = frappe.qb.DocType("Customer Interaction")
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


# ---------------------------------------------------------------- outreach and offers


def sync_email_group(campaign_name: str) -> dict:
	"""Members with an email into an Email Group named after the campaign (for a Newsletter or an
	Email Campaign), with one INSERT ... SELECT; unsubscribed and bounced members are left out."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission("Email Group", "create", throw=True)
	group = frappe.db.get_value("Email Group", {"title": campaign.campaign_name}, "name")
	if not group:
		group = frappe.get_doc({"doctype": "Email Group", "title": campaign.campaign_name}).insert().name
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		"""
		insert into `tabEmail Group Member` (name, email_group, email, unsubscribed,
			creation, modified, owner, modified_by, docstatus, idx)
		select md5(concat_ws('|', %(group)s, m.email_id)), %(group)s, m.email_id, 0,
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from `tabCampaign Member` m
		where m.campaign = %(campaign)s and ifnull(m.email_id, '') != ''
			and m.status not in ('Unsubscribed', 'Bounced')
			and not exists (select 1 from `tabEmail Group Member` g
				where g.email_group = %(group)s and g.email = m.email_id)
		group by m.email_id
		""",
		{"group": group, "campaign": campaign.name, "now": now, "user": user},
	)
	count = frappe.db.count("Email Group Member", {"email_group": group})
	frappe.db.set_value("Email Group", group, "total_subscribers", count, update_modified=False)
	return {"email_group": group, "members": count}


def make_call_list(campaign_name: str, users: list[str], due_date=None) -> int:
	"""Telemarketing: one assignment (ToDo) per targeted member without one, dealt round-robin to the
	users; one bulk insert."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission(MEMBER, "write", throw=True)  # members move to Contacted
	if not users:
		frappe.throw(_("Choose at least one user for the call list"), frappe.MandatoryError)
	unknown = set(users) - set(
		frappe.get_all("User", filters={"name": ("in", users), "enabled": 1}, pluck="name")
	)
	if unknown:
		frappe.throw(_("Unknown or disabled users: {0}").format(", ".join(sorted(unknown))))
	member = frappe.qb.DocType(MEMBER)
	members = (
		frappe.qb.from_(member)
		.select(member.name, member.party_name)
		.where((member.campaign == campaign.name) & (member.status == "Targeted") & member.call_todo.isnull())
		.orderby(member.name)
		.run(as_dict=True)
	)
	if not members:
		return 0
	now, me = now_datetime(), frappe.session.user
	due = getdate(due_date or campaign.crm_end_date or today())
	rows, links = [], []
	for i, m in enumerate(members):
		todo = frappe.generate_hash(length=10)
		user = users[i % len(users)]
		rows.append(
			(
				todo,
				user,
				me,
				"Open",
				"Medium",
				due,
				MEMBER,
				m.name,
				_("Call {0} for campaign {1}").format(m.party_name, campaign.campaign_name),
				now,
				now,
				me,
				me,
			)
		)
		links.append((m.name, todo))
	frappe.db.bulk_insert(
		"ToDo",
		[
			"name",
			"allocated_to",
			"assigned_by",
			"status",
			"priority",
			"date",
			"reference_type",
			"reference_name",
			"description",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		rows,
	)
	frappe.db.sql(
		f"""update `tabCampaign Member` set call_todo = case name {" ".join(["when %s then %s"] * len(links))} end,
			status = 'Contacted' where name in ({", ".join(["%s"] * len(links))})""",
		[v for pair in links for v in pair] + [name for name, _todo in links],
	)
	return len(members)


def create_offer(
	campaign_name: str,
	discount_percentage: float,
	item_group: str | None = None,
	item_code: str | None = None,
	coupon_code: str | None = None,
	maximum_use: int = 0,
) -> dict:
	"""A Pricing Rule that applies to documents of this campaign (ERPNext's applicable_for = Campaign),
	and optionally a Coupon Code for it; both linked from the campaign."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission("Pricing Rule", "create", throw=True)
	if coupon_code:
		frappe.has_permission("Coupon Code", "create", throw=True)
	discount = flt(discount_percentage)
	if not 0 < discount <= 100:
		frappe.throw(_("Discount Percentage must be above 0 and at most 100"))
	if item_code and item_group:
		frappe.throw(_("Choose an item or an item group, not both"))
	rule = frappe.get_doc(
		{
			"doctype": "Pricing Rule",
			"title": _("Campaign {0}").format(campaign.campaign_name)[:140],
			"selling": 1,
			"applicable_for": "Campaign",
			"campaign": campaign.name,
			"apply_on": "Item Code" if item_code else "Item Group",
			"items": [{"item_code": item_code}] if item_code else [],
			"item_groups": []
			if item_code
			else [
				{
					"item_group": item_group
					or frappe.db.get_value(
						"Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))}, "name"
					)
					or "All Item Groups"
				}
			],
			"rate_or_discount": "Discount Percentage",
			"discount_percentage": discount,
			"company": campaign.crm_company,
			"valid_from": campaign.crm_start_date,
			"valid_upto": campaign.crm_end_date,
			"coupon_code_based": 1 if coupon_code else 0,
			"priority": 1,
		}
	).insert()
	values = {"crm_pricing_rule": rule.name}
	coupon = None
	if coupon_code:
		coupon = frappe.get_doc(
			{
				"doctype": "Coupon Code",
				"coupon_name": coupon_code,
				"coupon_code": coupon_code.upper(),
				"coupon_type": "Promotional",
				"pricing_rule": rule.name,
				"valid_from": campaign.crm_start_date,
				"valid_upto": campaign.crm_end_date,
				"maximum_use": maximum_use or 0,
			}
		).insert()
		values["crm_coupon_code"] = coupon.name
	campaign.db_set(values)
	return {"pricing_rule": rule.name, "coupon_code": coupon.name if coupon else None}


# ---------------------------------------------------------------- carry the campaign


def carry_lead_campaign_to_quotation(doc, method=None):
	"""doc_event (Quotation before_insert): ERPNext drops the lead's campaign on Lead -> Quotation."""
	if (
		not doc.campaign
		and doc.quotation_to == "Lead"
		and doc.party_name
		and is_enabled("enable_sales_hooks")
	):
		doc.campaign = frappe.db.get_value("Lead", doc.party_name, "campaign_name")


def carry_lead_campaign_to_customer(doc, method=None):
	"""doc_event (Customer before_insert): the lead's campaign becomes the first-touch campaign."""
	if not doc.get("crm_first_campaign") and doc.lead_name:
		doc.crm_first_campaign = frappe.db.get_value("Lead", doc.lead_name, "campaign_name")


def fill_active_campaign(doc, method=None):
	"""doc_event (before_insert of Quotation, Sales Order, Sales Invoice), by setting: a customer who is
	a member of exactly one active campaign gets it on new sales documents. One indexed query."""
	if (
		doc.get("campaign")
		or not is_enabled("enable_sales_hooks")
		or not is_enabled("fill_campaign_in_sales_documents")
	):
		return
	customer = doc.get("customer") or (
		doc.get("party_name") if doc.get("quotation_to") == "Customer" else None
	)
	if not customer:
		return
	day = getdate(doc.get("posting_date") or doc.get("transaction_date") or today())
	member = frappe.qb.DocType(MEMBER)
	campaign = frappe.qb.DocType("Campaign")
	active = (
		frappe.qb.from_(member)
		.join(campaign)
		.on(campaign.name == member.campaign)
		.select(member.campaign)
		.where(
			(member.customer == customer)
			& member.status.notin(("Unsubscribed", "Bounced"))
			& (campaign.crm_status == ACTIVE)
			& ((campaign.crm_start_date.isnull()) | (campaign.crm_start_date <= day))
			& ((campaign.crm_end_date.isnull()) | (campaign.crm_end_date >= day))
		)
		.distinct()
		.limit(2)
		.run(pluck=True)
	)
	if len(active) == 1:
		doc.campaign = active[0]


def enable_campaign_dimension() -> str:
	"""Make Campaign an ERPNext Accounting Dimension, so Purchase Invoices and Journal Entries can be
	tagged with a campaign and roll into its cost. ERPNext adds the field to its accounting doctypes
	(in a background job on a live site)."""
	existing = frappe.db.get_value("Accounting Dimension", {"document_type": "Campaign"}, "name")
	if existing:
		return existing
	return frappe.get_doc({"doctype": "Accounting Dimension", "document_type": "Campaign"}).insert().name
