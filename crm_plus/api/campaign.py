"""Whitelisted methods behind the Campaign form's actions (each checks the user's permissions)."""

import frappe
from frappe import _

from crm_plus.api import require
from crm_plus.services import campaigns


@frappe.whitelist(methods=["GET"])
def preview_segment(campaign: str | None = None) -> dict:
	"""How many customers the target segment matches now (after suppression), with a sample."""
	require(campaign=campaign)
	return campaigns.preview_segment(campaign)


@frappe.whitelist(methods=["POST"])
def add_members(campaign: str | None = None) -> dict:
	"""Add every customer of the target segment as a member (set-based; adding twice adds nobody twice)."""
	require(campaign=campaign)
	return {"added": campaigns.add_segment_members(campaign), "funnel": campaigns.funnel(campaign)}


@frappe.whitelist(methods=["POST"])
def update_responses(campaign: str | None = None) -> dict:
	require(campaign=campaign)
	frappe.get_doc("Campaign", campaign).check_permission("write")
	frappe.has_permission(campaigns.MEMBER, "write", throw=True)  # it rewrites the members' statuses
	return campaigns.update_responses(campaign)


@frappe.whitelist(methods=["GET"])
def get_figures(campaign: str | None = None, model: str | None = None) -> dict:
	"""Budget, cost, revenue net of credit notes, margin, attributed revenue and ROI."""
	require(campaign=campaign)
	frappe.get_doc("Campaign", campaign).check_permission("read")
	frappe.has_permission("Sales Invoice", "read", throw=True)
	if model and model not in campaigns.attribution.MODELS:
		frappe.throw(_("Model must be one of {0}").format(", ".join(campaigns.attribution.MODELS)))
	return campaigns.get_figures(campaign, model=model)


@frappe.whitelist(methods=["POST"])
def sync_email_group(campaign: str | None = None) -> dict:
	require(campaign=campaign)
	return campaigns.sync_email_group(campaign)


@frappe.whitelist(methods=["POST"])
def make_call_list(
	campaign: str | None = None, users: str | list | None = None, due_date: str | None = None
) -> dict:
	"""`users`: a list or a comma-separated string of user ids."""
	require(campaign=campaign, users=users)
	if isinstance(users, str):
		try:
			users = (
				frappe.parse_json(users)
				if users.strip().startswith("[")
				else [u.strip() for u in users.split(",") if u.strip()]
			)
		except ValueError:
			users = None
	if not isinstance(users, list) or not all(isinstance(u, str) and u.strip() for u in users):
		frappe.throw(_("users must be a list of user ids"), title=_("Invalid users"))
	return {"assigned": campaigns.make_call_list(campaign, [u.strip() for u in users], due_date)}


@frappe.whitelist(methods=["POST"])
def create_offer(
	campaign: str | None = None,
	discount_percentage: float | None = None,
	item_group: str | None = None,
	item_code: str | None = None,
	coupon_code: str | None = None,
	maximum_use: int = 0,
) -> dict:
	require(campaign=campaign, discount_percentage=discount_percentage)
	return campaigns.create_offer(
		campaign, discount_percentage, item_group, item_code, coupon_code, maximum_use
	)


@frappe.whitelist(methods=["POST"])
def enable_campaign_dimension(campaign: str | None = None) -> str:
	"""Accounts/System Managers: track campaign costs in ERPNext accounting."""
	frappe.only_for(("System Manager", "Accounts Manager"))
	return campaigns.enable_campaign_dimension()
