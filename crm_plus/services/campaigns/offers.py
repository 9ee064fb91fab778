"""Offers through ERPNext's pricing tools (Pricing Rule, Coupon Code) and costs through its accounting
(the Campaign accounting dimension)."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_plus.services.boot import COST_TRACKING_ROLES


def create_offer(
	campaign_name: str,
	discount_percentage: float,
	item_group: str | None = None,
	item_code: str | None = None,
	coupon_code: str | None = None,
	maximum_use: int = 0,
) -> dict:
	"""A Pricing Rule that applies to documents of this campaign (ERPNext's applicable_for = Campaign),
	and optionally a Coupon Code for it; both linked from the campaign."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission("Pricing Rule", "create", throw=True)
	if coupon_code:
		frappe.has_permission("Coupon Code", "create", throw=True)
	discount = flt(discount_percentage)
	if not 0 < discount <= 100:
		frappe.throw(_("Discount Percentage must be above 0 and at most 100"))
	if item_code and item_group:
		frappe.throw(_("Choose an item or an item group, not both"))
	rule = frappe.get_doc(
		{
			"doctype": "Pricing Rule",
			"title": _("Campaign {0}").format(campaign.campaign_name)[:140],
			"selling": 1,
			"applicable_for": "Campaign",
			"campaign": campaign.name,
			"apply_on": "Item Code" if item_code else "Item Group",
			"items": [{"item_code": item_code}] if item_code else [],
			"item_groups": []
			if item_code
			else [
				{
					"item_group": item_group
					or frappe.db.get_value(
						"Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))}, "name"
					)
					or "All Item Groups"
				}
			],
			"rate_or_discount": "Discount Percentage",
			"discount_percentage": discount,
			"company": campaign.crm_company,
			"valid_from": campaign.crm_start_date,
			"valid_upto": campaign.crm_end_date,
			"coupon_code_based": 1 if coupon_code else 0,
			"priority": 1,
		}
	).insert()
	values = {"crm_pricing_rule": rule.name}
	coupon = None
	if coupon_code:
		coupon = frappe.get_doc(
			{
				"doctype": "Coupon Code",
				"coupon_name": coupon_code,
				"coupon_code": coupon_code.upper(),
				"coupon_type": "Promotional",
				"pricing_rule": rule.name,
				"valid_from": campaign.crm_start_date,
				"valid_upto": campaign.crm_end_date,
				"maximum_use": maximum_use or 0,
			}
		).insert()
		values["crm_coupon_code"] = coupon.name
	campaign.db_set(values)
	return {"pricing_rule": rule.name, "coupon_code": coupon.name if coupon else None}


def enable_campaign_dimension() -> str:
	"""Make Campaign an ERPNext Accounting Dimension, so Purchase Invoices and Journal Entries can be
	tagged with a campaign and roll into its cost. ERPNext adds the field to its accounting doctypes
	(in a background job on a live site). System and Accounts Managers only."""
	frappe.only_for(COST_TRACKING_ROLES)
	existing = frappe.db.get_value("Accounting Dimension", {"document_type": "Campaign"}, "name")
	if existing:
		return existing
	return frappe.get_doc({"doctype": "Accounting Dimension", "document_type": "Campaign"}).insert().name
