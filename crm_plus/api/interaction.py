"""REST methods for back-office systems logging and reading customer interactions."""

import frappe

from crm_plus.api import require
from crm_plus.services.interactions import intake


@frappe.whitelist(methods=["POST"])
def log_interaction(
	party: str | None = None,
	subject: str | None = None,
	party_type: str = "Customer",
	channel: str = "Phone",
	direction: str = "Outbound",
	touchpoint: str = "Billing",
	sale_stage: str = "Post-sale",
	interaction_type: str = "Other",
	interaction_at: str | None = None,
	notes: str | None = None,
	outcome: str | None = None,
	sentiment: str = "Neutral",
	contact: str | None = None,
	campaign: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	duration: int | None = None,
	next_follow_up_on: str | None = None,
	follow_up_by: str | None = None,
	idempotency_key: str | None = None,
) -> dict:
	"""Log one interaction. A retried call with the same `idempotency_key` returns the first one.

	`party` and `subject` are required; they default to None only so that a missing one is answered
	with a clear validation error naming it rather than a bare TypeError.
	"""
	values = {k: v for k, v in locals().items() if k != "idempotency_key" and v is not None}
	return intake.log_interaction(values, idempotency_key)


@frappe.whitelist(methods=["POST"])
def log_interactions(interactions: list | str | None = None) -> dict:
	"""Log up to 1,000 interactions in one call (a JSON list of what log_interaction takes, each with
	its own `idempotency_key`). Answered item by item, in order: `results[i]` is the record (`created`
	false for a key already logged) or that item's `error`; a failed item leaves nothing behind and
	does not stop the others. Also `created`, `existing` and `failed`: how many of each."""
	require(interactions=interactions)
	if isinstance(interactions, str):
		try:
			interactions = frappe.parse_json(interactions)
		except ValueError:
			interactions = None  # answered by the list check, after the permission check
	return intake.log_interactions(interactions)


@frappe.whitelist(methods=["POST"])
def complete_follow_up(name: str | None = None, outcome: str | None = None) -> dict:
	"""Mark an interaction's follow-up done; its assignment closes."""
	require(name=name)
	from crm_plus.services.interactions.records import complete_follow_up as complete

	doc = complete(name, outcome)
	return {"name": doc.name, "follow_up_status": doc.follow_up_status}


@frappe.whitelist(methods=["GET"])
@frappe.read_only()  # from a read replica when the site has one (read_from_replica)
def get_interactions(customer: str | None = None, before: str | None = None, limit: int = 50) -> dict:
	"""A customer's interactions, newest first, paged by cursor like the 360 timeline."""
	require(customer=customer)
	from crm_plus.services.customer_360 import get_360

	result = get_360(customer, kinds=["interaction"], before=before, limit=limit)
	return {"customer": customer, "interactions": result["timeline"], "next_cursor": result["next_cursor"]}
