"""crm_plus's Customer Interaction, as seen by the campaigns: a member moves on when an interaction
tagged with its campaign is logged (the controller belongs to the interactions; this is the hook)."""

from crm_plus.services.campaigns.members import record_interaction


def after_insert(doc, method=None):
	record_interaction(doc)
