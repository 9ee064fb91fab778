# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from pypika.terms import Case

from crm_plus.constants import CAMPAIGN_MEMBER
from crm_plus.domain.campaigns import FUNNEL_STAGES, SUPPRESSED

STAGES = ("targeted", "contacted", "responded", "converted")


def execute(filters=None):
	"""Targeted -> contacted -> responded -> converted, per campaign, from one GROUP BY."""
	filters = frappe._dict(filters or {})
	frappe.has_permission(CAMPAIGN_MEMBER, "read", throw=True)
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
	campaign = frappe.qb.DocType("Campaign")
	query = (
		frappe.qb.from_(member)
		.join(campaign)
		.on(campaign.name == member.campaign)
		.select(
			member.campaign,
			Count("*").as_("targeted"),
			*[
				Sum(Case().when(member.status.isin(states), 1).else_(0)).as_(stage)
				for stage, states in FUNNEL_STAGES.items()
			],
			Sum(Case().when(member.status.isin(SUPPRESSED), 1).else_(0)).as_("lost"),
		)
		.groupby(member.campaign)
		.orderby(member.campaign)
	)
	if filters.campaign:
		query = query.where(member.campaign == filters.campaign)
	if filters.status:
		query = query.where(campaign.crm_status == filters.status)
	rows = query.run(as_dict=True)
	for row in rows:
		row.conversion_rate = 100.0 * row.converted / row.targeted if row.targeted else 0
	return columns(), rows, None, chart(rows), None


def columns():
	return [
		{
			"fieldname": "campaign",
			"label": _("Campaign"),
			"fieldtype": "Link",
			"options": "Campaign",
			"width": 220,
		},
		{"fieldname": "targeted", "label": _("Targeted"), "fieldtype": "Int", "width": 100},
		{"fieldname": "contacted", "label": _("Contacted"), "fieldtype": "Int", "width": 100},
		{"fieldname": "responded", "label": _("Responded"), "fieldtype": "Int", "width": 100},
		{"fieldname": "converted", "label": _("Converted"), "fieldtype": "Int", "width": 100},
		{"fieldname": "lost", "label": _("Unsubscribed or Bounced"), "fieldtype": "Int", "width": 170},
		{"fieldname": "conversion_rate", "label": _("Conversion Rate"), "fieldtype": "Percent", "width": 130},
	]


def chart(rows):
	if not rows:
		return None
	totals = [sum(r[stage] or 0 for r in rows) for stage in STAGES]
	return {
		"data": {
			"labels": [_("Targeted"), _("Contacted"), _("Responded"), _("Converted")],
			"datasets": [{"name": _("Members"), "values": totals}],
		},
		"type": "bar",
	}
