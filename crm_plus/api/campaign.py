"""Whitelisted methods behind the Campaign form's actions; the services they call check the user's permissions."""

import frappe
from frappe import _

from crm_plus.api import require
from crm_plus.services.campaigns import figures as campaign_figures
from crm_plus.services.campaigns import members as campaign_members
from crm_plus.services.campaigns import offers, outreach
from crm_plus.services.campaigns import segments as campaign_segments


@frappe.whitelist(methods=["GET"])
def preview_segment(campaign: str | None = None) -> dict:
	"""How many customers the target segment matches now (after suppression), with a sample."""
	require(campaign=campaign)
	return campaign_segments.preview_segment(campaign)


@frappe.whitelist(methods=["POST"])
def add_members(campaign: str | None = None) -> dict:
	"""Add every customer of the target segment as a member (set-based; adding twice adds nobody twice)."""
	require(campaign=campaign)
	return {
		"added": campaign_segments.add_segment_members(campaign),
		"funnel": campaign_members.funnel(campaign),
	}


@frappe.whitelist(methods=["POST"])
def update_responses(campaign: str | None = None) -> dict:
	require(campaign=campaign)
	return campaign_members.update_responses(campaign)


@frappe.whitelist(methods=["GET"])
def get_figures(campaign: str | None = None, model: str | None = None) -> dict:
	"""Budget and members of the campaign, and under `companies` a row per company it sold in (its own
	first), each in that company's currency (`currency`): cost, revenue net of credit notes, paid,
	outstanding, margin, attributed revenue and ROI."""
	require(campaign=campaign)
	return campaign_figures.get_figures(campaign, model=model)


@frappe.whitelist(methods=["GET"])
def get_form_figures(campaign: str | None = None) -> dict:
	"""What the Campaign form shows: the funnel of the members the user may read and who answered last
	(by name); for a user who may read Sales Invoices, the figures of `get_figures` under `figures`,
	else `figures_available` is False and no amount is sent."""
	require(campaign=campaign)
	return campaign_figures.form_figures(campaign)


@frappe.whitelist(methods=["POST"])
def sync_email_group(campaign: str | None = None) -> dict:
	require(campaign=campaign)
	return outreach.sync_email_group(campaign)


@frappe.whitelist(methods=["POST"])
def make_call_list(
	campaign: str | None = None, users: str | list | None = None, due_date: str | None = None
) -> dict:
	"""A call assignment per targeted member, round-robin over `users` (a list or a comma-separated
	string of user ids): {"assigned": n} now, or {"queued": n} for a long list assigned in the
	background."""
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
	return outreach.make_call_list(campaign, [u.strip() for u in users], due_date)


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
	return offers.create_offer(campaign, discount_percentage, item_group, item_code, coupon_code, maximum_use)


@frappe.whitelist(methods=["POST"])
def enable_campaign_dimension(campaign: str | None = None) -> str:
	"""Accounts/System Managers: track campaign costs in ERPNext accounting."""
	return offers.enable_campaign_dimension()
