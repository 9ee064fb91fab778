"""Whitelisted methods behind the Campaign form's actions (each checks the user's permissions)."""

import frappe

from crm_plus.services import campaigns


@frappe.whitelist(methods=["GET"])
def preview_segment(campaign: str) -> dict:
	"""How many customers the target segment matches now (after suppression), with a sample."""
	return campaigns.preview_segment(campaign)


@frappe.whitelist(methods=["POST"])
def add_members(campaign: str) -> dict:
	"""Add every customer of the target segment as a member (set-based; adding twice adds nobody twice)."""
	return {"added": campaigns.add_segment_members(campaign), "funnel": campaigns.funnel(campaign)}


@frappe.whitelist(methods=["POST"])
def update_responses(campaign: str) -> dict:
	frappe.get_doc("Campaign", campaign).check_permission("write")
	return campaigns.update_responses(campaign)


@frappe.whitelist(methods=["GET"])
def get_figures(campaign: str, model: str | None = None) -> dict:
	"""Budget, cost, revenue net of credit notes, margin, attributed revenue and ROI."""
	frappe.get_doc("Campaign", campaign).check_permission("read")
	frappe.has_permission("Sales Invoice", "read", throw=True)
	if model and model not in campaigns.attribution.MODELS:
		frappe.throw(frappe._("Model must be one of {0}").format(", ".join(campaigns.attribution.MODELS)))
	return campaigns.get_figures(campaign, model=model)


@frappe.whitelist(methods=["POST"])
def sync_email_group(campaign: str) -> dict:
	return campaigns.sync_email_group(campaign)


@frappe.whitelist(methods=["POST"])
def make_call_list(campaign: str, users: str | list, due_date: str | None = None) -> dict:
	if isinstance(users, str):
		users = (
			frappe.parse_json(users)
			if users.startswith("[")
			else [u.strip() for u in users.split(",") if u.strip()]
		)
	return {"assigned": campaigns.make_call_list(campaign, users, due_date)}


@frappe.whitelist(methods=["POST"])
def create_offer(
	campaign: str,
	discount_percentage: float,
	item_group: str | None = None,
	item_code: str | None = None,
	coupon_code: str | None = None,
	maximum_use: int = 0,
) -> dict:
	return campaigns.create_offer(
		campaign, discount_percentage, item_group, item_code, coupon_code, maximum_use
	)


@frappe.whitelist(methods=["POST"])
def enable_campaign_dimension(campaign: str | None = None) -> str:
	"""Accounts/System Managers: track campaign costs in ERPNext accounting."""
	frappe.only_for(("System Manager", "Accounts Manager"))
	return campaigns.enable_campaign_dimension()
