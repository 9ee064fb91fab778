"""Rules crm_plus's roles need on ERPNext's doctypes, added at install when missing."""

from crm_plus.constants import CRM_MANAGER, CS_AGENT, CS_MANAGER, MARKETING_MANAGER

# Permissions crm_plus's roles need on ERPNext doctypes, added (as Custom DocPerm) only when the role
# has no rule there yet, so an admin's own rules are never overwritten. docs/permissions.md has the
# whole matrix and why each role needs what it gets.
FULL = ("read", "write", "create", "report", "export", "print", "email", "share")
EXTRA_PERMISSIONS = {
	"Campaign": {MARKETING_MANAGER: FULL, CRM_MANAGER: FULL},
	"Pricing Rule": {
		MARKETING_MANAGER: ("read", "write", "create"),
		CRM_MANAGER: ("read", "write", "create"),
	},
	"Coupon Code": {MARKETING_MANAGER: ("read", "write", "create"), CRM_MANAGER: ("read", "write", "create")},
	"Email Group": {MARKETING_MANAGER: ("read", "write", "create"), CRM_MANAGER: ("read", "write", "create")},
	# every crm_plus record names a customer: the 360, complaints, interactions, segments
	"Customer": {
		CRM_MANAGER: ("read", "write", "report", "export", "print", "email"),  # its CRM tab
		CS_MANAGER: ("read", "report", "print"),
		CS_AGENT: ("read", "print"),
		MARKETING_MANAGER: ("read", "report", "print"),
	},
	# the Customer 360's figures and timeline, campaign ROI, repeat purchase and cohorts
	"Sales Invoice": {
		CRM_MANAGER: ("read", "report", "print"),
		MARKETING_MANAGER: ("read", "report", "print"),
	},
	# a complaint names its company: service staff pick it like ERPNext's Sales User does
	"Company": {CS_MANAGER: ("read",), CS_AGENT: ("read",)},
	"Quotation": {CRM_MANAGER: ("read", "report", "print")},
	"Sales Order": {CRM_MANAGER: ("read", "report", "print")},
	"Payment Entry": {CRM_MANAGER: ("read", "report", "print")},
}


def ensure_permissions():
	"""Give crm_plus's roles their rules on ERPNext doctypes (Campaign, Pricing Rule...) when the role
	has none there yet; an existing rule, an admin's or ours, is left as it is."""
	import frappe
	from frappe.permissions import add_permission, update_permission_property

	for doctype, roles in EXTRA_PERMISSIONS.items():
		for role, ptypes in roles.items():
			if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				continue
			add_permission(doctype, role, 0, "read")
			for ptype in ptypes:
				update_permission_property(doctype, role, 0, ptype, 1, validate=False)
	frappe.clear_cache()
