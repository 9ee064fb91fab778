# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import fmt_money
from pypika.terms import Case

from crm_plus.constants import HEALTH_SNAPSHOT
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import in_company_currency, not_scored_message, scored_period
from crm_plus.services.sql import FIRST_PAGE, force_index, page_limit

CHART_TOP = 10  # the chart shows the ten most profitable customers
PROFIT_ORDER = "crm_plus_profit_order"  # crm_plus.install.indexes: (period, company, profit_rank, ...)


def execute(filters=None):
	"""Customers ranked by gross profit (the scoring's profit rank); customers without purchase history
	follow, ordered by their manual priority. It opens on the first page of that list (Show: Top 500)
	and says how many the whole list holds."""
	filters = frappe._dict(filters or {})
	period = scored_period(filters.company, filters.period)
	if not period:
		return columns(), [], not_scored_message()
	limit = page_limit(filters.show, FIRST_PAGE)
	rows = ranked(filters, period, limit)
	if limit is None or len(rows) < limit:
		rows += unranked(filters, period, None if limit is None else limit - len(rows))
	rows = in_company_currency(rows, filters.company)
	for position, row in enumerate(rows, start=1):
		row.position = position
	message = None
	if limit is not None and len(rows) == limit:
		total = count(filters, period)
		if total > len(rows):
			message = _(
				"Showing the {0} most profitable of {1} customers: narrow the filters or choose Show: All"
			).format(fmt_money(len(rows), precision=0), fmt_money(total, precision=0))
	top = rows if limit is None or limit >= CHART_TOP else ranked(filters, period, CHART_TOP)
	return columns(), rows, message, chart(top), None


def _ranked_query(filters, period, query, s, c, with_customer: bool = True):
	"""The month's rows of the company; their Customer joined for its fields or the group filter (every
	row has one: Frappe keeps a linked Customer from being deleted)."""
	if with_customer or filters.customer_group:
		query = query.join(c).on(c.name == s.customer)
	query = query.where((s.company == filters.company) & (s.period == period))
	if filters.customer_group:
		query = query.where(c.customer_group == filters.customer_group)
	return apply_customer_restrictions(query, s.customer, HEALTH_SNAPSHOT)


def _unranked_query(filters, period, query, c):
	"""Active customers without a row in the month: the month's rows hold every customer with an invoice
	up to then, in any company (a customer who buys from another company has purchases). An anti-join
	through crm_plus_period_customer, a look-up per customer (NOT EXISTS was planned as a materialized
	set of the month's 100,000 customers: 1.5 s against 0.15 s)."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	query = (
		query.left_join(s)
		.on((s.period == period) & (s.customer == c.name))
		.where((c.disabled == 0) & s.customer.isnull())
	)
	if filters.customer_group:
		query = query.where(c.customer_group == filters.customer_group)
	return apply_customer_restrictions(query, c.name, "Customer")


def ranked(filters, period, limit: int | None = None):
	"""By profit rank, then revenue (then the customer, so that a page is the top of the whole list):
	read in the order of crm_plus_profit_order, `limit` rows at most."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	query = _ranked_query(
		filters, period, force_index(frappe.qb.from_(s), HEALTH_SNAPSHOT, PROFIT_ORDER), s, c
	)
	query = (
		query.select(
			s.customer,
			c.customer_name,
			s.profit_rank,
			s.gross_profit,
			s.monetary,
			s.value_class,
			s.segment,
			s.risk_band,
		)
		.orderby(s.profit_rank)
		.orderby(s.monetary, order=frappe.qb.desc)
		.orderby(s.customer)
	)
	if limit is not None:
		query = query.limit(limit)
	return query.run(as_dict=True)


def unranked(filters, period, limit: int | None = None):
	"""Customers with no invoice yet, by manual priority (1 first; none set goes last)."""
	if limit is not None and limit <= 0:
		return []
	c = frappe.qb.DocType("Customer")
	query = (
		_unranked_query(filters, period, frappe.qb.from_(c), c)
		.select(c.name.as_("customer"), c.customer_name, c.crm_manual_priority.as_("manual_priority"))
		.orderby(Case().when(c.crm_manual_priority > 0, 0).else_(1))
		.orderby(c.crm_manual_priority)
		.orderby(c.name)
	)
	if limit is not None:
		query = query.limit(limit)
	return query.run(as_dict=True)


def count(filters, period) -> int:
	"""How many rows the whole list holds: ranked and unranked customers. Two counts."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	ranked = force_index(frappe.qb.from_(s), HEALTH_SNAPSHOT, PROFIT_ORDER)
	ranked_count = (
		_ranked_query(filters, period, ranked, s, c, with_customer=False).select(Count("*")).run()[0][0]
	)
	unranked_count = _unranked_query(filters, period, frappe.qb.from_(c), c).select(Count("*")).run()[0][0]
	return ranked_count + unranked_count


def columns():
	return [
		{"fieldname": "position", "label": _("#"), "fieldtype": "Int", "width": 60},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 200,
		},
		{"fieldname": "profit_rank", "label": _("Profit Rank"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "gross_profit",
			"label": _("Gross Profit"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		},
		{
			"fieldname": "monetary",
			"label": _("Net Revenue"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 130,
		},
		{"fieldname": "value_class", "label": _("Class"), "fieldtype": "Data", "width": 70},
		{"fieldname": "segment", "label": _("Segment"), "fieldtype": "Data", "width": 110},
		{"fieldname": "risk_band", "label": _("Churn Risk"), "fieldtype": "Data", "width": 100},
		{"fieldname": "manual_priority", "label": _("Manual Priority"), "fieldtype": "Int", "width": 120},
	]


def chart(rows):
	top = [r for r in rows if r.get("profit_rank")][:CHART_TOP]
	if not top:
		return None
	return {
		"data": {
			"labels": [r.customer_name or r.customer for r in top],
			"datasets": [{"name": _("Gross Profit"), "values": [r.gross_profit or 0 for r in top]}],
		},
		"type": "bar",
	}
