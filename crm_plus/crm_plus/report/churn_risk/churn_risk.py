# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import cint, fmt_money
from pypika.terms import Case, ExistsCriterion

from crm_plus.constants import HEALTH_SNAPSHOT, RETENTION_PLAN
from crm_plus.domain.retention import BANDS, HIGH_BANDS
from crm_plus.domain.winback import OPEN_PLAN_STATES

BAND_COLOURS = dict(zip(BANDS, ("#29cd42", "#ecad4b", "#fc8b3d", "#e24c4c"), strict=True))  # green to red
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import in_company_currency, not_scored_message, scored_period
from crm_plus.services.sql import FIRST_PAGE, force_index, page_limit

# crm_plus.install.indexes: (period, company, risk_score, monetary, customer, frequency, risk_band)
RISK_ORDER = "crm_plus_risk_order"


def execute(filters=None):
	"""Scored customers, highest risk first. It opens on the first page of the list (Show: Top 500)
	and says how many the whole list holds; the chart and the summary count the whole list."""
	filters = frappe._dict(filters or {})
	period = scored_period(filters.company, filters.period)
	if not period:
		return columns(), [], not_scored_message()
	limit = page_limit(filters.show, FIRST_PAGE)
	rows = in_company_currency(get_data(filters, period, limit), filters.company)
	bands = band_totals(filters, period)
	total = sum(b.customers for b in bands.values())
	message = None
	if limit is not None and total > len(rows):
		message = _(
			"Showing the {0} highest-risk of {1} customers: narrow the filters or choose Show: All"
		).format(fmt_money(len(rows), precision=0), fmt_money(total, precision=0))
	return columns(), rows, message, chart(bands), summary(bands)


def _scored(filters, period, query, s, c, with_customer: bool = True):
	"""The report's rows: the month's scored customers of the company who bought, as filtered. Their
	Customer is joined for its fields or a filter on them (every row has one: Frappe keeps a linked
	Customer from being deleted)."""
	if with_customer or filters.customer_group or filters.territory:
		query = query.join(c).on(c.name == s.customer)
	query = query.where((s.company == filters.company) & (s.period == period) & (s.frequency > 0)).where(
		s.risk_score >= cint(filters.min_score)
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
	return apply_customer_restrictions(query, s.customer, HEALTH_SNAPSHOT)


def _open_plan(s):
	plan = frappe.qb.DocType(RETENTION_PLAN)
	return (
		frappe.qb.from_(plan)
		.select(plan.name)
		.where((plan.customer == s.customer) & plan.status.isin(OPEN_PLAN_STATES))
		.limit(1)
	)


def get_data(filters, period, limit: int | None = None):
	"""The rows by risk, then revenue (then the customer, so that a page is the top of the whole list):
	read backwards through crm_plus_risk_order, `limit` rows at most."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	query = _scored(filters, period, force_index(frappe.qb.from_(s), HEALTH_SNAPSHOT, RISK_ORDER), s, c)
	query = (
		query.select(
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
			_open_plan(s).as_("retention_plan"),
		)
		.orderby(s.risk_score, order=frappe.qb.desc)
		.orderby(s.monetary, order=frappe.qb.desc)
		.orderby(s.customer, order=frappe.qb.desc)
	)
	if limit is not None:
		query = query.limit(limit)
	rows = query.run(as_dict=True)
	for row in rows:
		row.reasons = (row.reasons or "").replace("\n", "; ")
	return rows


def band_totals(filters, period) -> dict:
	"""Per band, over the whole list: customers, their net revenue, and how many of them at High or
	Critical risk have no open retention plan. One grouped query."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	without_plan = (
		Case().when(s.risk_band.isin(HIGH_BANDS) & ExistsCriterion(_open_plan(s)).negate(), 1).else_(0)
	)
	query = (
		_scored(
			filters,
			period,
			force_index(frappe.qb.from_(s), HEALTH_SNAPSHOT, RISK_ORDER),
			s,
			c,
			with_customer=False,
		)
		.select(
			s.risk_band,
			Count("*").as_("customers"),
			Sum(s.monetary).as_("monetary"),
			Sum(without_plan).as_("without_plan"),
		)
		.groupby(s.risk_band)
	)
	return {row.risk_band: row for row in query.run(as_dict=True)}


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
		{
			"fieldname": "usual_gap_days",
			"label": _("Usual Gap (days)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		},
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


def chart(bands):
	counts = {band: (bands[band].customers if band in bands else 0) for band in BANDS}
	return {
		"data": {
			"labels": [_(b) for b in BANDS],
			"datasets": [{"name": _("Customers"), "values": list(counts.values())}],
		},
		"type": "donut",
		"colors": [BAND_COLOURS[band] for band in BANDS],  # a colour per band, as the list shows it
		# Frappe Charts' entry animation swaps the chart's SVG for an animated copy; a resize meanwhile
		# (a phone's layout settling) redraws and fails to remove the SVG (a page error in Desk)
		"disableEntryAnimation": 1,
	}


def summary(bands):
	at_risk = [bands[band] for band in HIGH_BANDS if band in bands]
	return [
		{
			"value": sum(b.customers for b in at_risk),
			"label": _("Customers at High or Critical Risk"),
			"datatype": "Int",
			"indicator": "Red",
		},
		{
			"value": sum(b.monetary or 0 for b in at_risk),
			"label": _("Their Net Revenue"),
			"datatype": "Currency",
		},
		{
			"value": sum(int(b.without_plan or 0) for b in at_risk),
			"label": _("At Risk Without a Plan"),
			"datatype": "Int",
			"indicator": "Orange",
		},
	]
