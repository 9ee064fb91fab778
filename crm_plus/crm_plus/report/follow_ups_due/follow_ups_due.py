# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, cint, date_diff, getdate, today

from crm_plus.domain.i18n import N_
from crm_plus.services.permissions import apply_customer_restrictions

# A follow-up's state: the key the formatter colours by, shown translated
OVERDUE, DUE_TODAY, UPCOMING = N_("Overdue"), N_("Due Today"), N_("Upcoming")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = get_data(filters)
	return get_columns(), rows, None, get_chart(rows), get_summary(rows)


def get_data(filters):
	ci = frappe.qb.DocType("Customer Interaction")
	today_ = getdate(today())
	days_ahead = max(cint(filters.days_ahead), 0)
	horizon = today_ if filters.only_overdue else add_days(today_, days_ahead)
	query = (
		frappe.qb.from_(ci)
		.select(
			ci.name.as_("interaction"),
			ci.party_type,
			ci.party,
			ci.party_name,
			ci.subject,
			ci.channel,
			ci.follow_up_by,
			ci.next_follow_up_on,
		)
		.where((ci.follow_up_status == "Open") & (ci.next_follow_up_on <= horizon))
		.orderby(ci.next_follow_up_on)
		.orderby(ci.name)
	)
	if filters.only_overdue:
		query = query.where(ci.next_follow_up_on < today_)
	if filters.follow_up_by:
		query = query.where(ci.follow_up_by == filters.follow_up_by)
	rows = apply_customer_restrictions(query, ci.customer, "Customer Interaction").run(as_dict=True)
	for row in rows:
		row.days_overdue = max(date_diff(today_, row.next_follow_up_on), 0)
		row.state_key = (
			OVERDUE
			if row.next_follow_up_on < today_
			else DUE_TODAY
			if row.next_follow_up_on == today_
			else UPCOMING
		)
		row.state = _(row.state_key)
	return rows


def get_columns():
	return [
		{"fieldname": "state", "label": _("Follow-up Status"), "fieldtype": "Data", "width": 110},
		{"fieldname": "next_follow_up_on", "label": _("Due On"), "fieldtype": "Date", "width": 100},
		{"fieldname": "days_overdue", "label": _("Days Overdue"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "follow_up_by",
			"label": _("Follow-up By"),
			"fieldtype": "Link",
			"options": "User",
			"width": 180,
		},
		{"fieldname": "party_type", "label": _("Party Type"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "party",
			"label": _("Party"),
			"fieldtype": "Dynamic Link",
			"options": "party_type",
			"width": 160,
		},
		{"fieldname": "party_name", "label": _("Party Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "subject", "label": _("Subject"), "fieldtype": "Data", "width": 240},
		{"fieldname": "channel", "label": _("Channel"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "interaction",
			"label": _("Interaction"),
			"fieldtype": "Link",
			"options": "Customer Interaction",
			"width": 170,
		},
	]


def get_chart(rows):
	if not rows:
		return None
	users = sorted({row.follow_up_by for row in rows})
	states = [OVERDUE, DUE_TODAY, UPCOMING]
	counts = {(row.follow_up_by, row.state_key): 0 for row in rows}
	for row in rows:
		counts[(row.follow_up_by, row.state_key)] += 1
	return {
		"data": {
			"labels": users,
			"datasets": [{"name": _(s), "values": [counts.get((u, s), 0) for u in users]} for s in states],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#e24c4c", "#f3a04a", "#5e64ff"],
	}


def get_summary(rows):
	overdue = sum(1 for row in rows if row.state_key == "Overdue")
	due_today = sum(1 for row in rows if row.state_key == "Due Today")
	return [
		{
			"value": overdue,
			"label": _("Overdue"),
			"datatype": "Int",
			"indicator": "Red" if overdue else "Green",
		},
		{"value": due_today, "label": _("Due Today"), "datatype": "Int", "indicator": "Orange"},
		{"value": len(rows), "label": _("Open Follow-ups"), "datatype": "Int", "indicator": "Blue"},
	]
