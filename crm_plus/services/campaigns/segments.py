"""The campaign's target segment as one query, and its customers added as members with one
INSERT ... SELECT (never one insert per customer); member names are a hash of (campaign, party type,
party), so adding twice never duplicates anyone."""

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Count, Max, Sum
from frappe.query_builder.terms import NamedParameterWrapper
from frappe.utils import flt, getdate, now_datetime, today
from frappe.utils.nestedset import get_descendants_of
from pypika.terms import Case, ExistsCriterion

from crm_plus.constants import CAMPAIGN_MEMBER, CUSTOMER_COMPLAINT
from crm_plus.domain import campaigns as rules
from crm_plus.domain.sla import CLOSED_STATES
from crm_plus.services.permissions import RawCondition, customer_condition
from crm_plus.services.settings import get_settings

OPEN_COMPLAINT_FILTER = {"With an open complaint": True, "Without an open complaint": False}


SALES_TARGETS = (
	"crm_target_last_purchase_after",
	"crm_target_last_purchase_before",
	"crm_target_min_revenue",
	"crm_target_max_revenue",
)


def segment_query(campaign):
	"""The customers matching the campaign's target segment, less suppressed ones and current members,
	among those the user may read (User Permissions on Customer, Territory, Customer Group...): a
	frappe.qb query selecting (customer, customer_name, email_id)."""
	c = frappe.qb.DocType("Customer")
	query = frappe.qb.from_(c).select(c.name.as_("customer"), c.customer_name, c.email_id)
	conditions = [c.disabled == 0, *_master_conditions(campaign, c)]
	restriction = customer_condition()  # only customers the user may read, as their customer list
	if restriction:
		conditions.append(RawCondition(restriction))
	if any(campaign.get(f) for f in SALES_TARGETS):
		sales = _sales_of_customers(campaign)
		query = query.join(sales).on(sales.customer == c.name)
		conditions += _sales_conditions(campaign, sales)
	if campaign.crm_target_item or campaign.crm_target_item_group:
		conditions.append(_bought(campaign, c))
	conditions += _suppressed(campaign, c)
	return query.where(Criterion.all(conditions))


def _with_descendants(doctype: str, name: str) -> list[str]:
	return [name, *get_descendants_of(doctype, name)]


def _master_conditions(campaign, c) -> list:
	"""Who the customer is: group and territory (with their descendants), value segment, risk band."""
	conditions = []
	if campaign.crm_target_customer_group:
		conditions.append(
			c.customer_group.isin(_with_descendants("Customer Group", campaign.crm_target_customer_group))
		)
	if campaign.crm_target_territory:
		conditions.append(c.territory.isin(_with_descendants("Territory", campaign.crm_target_territory)))
	if campaign.crm_target_value_segment:
		conditions.append(c.crm_segment == campaign.crm_target_value_segment)
	if campaign.crm_target_risk_band:
		conditions.append(c.crm_churn_risk_band == campaign.crm_target_risk_band)
	return conditions


def _sales_of_customers(campaign):
	"""Each customer's last purchase and net revenue (in the campaign's company, when it has one)."""
	si = frappe.qb.DocType("Sales Invoice")
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
	return sales.groupby(si.customer)


def _sales_conditions(campaign, sales) -> list:
	conditions = []
	if campaign.crm_target_last_purchase_after:
		conditions.append(sales.last_purchase >= getdate(campaign.crm_target_last_purchase_after))
	if campaign.crm_target_last_purchase_before:
		conditions.append(sales.last_purchase <= getdate(campaign.crm_target_last_purchase_before))
	if campaign.crm_target_min_revenue:
		conditions.append(sales.revenue >= flt(campaign.crm_target_min_revenue))
	if campaign.crm_target_max_revenue:
		conditions.append(sales.revenue <= flt(campaign.crm_target_max_revenue))
	return conditions


def _bought(campaign, c):
	"""The customer bought the item, or an item of the group (or its descendants)."""
	si = frappe.qb.DocType("Sales Invoice")
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
		bought = bought.where(
			sii.item_group.isin(_with_descendants("Item Group", campaign.crm_target_item_group))
		)
	return ExistsCriterion(bought)


def _suppressed(campaign, c) -> list:
	"""Who is left out: by the open-complaint target and the settings' suppression of open complaints
	and overdue invoices; members who unsubscribed or bounced anywhere, globally unsubscribed emails;
	the campaign's current members."""
	conditions = []
	settings = get_settings()
	wants_complaint = OPEN_COMPLAINT_FILTER.get(campaign.crm_target_open_complaint or "")
	if wants_complaint is not None or settings.suppress_open_complaints:
		open_complaint = _open_complaint_exists(c)
		if open_complaint is not None:
			if wants_complaint is True:
				conditions.append(open_complaint)
			elif wants_complaint is False or settings.suppress_open_complaints:
				conditions.append(open_complaint.negate())
	si = frappe.qb.DocType("Sales Invoice")
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
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
	unsubscribed = (
		frappe.qb.from_(member)
		.select(member.name)
		.where((member.customer == c.name) & (member.status.isin(rules.SUPPRESSED)))
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
	return conditions


def _open_complaint_exists(customer_table):
	if not frappe.db.table_exists(CUSTOMER_COMPLAINT):
		return None
	complaint = frappe.qb.DocType(CUSTOMER_COMPLAINT)
	return ExistsCriterion(
		frappe.qb.from_(complaint)
		.select(complaint.name)
		.where(
			(complaint.customer == customer_table.name)
			& complaint.status.notin(tuple(CLOSED_STATES))
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
	return {
		"count": total,  # customers the segment would add (current members are left out)
		"members": frappe.db.count(CAMPAIGN_MEMBER, {"campaign": campaign.name}),
		"sample": query.orderby(customer.name).limit(sample).run(as_dict=True),
	}


def add_segment_members(campaign_name: str) -> int:
	"""Add every matching customer as a member with one INSERT ... SELECT; returns how many were added."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission(CAMPAIGN_MEMBER, "create", throw=True)
	# the segment's values (campaign name, groups, items...) go in as parameters, as query.run() sends
	# them: a bare get_sql() inlines them, quoting ' but not \, which MariaDB reads as an escape
	params = NamedParameterWrapper()
	segment = segment_query(campaign).get_sql(param_wrapper=params)
	before = frappe.db.count(CAMPAIGN_MEMBER, {"campaign": campaign.name})
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		f"""
		insert ignore into `tabCampaign Member` (
			name, campaign, party_type, party, party_name, customer, email_id, status, source,
			creation, modified, owner, modified_by, docstatus, idx
		)
		select md5(concat_ws('|', %(campaign)s, 'Customer', s.customer)), %(campaign)s, 'Customer',
			s.customer, s.customer_name, s.customer, s.email_id, %(targeted)s, 'Segment',
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from ({segment}) s
		""",
		{
			**params.get_parameters(),
			"campaign": campaign.name,
			"now": now,
			"user": user,
			"targeted": rules.TARGETED,
		},
	)
	return frappe.db.count(CAMPAIGN_MEMBER, {"campaign": campaign.name}) - before
