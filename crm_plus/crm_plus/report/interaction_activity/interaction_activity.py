# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, getdate
from pypika.terms import Case

from crm_plus.services.permissions import apply_customer_restrictions

DateFormat = CustomFunction("DATE_FORMAT", ["date", "format"])
GROUP_FIELDS = {
	"User": "user",
	"Channel": "channel",
	"Touchpoint": "touchpoint",
	"Kind": "interaction_type",
	"Sentiment": "sentiment",
}
PERIOD_FORMATS = {"Weekly": "%x-W%v", "Monthly": "%Y-%m"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_field = GROUP_FIELDS.get(filters.group_by or "User")
	if not group_field:
		frappe.throw(_("Group By must be one of {0}").format(", ".join(GROUP_FIELDS)))
	rows = get_data(filters, group_field)
	return get_columns(filters), rows, None, get_chart(rows, filters), get_summary(rows)


def get_data(filters, group_field):
	ci = frappe.qb.DocType("Customer Interaction")
	from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"))
	period = _period_term(ci.interaction_at, filters.period)
	query = (
		frappe.qb.from_(ci)
		.select(
			ci[group_field].as_("group_value"),
			Count("*").as_("interactions"),
			Sum(Case().when(ci.direction == "Inbound", 1).else_(0)).as_("inbound"),
			Sum(Case().when(ci.direction == "Outbound", 1).else_(0)).as_("outbound"),
			Sum(Case().when(ci.sentiment == "Negative", 1).else_(0)).as_("negative"),
			Sum(Case().when(ci.next_follow_up_on.isnotnull(), 1).else_(0)).as_("follow_ups"),
			Count(ci.customer).distinct().as_("customers"),
		)
		.where((ci.interaction_at >= from_date) & (ci.interaction_at < add_days(to_date, 1)))
		.groupby(ci[group_field])
	)
	if period is not None:
		query = query.select(period.as_("period")).groupby(period).orderby(period)
	query = query.orderby(ci[group_field])
	for field in ("user", "channel", "touchpoint", "customer"):
		if filters.get(field):
			query = query.where(ci[field] == filters.get(field))
	query = _apply_permissions(query, ci)
	rows = query.run(as_dict=True)
	for row in rows:
		row.negative_share = 100.0 * row.negative / row.interactions if row.interactions else 0
	return rows


def _period_term(column, period):
	if period in PERIOD_FORMATS:
		return DateFormat(column, PERIOD_FORMATS[period])
	return None


def _apply_permissions(query, table):
	return apply_customer_restrictions(query, table.customer, "Customer Interaction")


def get_columns(filters):
	columns = []
	if filters.period:
		columns.append({"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 100})
	group_by = filters.group_by or "User"
	columns.append(
		{
			"fieldname": "group_value",
			"label": _(group_by),
			"fieldtype": "Link" if group_by == "User" else "Data",
			"options": "User" if group_by == "User" else None,
			"width": 200,
		}
	)
	columns += [
		{"fieldname": "interactions", "label": _("Interactions"), "fieldtype": "Int", "width": 110},
		{"fieldname": "customers", "label": _("Customers Reached"), "fieldtype": "Int", "width": 140},
		{"fieldname": "inbound", "label": _("Inbound"), "fieldtype": "Int", "width": 90},
		{"fieldname": "outbound", "label": _("Outbound"), "fieldtype": "Int", "width": 90},
		{"fieldname": "follow_ups", "label": _("Follow-ups Set"), "fieldtype": "Int", "width": 120},
		{"fieldname": "negative", "label": _("Negative"), "fieldtype": "Int", "width": 90},
		{"fieldname": "negative_share", "label": _("Negative %"), "fieldtype": "Percent", "width": 100},
	]
	return columns


def get_chart(rows, filters):
	if not rows:
		return None
	groups = sorted({row.group_value or _("Not Set") for row in rows})
	if filters.period:
		periods = sorted({row.period for row in rows})
		counts = {(row.period, row.group_value or _("Not Set")): row.interactions for row in rows}
		datasets = [{"name": g, "values": [counts.get((p, g), 0) for p in periods]} for g in groups]
		return {
			"data": {"labels": periods, "datasets": datasets},
			"type": "bar",
			"barOptions": {"stacked": 1},
		}
	totals = {g: 0 for g in groups}
	for row in rows:
		totals[row.group_value or _("Not Set")] += row.interactions
	return {
		"data": {
			"labels": groups,
			"datasets": [{"name": _("Interactions"), "values": list(totals.values())}],
		},
		"type": "bar",
	}


def get_summary(rows):
	total = sum(row.interactions for row in rows)
	negative = sum(row.negative for row in rows)
	return [
		{"value": total, "label": _("Interactions"), "datatype": "Int", "indicator": "Blue"},
		{"value": sum(row.follow_ups for row in rows), "label": _("Follow-ups Set"), "datatype": "Int"},
		{
			"value": 100.0 * negative / total if total else 0,
			"label": _("Negative"),
			"datatype": "Percent",
			"indicator": "Red" if total and negative / total > 0.2 else "Green",
		},
	]
