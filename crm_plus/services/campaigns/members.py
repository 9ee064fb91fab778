"""Campaign members: their party, and their way through the funnel from what happened
(interactions, replies, orders)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import getdate, today

from crm_plus.constants import CAMPAIGN_MEMBER
from crm_plus.domain import campaigns as rules
from crm_plus.services.parties import customer_of


def member_name(campaign: str, party_type: str, party: str) -> str:
	import hashlib

	return hashlib.md5(f"{campaign}|{party_type}|{party}".encode()).hexdigest()


CALL_CHANNEL = "Phone"  # a Customer Interaction by phone is a call

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
	doc.customer = customer_of(doc.party_type, doc.party)
	if doc.status in rules.RESPONSE_STATUSES and not doc.response_date:
		doc.response_date = getdate(today())


def record_interaction(interaction) -> list[str]:
	"""An interaction tagged with a campaign was logged: the campaign's members for its party (by
	customer, or the lead itself) move on at once, as `update_responses` would move them
	(`domain.campaigns.status_after_interaction`: outbound Contacted, inbound Responded, never
	backwards). A call logged (outbound, by phone) closes the member's open call assignment. Returns the
	members that moved. A few queries, whatever the campaign's size."""
	if not interaction.get("campaign"):
		return []
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
	same_party = (member.party_type == interaction.party_type) & (member.party == interaction.party)
	if interaction.get("customer"):
		same_party = same_party | (member.customer == interaction.customer)
	members = (
		frappe.qb.from_(member)
		.select(member.name, member.status, member.response_date, member.response_channel, member.call_todo)
		.where((member.campaign == interaction.campaign) & same_party)
		.run(as_dict=True)
	)
	moved = []
	day = getdate(interaction.interaction_at or today())
	for row in members:
		status = rules.status_after_interaction(row.status, interaction.direction)
		if status:
			values = {"status": status}
			if status in rules.RESPONSE_STATUSES:
				values["response_date"] = row.response_date or day
				values["response_channel"] = row.response_channel or interaction.channel
			frappe.db.set_value(CAMPAIGN_MEMBER, row.name, values, update_modified=False)
			moved.append(row.name)
		if interaction.direction == rules.OUTBOUND and interaction.channel == CALL_CHANNEL and row.call_todo:
			_close_call(row.call_todo)
	return moved


def _close_call(todo_name: str):
	"""Close an open call assignment through the ToDo itself, so the member's `_assign` follows."""
	if frappe.db.get_value("ToDo", todo_name, "status") != "Open":
		return
	todo = frappe.get_doc("ToDo", todo_name)
	todo.status = "Closed"
	todo.save(ignore_permissions=True)


def update_responses(campaign_name: str) -> dict:
	"""Members' statuses from what happened: outbound interactions tagged with the campaign make them
	Contacted; inbound ones, and replies (emails from the member while the campaign runs), Responded;
	an order or invoice carrying the campaign Converted. Three set-based UPDATEs; a member never moves
	backwards, and Unsubscribed/Bounced are left alone."""
	frappe.get_doc("Campaign", campaign_name).check_permission("write")
	frappe.has_permission(CAMPAIGN_MEMBER, "write", throw=True)  # it rewrites the members' statuses
	start, end = frappe.db.get_value("Campaign", campaign_name, ["crm_start_date", "crm_end_date"])
	params = {
		"campaign": campaign_name,
		"start": start or "2999-01-01",
		"end": end or "1900-01-01",
		"targeted": rules.TARGETED,
		"contacted": rules.CONTACTED,
		"responded": rules.RESPONDED,
		"converted": rules.CONVERTED,
		"suppressed": rules.SUPPRESSED,
		# a member's attributed revenue is in one currency: the campaign's company's (else the default)
		"company": frappe.db.get_value("Campaign", campaign_name, "crm_company")
		or frappe.defaults.get_global_default("company"),
	}
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
		set m.status = if(i.inbound > 0, %(responded)s, %(contacted)s),
			m.response_date = if(i.inbound > 0, ifnull(m.response_date, date(i.first_at)), m.response_date),
			m.response_channel = if(i.inbound > 0 and ifnull(m.response_channel, '') = '', i.channel, m.response_channel)
		where m.campaign = %(campaign)s and m.status in (%(targeted)s, %(contacted)s)
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
		set m.status = %(converted)s, m.converted_on = o.converted_on,
			m.response_date = ifnull(m.response_date, o.converted_on)
		where m.campaign = %(campaign)s and m.status not in %(suppressed)s
		""",
		params,
	)
	frappe.db.sql(
		"""
		update `tabCampaign Member` m
		left join (
			select customer, sum(base_net_total) as revenue from `tabSales Invoice`
			where campaign = %(campaign)s and docstatus = 1 and company = %(company)s group by customer
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
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
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
	return {name: rules.funnel(c) for name, c in counts.items()}
