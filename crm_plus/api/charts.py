"""The workspace's count charts (Dashboard Chart Sources of the same names): counts in the domain's
order with labels in the reader's language, which Frappe's Group By charts give neither of. Counts come
through frappe.get_list, so role permissions, User Permissions and crm_plus's restrictions apply."""

import frappe
from frappe import _

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.domain.retention import BANDS
from crm_plus.domain.sla import STATES


def _counts(doctype: str, field: str, filters: dict | None = None) -> dict[str, int]:
	rows = frappe.get_list(
		doctype,
		fields=[field, "count(*) as count"],
		filters=filters or {},
		group_by=field,
		order_by=None,
	)
	return {row[field]: row["count"] for row in rows if row[field]}


def _chart(values: tuple, counts: dict[str, int], name: str) -> dict:
	return {
		"labels": [_(value) for value in values],
		"datasets": [{"name": name, "values": [counts.get(value, 0) for value in values]}],
	}


@frappe.whitelist(methods=["GET", "POST"])
def complaints_by_status(**_kwargs) -> dict:
	"""Complaints per workflow state, in the workflow's order."""
	frappe.has_permission(CUSTOMER_COMPLAINT, "read", throw=True)
	return _chart(STATES, _counts(CUSTOMER_COMPLAINT, "status"), _("Complaints"))


@frappe.whitelist(methods=["GET", "POST"])
def customers_by_churn_risk(**_kwargs) -> dict:
	"""Scored customers per churn-risk band, from low to critical."""
	frappe.has_permission("Customer", "read", throw=True)
	return _chart(BANDS, _counts("Customer", "crm_churn_risk_band"), _("Customers"))
