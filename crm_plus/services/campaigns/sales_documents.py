"""The campaign carried onto ERPNext's sales documents: from the lead to the quotation and the customer,
and an active campaign's members' new orders and invoices."""

import frappe
from frappe.utils import getdate, today

from crm_plus.constants import CAMPAIGN_MEMBER
from crm_plus.domain import campaigns as rules
from crm_plus.services.settings import is_enabled


def carry_lead_campaign_to_quotation(doc, method=None):
	"""doc_event (Quotation before_insert): ERPNext drops the lead's campaign on Lead -> Quotation."""
	if (
		not doc.campaign
		and doc.quotation_to == "Lead"
		and doc.party_name
		and is_enabled("enable_sales_hooks")
	):
		doc.campaign = frappe.db.get_value("Lead", doc.party_name, "campaign_name")


def carry_lead_campaign_to_customer(doc, method=None):
	"""doc_event (Customer before_insert): the lead's campaign becomes the first-touch campaign."""
	if not doc.get("crm_first_campaign") and doc.lead_name:
		doc.crm_first_campaign = frappe.db.get_value("Lead", doc.lead_name, "campaign_name")


def fill_active_campaign(doc, method=None):
	"""doc_event (before_insert of Quotation, Sales Order, Sales Invoice), by setting: a customer who is
	a member of exactly one active campaign gets it on new sales documents. One indexed query."""
	if (
		doc.get("campaign")
		or not is_enabled("enable_sales_hooks")
		or not is_enabled("fill_campaign_in_sales_documents")
	):
		return
	customer = doc.get("customer") or (
		doc.get("party_name") if doc.get("quotation_to") == "Customer" else None
	)
	if not customer:
		return
	day = getdate(doc.get("posting_date") or doc.get("transaction_date") or today())
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
	campaign = frappe.qb.DocType("Campaign")
	active = (
		frappe.qb.from_(member)
		.join(campaign)
		.on(campaign.name == member.campaign)
		.select(member.campaign)
		.where(
			(member.customer == customer)
			& member.status.notin(rules.SUPPRESSED)
			& (campaign.crm_status == rules.ACTIVE)
			& ((campaign.crm_start_date.isnull()) | (campaign.crm_start_date <= day))
			& ((campaign.crm_end_date.isnull()) | (campaign.crm_end_date >= day))
		)
		.distinct()
		.limit(2)
		.run(pluck=True)
	)
	if len(active) == 1:
		doc.campaign = active[0]
