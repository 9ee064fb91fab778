"""ERPNext's Customer."""

from crm_plus.services.campaigns.sales_documents import carry_lead_campaign_to_customer
from crm_plus.services.duplicates import warn_on_new_party
from crm_plus.services.scoring.customers import keep_scores


def before_insert(doc, method=None):
	carry_lead_campaign_to_customer(doc)


def validate(doc, method=None):
	warn_on_new_party(doc)
	keep_scores(doc)
