# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Avg, Count, Sum
from frappe.utils import add_days, getdate
from pypika.terms import Case

from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import for_company

DateFormat = CustomFunction("DATE_FORMAT", ["date", "format"])


def execute(filters=None):
	"""Satisfaction answers by month: how many, the average score and the share satisfied (4-5)."""
	filters = frappe._dict(filters or {})
	c = frappe.qb.DocType("Customer Complaint")
	month = DateFormat(c.satisfaction_on, "%Y-%m")
	query = (
		frappe.qb.from_(c)
		.select(
			month.as_("month"),
			Count("*").as_("answers"),
			Avg(c.satisfaction).as_("average"),
			Sum(Case().when(c.satisfaction >= 4, 1).else_(0)).as_("satisfied"),
			Sum(Case().when(c.satisfaction <= 2, 1).else_(0)).as_("unhappy"),
		)
		.where(
			(c.satisfaction > 0)
			& (c.satisfaction_on >= getdate(filters.from_date))
			& (c.satisfaction_on < add_days(getdate(filters.to_date), 1))
		)
		.groupby(month)
		.orderby(month)
	)
	if filters.category:
		query = query.where(c.category == filters.category)
	rows = apply_customer_restrictions(for_company(query, c, filters), c.customer, "Customer Complaint").run(
		as_dict=True
	)
	for row in rows:
		row.satisfied_pct = 100.0 * row.satisfied / row.answers if row.answers else 0
	answers = sum(r.answers for r in rows)
	summary = [
		{"value": answers, "label": _("Answers"), "datatype": "Int"},
		{
			"value": sum(r.average * r.answers for r in rows) / answers if answers else 0,
			"label": _("Average Satisfaction (1-5)"),
			"datatype": "Float",
			"indicator": "Blue",
		},
	]
	return columns(), rows, None, chart(rows), summary


def columns():
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
		{"fieldname": "answers", "label": _("Answers"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "average",
			"label": _("Average (1-5)"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{"fieldname": "satisfied_pct", "label": _("Satisfied (4-5)"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "unhappy", "label": _("Unhappy (1-2)"), "fieldtype": "Int", "width": 120},
	]


def chart(rows):
	if not rows:
		return None
	return {
		"data": {
			"labels": [r.month for r in rows],
			"datasets": [
				{"name": _("Average satisfaction (1-5)"), "values": [round(r.average, 2) for r in rows]}
			],
		},
		# a line needs two points: one month is a bar
		"type": "line" if len(rows) > 1 else "bar",
	}
