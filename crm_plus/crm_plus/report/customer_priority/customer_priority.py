# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _

from crm_plus.constants import HEALTH_SNAPSHOT
from crm_plus.services.permissions import apply_customer_restrictions
from crm_plus.services.reporting import in_company_currency, not_scored_message, scored_period


def execute(filters=None):
	"""Customers ranked by gross profit (the scoring's profit rank); customers without purchase history
	follow, ordered by their manual priority."""
	filters = frappe._dict(filters or {})
	period = scored_period(filters.company, filters.period)
	if not period:
		return columns(), [], not_scored_message()
	rows = in_company_currency(ranked(filters, period) + unranked(filters, period), filters.company)
	for position, row in enumerate(rows, start=1):
		row.position = position
	return columns(), rows, None, chart(rows), None


def ranked(filters, period):
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	query = (
		frappe.qb.from_(s)
		.join(c)
		.on(c.name == s.customer)
		.select(
			s.customer,
			c.customer_name,
			s.profit_rank,
			s.gross_profit,
			s.monetary,
			s.value_class,
			s.segment,
			s.risk_band,
		)
		.where((s.company == filters.company) & (s.period == period))
		.orderby(s.profit_rank)
		.orderby(s.monetary, order=frappe.qb.desc)
	)
	if filters.customer_group:
		query = query.where(c.customer_group == filters.customer_group)
	return apply_customer_restrictions(query, s.customer, HEALTH_SNAPSHOT).run(as_dict=True)


def unranked(filters, period):
	"""Customers with no invoice yet, by manual priority (1 first; none set goes last)."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	c = frappe.qb.DocType("Customer")
	from pypika.terms import Case

	query = (
		frappe.qb.from_(c)
		.select(c.name.as_("customer"), c.customer_name, c.crm_manual_priority.as_("manual_priority"))
		.where(
			(c.disabled == 0)
			# the month's rows hold every customer with an invoice up to then, in any company (the period
			# index): a customer who buys from another company has purchases
			& c.name.notin(frappe.qb.from_(s).select(s.customer).where(s.period == period))
		)
		.orderby(Case().when(c.crm_manual_priority > 0, 0).else_(1))
		.orderby(c.crm_manual_priority)
		.orderby(c.name)
	)
	if filters.customer_group:
		query = query.where(c.customer_group == filters.customer_group)
	return apply_customer_restrictions(query, c.name, "Customer").run(as_dict=True)


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
	top = [r for r in rows if r.get("profit_rank")][:10]
	if not top:
		return None
	return {
		"data": {
			"labels": [r.customer_name or r.customer for r in top],
			"datasets": [{"name": _("Gross Profit"), "values": [r.gross_profit or 0 for r in top]}],
		},
		"type": "bar",
	}
