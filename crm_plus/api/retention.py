"""Whitelisted methods for customer value and retention."""

import frappe

from crm_plus.services.scoring import pipeline


@frappe.whitelist(methods=["POST"])
def recompute_now() -> dict:
	"""Managers: queue a full scoring run now (a second click while it is queued does nothing)."""
	return pipeline.recompute_now()
