"""Whitelisted methods for customer value and retention."""

import frappe

from crm_plus.services import scoring


@frappe.whitelist(methods=["POST"])
def recompute_now() -> dict:
	"""Managers: queue a full scoring run now (a second click while it is queued does nothing)."""
	frappe.only_for(("System Manager", "CRM Manager", "Sales Manager"))
	scoring.enqueue_scoring()
	return {"queued": True, "job_id": scoring.JOB_ID}
