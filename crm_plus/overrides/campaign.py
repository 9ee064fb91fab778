"""ERPNext's Campaign."""

from crm_plus.services.campaigns.approval import validate_campaign


def validate(doc, method=None):
	validate_campaign(doc)
