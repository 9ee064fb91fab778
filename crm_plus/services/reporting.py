"""Helpers shared by the value and retention reports."""

import frappe
from frappe import _
from frappe.query_builder.functions import Max

from crm_plus.constants import HEALTH_SNAPSHOT
from crm_plus.services.permissions import check_company


def scored_period(company: str, period: str | None = None) -> str | None:
	"""The month asked for, or the latest month scored for the company; None when never scored."""
	if not company:
		frappe.throw(_("Company is required"), frappe.MandatoryError)
	check_company(company)
	if period:
		period = period.strip()
		if len(period) != 7 or period[4] != "-" or not (period[:4] + period[5:]).isdigit():
			frappe.throw(_("Month must look like 2026-01"))
		return period
	snapshot = frappe.qb.DocType(HEALTH_SNAPSHOT)
	latest = frappe.qb.from_(snapshot).select(Max(snapshot.period)).where(snapshot.company == company).run()
	return latest[0][0] if latest and latest[0][0] else None


def not_scored_message() -> str:
	return _("No scoring yet for this company: run it from Customer Health Snapshot > Recompute now.")


def in_company_currency(rows: list, company: str) -> list:
	"""Rows of one company's figures carry its currency, which the report's Currency columns name in
	their `options` ("currency"): Desk shows each amount with that company's symbol."""
	currency = frappe.get_cached_value("Company", company, "default_currency")
	for row in rows:
		row["currency"] = currency
	return rows


def for_company(query, table, filters):
	"""Narrow a report to the company chosen in its filters (checked against the user's companies)."""
	if filters.get("company"):
		check_company(filters.company)
		query = query.where(table.company == filters.company)
	return query
