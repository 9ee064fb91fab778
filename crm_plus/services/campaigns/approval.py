"""A campaign over the budget threshold needs an approval before it starts, and a new one when its
budget is raised above what was approved. The rule is `crm_plus.domain.campaigns.decide_approval`;
this module feeds it the campaign as stored and as saved, and writes what it decides."""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from crm_plus.domain import campaigns as rules
from crm_plus.services.settings import get_settings
from crm_plus.services.sql import to_decimal

# Written only here, from the decision: a value a client sends for them is replaced by the stored one.
APPROVAL_FIELDS = ("crm_approved_by", "crm_approved_budget", "crm_approved_on")


def validate_campaign(doc, method=None):
	"""doc_event (validate): dates in order, and the budget approval rule."""
	if doc.crm_start_date and doc.crm_end_date and getdate(doc.crm_end_date) < getdate(doc.crm_start_date):
		frappe.throw(_("End Date cannot be before Start Date"))
	before = doc.get_doc_before_save()
	threshold = to_decimal(get_settings().campaign_approval_threshold)
	decision = rules.decide_approval(
		_plan(before) if before else None,
		doc.crm_status or rules.PLANNED,
		to_decimal(doc.crm_budget),
		threshold,
		frappe.session.user,
		frappe.get_roles(),
		now_datetime(),
	)
	if decision.refusal:
		_refuse(doc, decision, threshold)
	approval = decision.approval
	doc.crm_approved_by, doc.crm_approved_budget, doc.crm_approved_on = (
		approval.by,
		approval.budget,
		approval.on,
	)
	if decision.sent_back:
		_send_back(doc, before, approval, threshold)


def _plan(doc) -> rules.Plan:
	return rules.Plan(
		doc.crm_status or rules.PLANNED,
		to_decimal(doc.crm_budget),
		rules.Approval(
			doc.get("crm_approved_by") or None,
			to_decimal(doc.crm_approved_budget) if doc.get("crm_approved_by") else None,
			doc.get("crm_approved_on") or None,
		),
	)


def _money(doc, amount) -> str:
	return frappe.format(amount, {"fieldtype": "Currency", "options": doc.crm_currency})


def _refuse(doc, decision, threshold):
	if decision.refusal == rules.NOT_AN_APPROVER:
		frappe.throw(
			_("Only a {0} may approve campaign {1}").format(
				" / ".join(_(role) for role in rules.APPROVER_ROLES), frappe.bold(doc.name)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	if decision.refusal == rules.NOT_THROUGH_APPROVE:
		frappe.throw(
			_("Campaign {0} becomes {1} only through the {2} action of a campaign {3}").format(
				frappe.bold(doc.name), _(rules.APPROVED), _("Approve"), _(rules.PENDING_APPROVAL)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	cover = rules.covered_budget(decision.approval, threshold)
	frappe.throw(
		_(
			"Campaign {0} has a budget of {1}, above the {2} covered by approval: a Marketing Manager or CRM Manager must approve it (Submit for Approval) before it starts"
		).format(frappe.bold(doc.name), _money(doc, doc.crm_budget), _money(doc, cover)),
		title=_("Approval Needed"),
	)


def _send_back(doc, before, approval, threshold):
	"""The budget of an approved or running campaign was raised above its cover: it goes back to
	Pending Approval, if the workflow lets this user take it there (else the save is refused)."""
	from frappe.model.workflow import get_transitions

	cover = _money(doc, rules.covered_budget(approval, threshold))
	if not any(t.next_state == rules.PENDING_APPROVAL for t in get_transitions(before)):
		frappe.throw(
			_(
				"The budget of campaign {0} is covered up to {1}: a higher budget needs a new approval, and the workflow does not let you send the campaign back for approval"
			).format(frappe.bold(doc.name), cover),
			title=_("Approval Needed"),
		)
	doc.crm_status = rules.PENDING_APPROVAL
	message = _(
		"The budget of campaign {0} was raised to {1}, above the {2} covered by approval: it is back to {3} until a Marketing Manager or CRM Manager approves it"
	).format(frappe.bold(doc.name), _money(doc, doc.crm_budget), cover, _(rules.PENDING_APPROVAL))
	doc.add_comment("Workflow", _(rules.PENDING_APPROVAL))
	doc.add_comment("Info", message)
	frappe.msgprint(message, title=_("Approval Needed"), indicator="orange")
