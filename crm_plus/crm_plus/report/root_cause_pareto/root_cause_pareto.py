# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, getdate

from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import for_company, in_company_currency


def execute(filters=None):
	"""Root causes ranked by count or cost, with the cumulative share: the few causes behind most
	complaints."""
	filters = frappe._dict(filters or {})
	measure = "cost" if filters.measure == "Cost" else "complaints"
	if measure == "cost" and not filters.company:
		# costs are in each company's currency: added up for one company only
		frappe.throw(_("Choose a Company to measure by cost"), frappe.MandatoryError)
	c = frappe.qb.DocType("Customer Complaint")
	query = (
		frappe.qb.from_(c)
		.select(
			c.root_cause_category.as_("root_cause"), Count("*").as_("complaints"), Sum(c.cost).as_("cost")
		)
		.where(
			(c.opened_on >= getdate(filters.from_date))
			& (c.opened_on < add_days(getdate(filters.to_date), 1))
		)
		.groupby(c.root_cause_category)
	)
	rows = apply_customer_restrictions(for_company(query, c, filters), c.customer, "Customer Complaint").run(
		as_dict=True
	)
	for row in rows:
		row.root_cause = row.root_cause or _("Not Analysed")
		row.cost = row.cost or 0
	rows.sort(key=lambda r: (-r[measure], r.root_cause))
	total = sum(r[measure] for r in rows) or 1
	running = 0
	for row in rows:
		running += row[measure]
		row.share = 100.0 * row[measure] / total
		row.cumulative = 100.0 * running / total
	if filters.company:
		in_company_currency(rows, filters.company)
	return columns(), rows, None, chart(rows, measure), None


def columns():
	return [
		{"fieldname": "root_cause", "label": _("Root Cause"), "fieldtype": "Data", "width": 180},
		{"fieldname": "complaints", "label": _("Complaints"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "cost",
			"label": _("Cost"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		},
		{"fieldname": "share", "label": _("Share of Total"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "cumulative", "label": _("Cumulative"), "fieldtype": "Percent", "width": 110},
	]


def chart(rows, measure):
	"""The Pareto chart: each cause's share of the total (bars) and the running total (line), both in
	percent on one axis, so small counts are not flattened under a 0-100 scale."""
	if not rows:
		return None
	return {
		"data": {
			"labels": [r.root_cause for r in rows],
			"datasets": [
				{
					"name": _("Share of cost %") if measure == "cost" else _("Share of complaints %"),
					"chartType": "bar",
					"values": [round(r.share, 1) for r in rows],
				},
				{
					"name": _("Cumulative %"),
					"chartType": "line",
					"values": [round(r.cumulative, 1) for r in rows],
				},
			],
			"yMarkers": [{"label": _("80 %"), "value": 80}],
		},
		"type": "axis-mixed",
	}
