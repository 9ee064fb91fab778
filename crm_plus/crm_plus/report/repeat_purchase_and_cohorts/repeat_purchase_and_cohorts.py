# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, getdate

MAX_MONTHS = 24


def execute(filters=None):
	"""Monthly cohorts of new customers (by first purchase) and the share who bought again in each
	following month; plus the repeat rate: the share of a cohort that bought on a second day at all."""
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Company is required"), frappe.MandatoryError)
	frappe.has_permission("Sales Invoice", "read", throw=True)
	months = min(max(cint(filters.months) or 6, 1), MAX_MONTHS)
	from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"))
	rows = cohorts(filters.company, from_date, to_date, months)
	return columns(months), rows, None, chart(rows), summary(rows)


def cohorts(company, from_date, to_date, months):
	params = {"company": company, "from_date": from_date, "to_date": to_date, "months": months}
	sizes = frappe.db.sql(
		"""
		select date_format(first_date, '%%Y-%%m') as cohort, count(*) as customers,
			sum(purchase_days > 1) as repeaters
		from (
			select customer, min(posting_date) as first_date, count(distinct posting_date) as purchase_days
			from `tabSales Invoice`
			where docstatus = 1 and is_return = 0 and company = %(company)s
			group by customer
		) f
		where first_date between %(from_date)s and %(to_date)s
		group by cohort order by cohort
		""",
		params,
		as_dict=True,
	)
	active = frappe.db.sql(
		"""
		select date_format(f.first_date, '%%Y-%%m') as cohort,
			period_diff(date_format(p.posting_date, '%%Y%%m'), date_format(f.first_date, '%%Y%%m')) as month_offset,
			count(distinct p.customer) as customers
		from (
			select customer, min(posting_date) as first_date
			from `tabSales Invoice`
			where docstatus = 1 and is_return = 0 and company = %(company)s
			group by customer
		) f
		join `tabSales Invoice` p on p.customer = f.customer and p.company = %(company)s
			and p.docstatus = 1 and p.is_return = 0
		where f.first_date between %(from_date)s and %(to_date)s
			and p.posting_date > f.first_date
			and period_diff(date_format(p.posting_date, '%%Y%%m'), date_format(f.first_date, '%%Y%%m'))
				between 1 and %(months)s
		group by cohort, month_offset
		""",
		params,
		as_dict=True,
	)
	by_cohort = {(r.cohort, cint(r.month_offset)): r.customers for r in active}
	for row in sizes:
		row.repeat_rate = 100.0 * (row.repeaters or 0) / row.customers if row.customers else 0
		for m in range(1, months + 1):
			row[f"m{m}"] = 100.0 * by_cohort.get((row.cohort, m), 0) / row.customers if row.customers else 0
	return sizes


def columns(months):
	columns = [
		{"fieldname": "cohort", "label": _("First Purchase Month"), "fieldtype": "Data", "width": 150},
		{"fieldname": "customers", "label": _("New Customers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "repeat_rate", "label": _("Bought Again"), "fieldtype": "Percent", "width": 120},
	]
	columns += [
		{"fieldname": f"m{m}", "label": _("Month {0}").format(m), "fieldtype": "Percent", "width": 90}
		for m in range(1, months + 1)
	]
	return columns


def chart(rows):
	if not rows:
		return None
	return {
		"data": {
			"labels": [r.cohort for r in rows],
			"datasets": [{"name": _("Bought Again"), "values": [round(r.repeat_rate, 1) for r in rows]}],
		},
		"type": "line",
	}


def summary(rows):
	customers = sum(r.customers for r in rows)
	repeaters = sum(r.repeaters or 0 for r in rows)
	return [
		{"value": customers, "label": _("New Customers"), "datatype": "Int"},
		{
			"value": 100.0 * repeaters / customers if customers else 0,
			"label": _("Share Who Bought Again"),
			"datatype": "Percent",
			"indicator": "Blue",
		},
	]
