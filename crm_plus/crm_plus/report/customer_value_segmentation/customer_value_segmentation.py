# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Avg, Count, Sum

from crm_plus.constants import HEALTH_SNAPSHOT
from crm_plus.domain.retention import SEGMENTS
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import in_company_currency, not_scored_message, scored_period

CURVE_POINTS = 20


def execute(filters=None):
	filters = frappe._dict(filters or {})
	period = scored_period(filters.company, filters.period)
	if not period:
		return [], [], not_scored_message()
	curve = pareto_curve(filters.company, period)
	chart = {
		"data": {
			"labels": [f"{round(100 * x)}%" for x, _y in curve],
			"datasets": [{"name": _("Share of revenue"), "values": [round(100 * y, 1) for _x, y in curve]}],
		},
		"type": "line",
		"title": _("Pareto: the top x % of customers make y % of revenue"),
		"axisOptions": {"xIsSeries": 1},
	}
	summary = pareto_summary(curve)
	if filters.view == "RFM Grid":
		return grid_columns(), rfm_grid(filters.company, period), None, chart, summary
	rows = in_company_currency(segments(filters.company, period), filters.company)
	return segment_columns(), rows, None, chart, summary


def _base(company, period):
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	query = frappe.qb.from_(s).where((s.company == company) & (s.period == period) & (s.frequency > 0))
	return s, apply_customer_restrictions(query, s.customer, HEALTH_SNAPSHOT)


def segments(company, period):
	s, query = _base(company, period)
	rows = (
		query.select(
			s.segment,
			Count("*").as_("customers"),
			Sum(s.monetary).as_("revenue"),
			Avg(s.recency_days).as_("avg_recency"),
			Avg(s.frequency).as_("avg_frequency"),
			Avg(s.risk_score).as_("avg_risk"),
		)
		.groupby(s.segment)
		.run(as_dict=True)
	)
	total = sum(r.revenue or 0 for r in rows) or 1
	order = {name: i for i, name in enumerate(SEGMENTS)}
	for row in rows:
		row.revenue_share = 100.0 * (row.revenue or 0) / total
		row.segment_label = _(row.segment) if row.segment else _("Not Scored")
	return sorted(rows, key=lambda r: order.get(r.segment, len(order)))


def segment_columns():
	return [
		{"fieldname": "segment_label", "label": _("Segment"), "fieldtype": "Data", "width": 140},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "revenue",
			"label": _("Net Revenue"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
		{"fieldname": "revenue_share", "label": _("Share of Revenue"), "fieldtype": "Percent", "width": 130},
		{
			"fieldname": "avg_recency",
			"label": _("Avg Days Since Purchase"),
			"fieldtype": "Float",
			"width": 160,
		},
		{"fieldname": "avg_frequency", "label": _("Avg Invoices"), "fieldtype": "Float", "width": 110},
		{"fieldname": "avg_risk", "label": _("Avg Churn Risk"), "fieldtype": "Float", "width": 120},
	]


def rfm_grid(company, period):
	"""Customers by recency score (rows, 5 = most recent) and frequency score (columns)."""
	s, query = _base(company, period)
	from frappe.query_builder.functions import Substring

	r = Substring(s.rfm, 1, 1)
	f = Substring(s.rfm, 2, 1)
	counts = {
		(row[0], row[1]): row[2]
		for row in query.select(r, f, Count("*")).where(s.rfm.isnotnull()).groupby(r, f).run()
	}
	rows = []
	for recency in "54321":
		row = {"recency": _("R{0}").format(recency)}
		for frequency in "12345":
			row[f"f{frequency}"] = counts.get((recency, frequency), 0)
		row["total"] = sum(row[f"f{x}"] for x in "12345")
		rows.append(row)
	return rows


def grid_columns():
	columns = [{"fieldname": "recency", "label": _("Recency"), "fieldtype": "Data", "width": 90}]
	columns += [
		{"fieldname": f"f{x}", "label": _("F{0}").format(x), "fieldtype": "Int", "width": 80} for x in "12345"
	]
	columns.append({"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 80})
	return columns


def pareto_curve(company, period) -> list[tuple[float, float]]:
	"""(customer share, revenue share) at every 5 % of customers: cumulative sums in one window query."""
	n = frappe.db.count(HEALTH_SNAPSHOT, {"company": company, "period": period, "monetary": (">", 0)})
	if not n:
		return []
	positions = {k: -(-k * n // CURVE_POINTS) for k in range(1, CURVE_POINTS + 1)}
	rows = frappe.db.sql(
		"""
		select rn, cum, total from (
			select row_number() over (order by monetary desc, customer) as rn,
				sum(monetary) over (order by monetary desc, customer rows unbounded preceding) as cum,
				sum(monetary) over () as total
			from `tabCustomer Health Snapshot`
			where company = %(company)s and period = %(period)s and monetary > 0
		) t
		where rn in %(positions)s
		""",
		{"company": company, "period": period, "positions": tuple(set(positions.values()))},
		as_dict=True,
	)
	share = {row.rn: float(row.cum) / float(row.total) for row in rows}
	return [(0.0, 0.0)] + [(k / CURVE_POINTS, share[pos]) for k, pos in positions.items()]


def pareto_summary(curve):
	if not curve:
		return []
	top20 = next((y for x, y in curve if x >= 0.2), None)
	return [
		{
			"value": round(100 * top20, 1) if top20 is not None else 0,
			"label": _("Revenue from the top 20 % of customers"),
			"datatype": "Percent",
			"indicator": "Blue",
		}
	]
