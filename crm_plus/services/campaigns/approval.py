"""A campaign over the budget threshold needs an approval before it starts."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_plus.domain import campaigns as rules
from crm_plus.services.settings import get_settings


def validate_campaign(doc, method=None):
	"""doc_event (validate): a campaign over the budget threshold cannot start before approval."""
	before = doc.get_doc_before_save()
	previous = before.crm_status if before else None
	if doc.crm_start_date and doc.crm_end_date and getdate(doc.crm_end_date) < getdate(doc.crm_start_date):
		frappe.throw(_("End Date cannot be before Start Date"))
	if doc.crm_status == rules.APPROVED and previous != rules.APPROVED:
		doc.crm_approved_by = frappe.session.user
	if before and flt(doc.crm_budget) > flt(before.crm_budget) and doc.crm_approved_by:
		if doc.crm_status in (rules.APPROVED, rules.ACTIVE) and needs_approval(doc):
			frappe.throw(
				_("The budget was approved at {0}: send the campaign for approval again to raise it").format(
					frappe.format(before.crm_budget, {"fieldtype": "Currency", "options": doc.crm_currency})
				)
			)
	if (
		doc.crm_status == rules.ACTIVE
		and previous != rules.ACTIVE
		and needs_approval(doc)
		and not doc.crm_approved_by
	):
		frappe.throw(
			_(
				"Campaign {0} has a budget above {1} and needs a Marketing Manager or CRM Manager to approve it before it starts"
			).format(
				frappe.bold(doc.name),
				frappe.format(get_settings().campaign_approval_threshold, {"fieldtype": "Currency"}),
			),
			title=_("Approval Needed"),
		)


def needs_approval(doc) -> bool:
	return flt(doc.crm_budget) > flt(get_settings().campaign_approval_threshold)
