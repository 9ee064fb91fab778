# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_months, cint, getdate, now

from crm_plus.services.permissions import check_company, customer_restriction_sql
from crm_plus.services.sql import index_hint

MAX_MONTHS = 24
MASK_BITS = 63  # months a cohort's purchases can be followed in one pass (a bit each in a BIGINT)


def execute(filters=None):
	"""Monthly cohorts of new customers (by first purchase) and the share who bought again in each
	following month; plus the repeat rate: the share of a cohort that bought on a second day at all."""
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Company is required"), frappe.MandatoryError)
	frappe.has_permission("Sales Invoice", "read", throw=True)
	check_company(filters.company)
	months = min(max(cint(filters.months) or 6, 1), MAX_MONTHS)
	from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"))
	rows = cohorts(filters.company, from_date, to_date, months)
	return columns(months), rows, None, chart(rows), summary(rows)


def cohorts(company, from_date, to_date, months):
	"""Monthly cohorts of the customers whose first purchase lies between the dates: per cohort, its
	size, its repeaters and, per month followed, how many of it bought in that month."""
	base = from_date.replace(day=1)
	span = _months_between(base.strftime("%Y-%m"), to_date.strftime("%Y-%m")) + months
	if span < MASK_BITS:
		counts = _counts_in_one_pass(company, from_date, to_date, months, base)
	else:
		counts = _counts_by_join(company, from_date, to_date, months)
	return _cohort_rows(counts, months)


def _counts_in_one_pass(company, from_date, to_date, months, base) -> list[dict]:
	"""One scan of crm_plus's narrow covering index on a company's invoices (crm_plus_first_purchase:
	company, return flag, customer, date), in customer order, no temporary table: per customer its first and last purchase and a bit per month, from the first
	cohort's month on, in which it bought; then per cohort, the customers with each month's bit. A
	customer bought on a second day at all when its last purchase is later than its first."""
	hint = index_hint("Sales Invoice", "crm_plus_first_purchase")
	offset = "period_diff(date_format(f.first_date, '%%Y%%m'), %(base_month)s)"
	bought = ", ".join(
		f"count(if((f.bought >> ({offset} + {m})) & 1, 1, null)) as m{m}" for m in range(1, months + 1)
	)
	return frappe.db.sql(
		f"""
		select date_format(f.first_date, '%%Y-%%m') as cohort, count(*) as customers,
			count(if(f.last_date > f.first_date, 1, null)) as repeaters, {bought}
		from (
			select customer, min(posting_date) as first_date, max(posting_date) as last_date,
				bit_or(if(posting_date >= %(base)s and posting_date < %(end)s,
					1 << period_diff(date_format(posting_date, '%%Y%%m'), %(base_month)s), 0)) as bought
			from `tabSales Invoice` {hint}
			where docstatus = 1 and company = %(company)s and is_return = 0 {customer_restriction_sql("customer")}
			group by customer
			having first_date between %(from_date)s and %(to_date)s
		) f
		group by cohort
		order by cohort
		""",
		{
			"company": company,
			"from_date": from_date,
			"to_date": to_date,
			"base": base,
			"base_month": base.strftime("%Y%m"),
			"end": add_months(to_date.replace(day=1), months + 1),
		},
		as_dict=True,
	)


def _counts_by_join(company, from_date, to_date, months) -> list[dict]:
	"""The same counts for a range too long for a bit per month: each new customer's first purchase,
	then its purchases in each month after it, both through crm_plus_scoring."""
	hint = index_hint("Sales Invoice", "crm_plus_scoring")
	month_offset = "period_diff(date_format(p.posting_date, '%%Y%%m'), date_format(f.first_date, '%%Y%%m'))"
	rows = frappe.db.sql(
		f"""
		select date_format(f.first_date, '%%Y-%%m') as cohort, {month_offset} as month_offset,
			count(distinct p.customer) as customers,
			count(distinct if(f.purchase_days > 1, p.customer, null)) as repeaters
		from (
			select customer, min(posting_date) as first_date, count(distinct posting_date) as purchase_days
			from `tabSales Invoice` {hint}
			where docstatus = 1 and is_return = 0 and company = %(company)s {customer_restriction_sql("customer")}
			group by customer
			having first_date between %(from_date)s and %(to_date)s
		) f
		join `tabSales Invoice` p {hint} on p.docstatus = 1 and p.customer = f.customer
			and p.company = %(company)s and p.is_return = 0
		where {month_offset} between 0 and %(months)s
		group by cohort, month_offset
		order by cohort, month_offset
		""",
		{"company": company, "from_date": from_date, "to_date": to_date, "months": months},
		as_dict=True,
	)
	counts = {}
	for r in rows:  # month 0 holds every customer of the cohort: its size and repeaters
		row = counts.setdefault(r.cohort, frappe._dict(cohort=r.cohort, customers=0, repeaters=0))
		if r.month_offset == 0:
			row.customers, row.repeaters = r.customers, r.repeaters
		elif 1 <= r.month_offset <= months:
			row[f"m{r.month_offset}"] = r.customers
	return [row for row in counts.values() if row.customers]


def _cohort_rows(counts: list[dict], months: int) -> list:
	this_month = getdate(now()).strftime("%Y-%m")  # now() follows frappe.flags.current_date in tests
	sizes = []
	for r in counts:
		row = frappe._dict(cohort=r["cohort"], customers=r["customers"], repeaters=r["repeaters"])
		row.repeat_rate = 100.0 * (row.repeaters or 0) / row.customers if row.customers else 0
		for m in range(1, months + 1):
			if _months_between(row.cohort, this_month) < m:
				row[f"m{m}"] = None  # that month has not happened yet: blank, not 0 %
			else:
				row[f"m{m}"] = 100.0 * (r.get(f"m{m}") or 0) / row.customers if row.customers else 0
		sizes.append(row)
	return sizes


def _months_between(start: str, end: str) -> int:
	"""Whole months from one YYYY-MM to another."""
	return (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7])


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
