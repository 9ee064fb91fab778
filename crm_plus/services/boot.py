"""What the Desk's scripts need to know, sent once with the session (`boot_session` in hooks.py): the
domain's words and the thresholds an admin set in CRM Plus Settings, so no script keeps a copy."""

import frappe
from frappe.utils import cint

from crm_plus.constants import ACCOUNTS_MANAGER, CRM_MANAGER, SALES_MANAGER, SYSTEM_MANAGER
from crm_plus.domain.campaigns import CAMPAIGN_STATUSES
from crm_plus.domain.retention import BANDS, HIGH_BANDS, SEGMENTS
from crm_plus.domain.sla import CLOSED_STATES, STATES
from crm_plus.services.settings import get_settings

RECOMPUTE_ROLES = (SYSTEM_MANAGER, CRM_MANAGER, SALES_MANAGER)
COST_TRACKING_ROLES = (SYSTEM_MANAGER, ACCOUNTS_MANAGER)


def boot_session(bootinfo):
	if frappe.session.user == "Guest" or not frappe.db.table_exists("CRM Plus Settings"):
		return
	settings = get_settings()
	roles = set(frappe.get_roles())
	bootinfo.crm_plus = {
		"risk_bands": BANDS,
		"high_risk_bands": HIGH_BANDS,
		"band_scores": {
			"medium": cint(settings.band_medium),
			"high": cint(settings.band_high),
			"critical": cint(settings.band_critical),
		},
		"segments": SEGMENTS,
		"campaign_statuses": CAMPAIGN_STATUSES,
		"complaint_states": STATES,
		"closed_complaint_states": sorted(CLOSED_STATES, key=STATES.index),
		"may_recompute": bool(roles.intersection(RECOMPUTE_ROLES)),
		"may_track_costs": bool(roles.intersection(COST_TRACKING_ROLES)),
	}


def show_in_apps() -> bool:
	"""The apps screen offers CRM Plus to Desk users only: a portal customer signing in goes to the
	portal, never to a Desk page they may not open."""
	user = frappe.session.user
	return user != "Guest" and frappe.get_cached_value("User", user, "user_type") == "System User"
