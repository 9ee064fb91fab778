"""ERPNext's Quotation."""

from crm_plus.services.campaigns.sales_documents import (
	carry_lead_campaign_to_quotation,
	fill_active_campaign,
)


def before_insert(doc, method=None):
	carry_lead_campaign_to_quotation(doc)
	fill_active_campaign(doc)
