# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate
from pypika.terms import Case

from crm_plus.domain import winback
from crm_plus.domain.winback import win_back_rate
from crm_plus.services.permissions import check_company, permitted_customers
from crm_plus.services.reporting import in_company_currency


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Company is required"), frappe.MandatoryError)
	frappe.has_permission("Retention Plan", "read", throw=True)
	check_company(filters.company)
	rows = [*plan_rows(filters), control_row(filters)]
	in_company_currency(rows, filters.company)
	for row in rows:
		rate = win_back_rate(row.won_back or 0, (row.won_back or 0) + (row.lost or 0))
		row.win_back_rate = float(rate) if rate is not None else None
	return columns(filters), rows, None, chart(rows), summary(rows)


def _date_window(table, filters):
	condition = table.company == filters.company
	permitted = permitted_customers()  # the customers the user may read, as the plan list shows them
	if permitted is not None:
		condition &= table.customer.isin(permitted)
	if filters.from_date:
		condition &= table.start_date >= getdate(filters.from_date)
	if filters.to_date:
		condition &= table.start_date <= getdate(filters.to_date)
	return condition


def _outcome_columns(table):
	return (
		Count(table.name).distinct().as_("plans"),
		Count(Case().when(table.status == winback.ACTIVE, table.name)).distinct().as_("active"),
		Count(Case().when(table.status == winback.WON_BACK, table.name)).distinct().as_("won_back"),
		Count(Case().when(table.status == winback.LOST, table.name)).distinct().as_("lost"),
	)


def plan_rows(filters):
	plan = frappe.qb.DocType("Retention Plan")
	if filters.group_by == "Action Type":
		action = frappe.qb.DocType("Retention Plan Action")
		query = (
			frappe.qb.from_(plan)
			.join(action)
			.on((action.parent == plan.name) & (action.parenttype == "Retention Plan"))
			.select(action.action_type.as_("group_value"), *_outcome_columns(plan))
			.groupby(action.action_type)
		)
		revenue = _revenue_by(plan, action.action_type, filters, join=action)
	else:
		query = (
			frappe.qb.from_(plan)
			.select(plan.plan_owner.as_("group_value"), *_outcome_columns(plan))
			.groupby(plan.plan_owner)
		)
		revenue = _revenue_by(plan, plan.plan_owner, filters)
	rows = query.where(_date_window(plan, filters) & (plan.status != winback.CANCELLED)).run(as_dict=True)
	for row in rows:
		row.retained_revenue = revenue.get(row.group_value, 0)
	return rows


def _revenue_by(plan, group, filters, join=None):
	"""Retained revenue per group, each plan counted once even when it has several actions."""
	query = frappe.qb.from_(plan)
	if join is not None:
		query = query.join(join).on((join.parent == plan.name) & (join.parenttype == "Retention Plan"))
	inner = (
		query.select(group.as_("group_value"), plan.name, plan.retained_revenue)
		.where(_date_window(plan, filters) & (plan.status == winback.WON_BACK))
		.distinct()
	)
	totals = {}
	for row in inner.run(as_dict=True):
		totals[row.group_value] = totals.get(row.group_value, 0) + (row.retained_revenue or 0)
	return totals


def control_row(filters):
	control = frappe.qb.DocType("Retention Control")
	row = (
		frappe.qb.from_(control)
		.select(*_outcome_columns(control), Sum(control.retained_revenue).as_("retained_revenue"))
		.where(_date_window(control, filters))
		.run(as_dict=True)[0]
	)
	row.group_value = _("Control group (no plan)")
	row.retained_revenue = row.retained_revenue or 0
	row.is_control = 1
	return row


def columns(filters):
	return [
		{
			"fieldname": "group_value",
			"label": _(filters.group_by or "Owner"),
			"fieldtype": "Data",
			"width": 220,
		},
		{"fieldname": "plans", "label": _("Plans"), "fieldtype": "Int", "width": 80},
		{"fieldname": "active", "label": _("Active"), "fieldtype": "Int", "width": 80},
		{"fieldname": "won_back", "label": _("Won Back"), "fieldtype": "Int", "width": 90},
		{"fieldname": "lost", "label": _("Lost"), "fieldtype": "Int", "width": 80},
		{"fieldname": "win_back_rate", "label": _("Win-back Rate"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "retained_revenue",
			"label": _("Retained Revenue"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 150,
		},
	]


def chart(rows):
	rows = [r for r in rows if r.win_back_rate is not None]
	if not rows:
		return None
	return {
		"data": {
			"labels": [r.group_value or _("Not Set") for r in rows],
			"datasets": [{"name": _("Win-back Rate"), "values": [r.win_back_rate for r in rows]}],
		},
		"type": "bar",
	}


def summary(rows):
	plans = [r for r in rows if not r.get("is_control")]
	control = next(r for r in rows if r.get("is_control"))
	won = sum(r.won_back or 0 for r in plans)
	decided = won + sum(r.lost or 0 for r in plans)
	with_plan = win_back_rate(won, decided)
	without = win_back_rate(control.won_back or 0, (control.won_back or 0) + (control.lost or 0))
	return [
		{
			"value": float(with_plan or 0),
			"label": _("Win-back Rate With a Plan"),
			"datatype": "Percent",
			"indicator": "Green",
		},
		{
			"value": float(without or 0),
			"label": _("Without (Control Group)"),
			"datatype": "Percent",
			"indicator": "Grey",
		},
		{
			"value": sum(r.retained_revenue or 0 for r in plans),
			"label": _("Retained Revenue"),
			"datatype": "Currency",
		},
	]
