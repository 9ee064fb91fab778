"""ERPNext's Sales Invoice: the campaign on new ones, the complaint it remedies, its margin."""

from crm_plus.services import invoice_margin
from crm_plus.services.campaigns.sales_documents import fill_active_campaign
from crm_plus.services.complaints.remedies import on_remedy_change


def before_insert(doc, method=None):
	fill_active_campaign(doc)


def on_submit(doc, method=None):
	invoice_margin.on_submit(doc)
	on_remedy_change(doc)


def on_cancel(doc, method=None):
	on_remedy_change(doc)
