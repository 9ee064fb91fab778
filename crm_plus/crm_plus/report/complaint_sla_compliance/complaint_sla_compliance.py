# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from crm_plus.domain import sla
from crm_plus.services.complaints.sla_watch import calendar_for
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import for_company

GROUPS = {"Priority": "priority", "Category": "category", "Assignee": "assigned_to", "Month": None}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if filters.group_by and filters.group_by not in GROUPS:
		frappe.throw(_("Group By must be one of {0}").format(", ".join(GROUPS)))
	if not frappe.get_meta("Customer Complaint").has_field("response_by"):
		return columns(filters), [], _("No Service Level Agreement applies to Customer Complaint yet.")
	rows = summarise(fetch(filters), filters.group_by or "Priority")
	return columns(filters), rows, None, chart(rows), summary(rows)


def fetch(filters):
	c = frappe.qb.DocType("Customer Complaint")
	from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"))
	query = (
		frappe.qb.from_(c)
		.select(
			c.name,
			c.priority,
			c.category,
			c.assigned_to,
			c.opened_on,
			c.service_level_agreement,
			c.service_level_agreement_creation,
			c.creation,
			c.response_by,
			c.first_responded_on,
			c.sla_resolution_by,
			c.sla_resolution_date,
			c.response_breached_on,
			c.resolution_breached_on,
			c.total_hold_time,
		)
		.where(
			(c.opened_on >= from_date)
			& (c.opened_on < add_days(to_date, 1))
			& c.service_level_agreement.isnotnull()
		)
	)
	return apply_customer_restrictions(for_company(query, c, filters), c.customer, "Customer Complaint").run(
		as_dict=True
	)


def _met(done, due, now):
	"""True met, False breached, None still running within its time."""
	if not due:
		return None
	due = get_datetime(due)
	if done:
		return get_datetime(done) <= due
	return False if now > due else None


def summarise(rows, group_by):
	now = now_datetime()
	calendars = {}
	groups = {}
	for row in rows:
		key = (
			row.opened_on.strftime("%Y-%m")
			if group_by == "Month"
			else (row.get(GROUPS[group_by]) or _("Not Set"))
		)
		g = groups.setdefault(
			key,
			frappe._dict(
				group=key,
				complaints=0,
				response_met=0,
				response_breached=0,
				resolution_met=0,
				resolution_breached=0,
				response_hours=[],
				resolution_hours=[],
			),
		)
		g.complaints += 1
		response = _met(row.first_responded_on, row.response_by, now)
		resolution = _met(row.sla_resolution_date, row.sla_resolution_by, now)
		# a breach the SLA watch recorded stands, even if a reopening later moved the deadline
		if row.response_breached_on:
			response = False
		if row.resolution_breached_on:
			resolution = False
		g.response_met += response is True
		g.response_breached += response is False
		g.resolution_met += resolution is True
		g.resolution_breached += resolution is False
		cal = calendars.get(row.service_level_agreement) or calendars.setdefault(
			row.service_level_agreement, calendar_for(row.service_level_agreement)
		)
		start = get_datetime(row.service_level_agreement_creation or row.creation)
		if row.first_responded_on and cal.has_working_time:
			g.response_hours.append(
				sla.business_seconds_between(start, get_datetime(row.first_responded_on), cal) / 3600
			)
		if row.sla_resolution_date and cal.has_working_time:
			seconds = sla.business_seconds_between(start, get_datetime(row.sla_resolution_date), cal)
			g.resolution_hours.append(max(seconds - (row.total_hold_time or 0), 0) / 3600)
	result = []
	for g in sorted(groups.values(), key=lambda g: str(g.group)):
		decided_response = g.response_met + g.response_breached
		decided_resolution = g.resolution_met + g.resolution_breached
		g.response_met_pct = 100.0 * g.response_met / decided_response if decided_response else None
		g.resolution_met_pct = 100.0 * g.resolution_met / decided_resolution if decided_resolution else None
		g.avg_response_hours = sum(g.response_hours) / len(g.response_hours) if g.response_hours else None
		g.avg_resolution_hours = (
			sum(g.resolution_hours) / len(g.resolution_hours) if g.resolution_hours else None
		)
		del g["response_hours"], g["resolution_hours"]
		result.append(g)
	return result


def columns(filters):
	return [
		{"fieldname": "group", "label": _(filters.group_by or "Priority"), "fieldtype": "Data", "width": 160},
		{"fieldname": "complaints", "label": _("Complaints"), "fieldtype": "Int", "width": 100},
		{"fieldname": "response_met", "label": _("Response Met"), "fieldtype": "Int", "width": 110},
		{"fieldname": "response_breached", "label": _("Response Breached"), "fieldtype": "Int", "width": 140},
		{"fieldname": "response_met_pct", "label": _("Response Met %"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "resolution_met", "label": _("Resolution Met"), "fieldtype": "Int", "width": 120},
		{
			"fieldname": "resolution_breached",
			"label": _("Resolution Breached"),
			"fieldtype": "Int",
			"width": 150,
		},
		{
			"fieldname": "resolution_met_pct",
			"label": _("Resolution Met %"),
			"fieldtype": "Percent",
			"width": 130,
		},
		{
			"fieldname": "avg_response_hours",
			"label": _("Avg First Response (working h)"),
			"fieldtype": "Float",
			"width": 200,
		},
		{
			"fieldname": "avg_resolution_hours",
			"label": _("Avg Resolution (working h)"),
			"fieldtype": "Float",
			"width": 190,
		},
	]


def chart(rows):
	if not rows:
		return None
	return {
		"data": {
			"labels": [str(r.group) for r in rows],
			"datasets": [
				{"name": _("Response Met %"), "values": [round(r.response_met_pct or 0, 1) for r in rows]},
				{
					"name": _("Resolution Met %"),
					"values": [round(r.resolution_met_pct or 0, 1) for r in rows],
				},
			],
		},
		"type": "bar",
	}


def summary(rows):
	met = sum(r.resolution_met for r in rows)
	decided = met + sum(r.resolution_breached for r in rows)
	return [
		{"value": sum(r.complaints for r in rows), "label": _("Complaints"), "datatype": "Int"},
		{
			"value": 100.0 * met / decided if decided else 0,
			"label": _("Resolved Within SLA"),
			"datatype": "Percent",
			"indicator": "Green" if decided and met / decided >= 0.9 else "Orange",
		},
	]
