# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from crm_plus.constants import HEALTH_SNAPSHOT, RETENTION_PLAN
from crm_plus.domain.retention import BANDS, HIGH_BANDS
from crm_plus.domain.winback import OPEN_PLAN_STATES

BAND_COLOURS = dict(zip(BANDS, ("#29cd42", "#ecad4b", "#fc8b3d", "#e24c4c"), strict=True))  # green to red
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import in_company_currency, not_scored_message, scored_period


def execute(filters=None):
	filters = frappe._dict(filters or {})
	period = scored_period(filters.company, filters.period)
	if not period:
		return columns(), [], not_scored_message()
	rows = in_company_currency(get_data(filters, period), filters.company)
	return columns(), rows, None, chart(rows), summary(rows)


def get_data(filters, period):
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	plan = frappe.qb.DocType(RETENTION_PLAN)
	open_plan = (
		frappe.qb.from_(plan)
		.select(plan.name)
		.where((plan.customer == s.customer) & plan.status.isin(OPEN_PLAN_STATES))
		.limit(1)
	)
	query = (
		frappe.qb.from_(s)
		.join(c)
		.on(c.name == s.customer)
		.select(
			s.customer,
			c.customer_name,
			s.risk_score,
			s.risk_band,
			s.reasons,
			s.segment,
			s.value_class,
			s.last_purchase,
			s.recency_days,
			s.usual_gap_days,
			s.monetary,
			s.overdue,
			c.account_manager,
			open_plan.as_("retention_plan"),
		)
		.where((s.company == filters.company) & (s.period == period) & (s.frequency > 0))
		.where(s.risk_score >= cint(filters.min_score))
		.orderby(s.risk_score, order=frappe.qb.desc)
		.orderby(s.monetary, order=frappe.qb.desc)
	)
	if filters.risk_band:
		if filters.risk_band not in BANDS:
			frappe.throw(_("Churn Risk must be one of {0}").format(", ".join(BANDS)))
		query = query.where(s.risk_band == filters.risk_band)
	if filters.segment:
		query = query.where(s.segment == filters.segment)
	for field in ("customer_group", "territory"):
		if filters.get(field):
			query = query.where(c[field] == filters.get(field))
	rows = apply_customer_restrictions(query, s.customer, HEALTH_SNAPSHOT).run(as_dict=True)
	for row in rows:
		row.reasons = (row.reasons or "").replace("\n", "; ")
	return rows


def columns():
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"fieldname": "risk_score", "label": _("Risk"), "fieldtype": "Int", "width": 70},
		{"fieldname": "risk_band", "label": _("Band"), "fieldtype": "Data", "width": 90},
		{"fieldname": "reasons", "label": _("Why"), "fieldtype": "Data", "width": 420},
		{"fieldname": "segment", "label": _("Segment"), "fieldtype": "Data", "width": 110},
		{"fieldname": "value_class", "label": _("Class"), "fieldtype": "Data", "width": 60},
		{"fieldname": "last_purchase", "label": _("Last Purchase"), "fieldtype": "Date", "width": 110},
		{"fieldname": "usual_gap_days", "label": _("Usual Gap (days)"), "fieldtype": "Float", "width": 110},
		{
			"fieldname": "monetary",
			"label": _("Net Revenue"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"fieldname": "overdue",
			"label": _("Overdue"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		{
			"fieldname": "account_manager",
			"label": _("Account Manager"),
			"fieldtype": "Link",
			"options": "User",
			"width": 160,
		},
		{
			"fieldname": "retention_plan",
			"label": _("Open Plan"),
			"fieldtype": "Link",
			"options": "Retention Plan",
			"width": 150,
		},
	]


def chart(rows):
	counts = {band: 0 for band in BANDS}
	for row in rows:
		if row.risk_band in counts:
			counts[row.risk_band] += 1
	return {
		"data": {
			"labels": [_(b) for b in BANDS],
			"datasets": [{"name": _("Customers"), "values": list(counts.values())}],
		},
		"type": "donut",
		"colors": [BAND_COLOURS[band] for band in BANDS],  # a colour per band, as the list shows it
	}


def summary(rows):
	at_risk = [r for r in rows if r.risk_band in HIGH_BANDS]
	return [
		{
			"value": len(at_risk),
			"label": _("Customers at High or Critical Risk"),
			"datatype": "Int",
			"indicator": "Red",
		},
		{
			"value": sum(r.monetary or 0 for r in at_risk),
			"label": _("Their Net Revenue"),
			"datatype": "Currency",
		},
		{
			"value": sum(1 for r in at_risk if not r.retention_plan),
			"label": _("At Risk Without a Plan"),
			"datatype": "Int",
			"indicator": "Orange",
		},
	]
