"""Background jobs' health, for CRM Plus Settings and the workspace."""

import frappe

from crm_plus.services import jobs


@frappe.whitelist(methods=["GET"])
def get_job_health() -> list[dict]:
	"""Every job with its last run and its state (CRM Job Health read)."""
	return jobs.get_job_health()
