# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime
from pypika.terms import Case, LiteralValue

from crm_plus.domain.i18n import N_
from crm_plus.domain.sla import CLOSED_STATES
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import for_company

TimestampDiff = CustomFunction("TIMESTAMPDIFF", ["unit", "start", "end"])
BUCKETS = (
	(1, N_("0-1 days")),
	(3, N_("1-3 days")),
	(7, N_("3-7 days")),
	(14, N_("7-14 days")),
	(30, N_("14-30 days")),
	(None, N_("30+ days")),
)
ROWS = {"Status": "status", "Category": "category", "Assignee": "assigned_to"}


def execute(filters=None):
	"""Open complaints by age bucket (from when they were opened), counted in one GROUP BY."""
	filters = frappe._dict(filters or {})
	field = ROWS.get(filters.group_by or "Status")
	if not field:
		frappe.throw(_("Rows must be one of {0}").format(", ".join(ROWS)))
	c = frappe.qb.DocType("Customer Complaint")
	hours = TimestampDiff(LiteralValue("HOUR"), c.opened_on, now_datetime())
	bucket = Case()
	for limit, label in BUCKETS:
		if limit is not None:
			bucket = bucket.when(hours < limit * 24, label)
	bucket = bucket.else_(BUCKETS[-1][1])
	query = (
		frappe.qb.from_(c)
		.select(c[field].as_("group_value"), bucket.as_("bucket"), Count("*").as_("complaints"))
		.where(c.status.notin(sorted(CLOSED_STATES)))
		.groupby(c[field], bucket)
	)
	counts = apply_customer_restrictions(
		for_company(query, c, filters), c.customer, "Customer Complaint"
	).run(as_dict=True)
	rows = {}
	for row in counts:
		key = row.group_value or _("Not Set")
		target = rows.setdefault(key, {"group_value": key, "total": 0})
		target[_key(row.bucket)] = row.complaints
		target["total"] += row.complaints
	data = sorted(rows.values(), key=lambda r: -r["total"])
	return columns(filters), data, None, chart(data), None


def _key(label):
	return "b_" + label.split(" ")[0].replace("-", "_").replace("+", "plus")


def columns(filters):
	return [
		{
			"fieldname": "group_value",
			"label": _(filters.group_by or "Status"),
			"fieldtype": "Data",
			"width": 180,
		},
		*[
			{"fieldname": _key(label), "label": _(label), "fieldtype": "Int", "width": 100}
			for _limit, label in BUCKETS
		],
		{"fieldname": "total", "label": _("Open"), "fieldtype": "Int", "width": 90},
	]


def chart(rows):
	if not rows:
		return None
	return {
		"data": {
			"labels": [_(label) for _limit, label in BUCKETS],
			"datasets": [
				{
					"name": _("Open complaints"),
					"values": [sum(r.get(_key(label), 0) for r in rows) for _l, label in BUCKETS],
				}
			],
		},
		"type": "bar",
		"colors": ["#ff5858"],
	}
