"""Campaign approval that holds, on sites installed before it:
- the approved amount of campaigns approved so far is their budget then (now recorded at approval);
- the installed Campaign Approval workflow gets the transitions that send a campaign whose budget was
  raised back for approval (only those missing: an admin's own transitions stay as they are)."""

import json

import frappe

from crm_plus.domain.campaigns import ACTIVE, APPROVED, PENDING_APPROVAL
from crm_plus.install.custom_fields import ensure_custom_fields
from crm_plus.install.records import WORKFLOWS


def execute():
	ensure_custom_fields()  # the approval fields are custom fields, made after patches otherwise
	frappe.db.sql(
		"""
		update `tabCampaign` set crm_approved_budget = crm_budget
		where ifnull(crm_approved_by, '') != '' and ifnull(crm_approved_budget, 0) = 0
		"""
	)
	if not frappe.db.exists("Workflow", "Campaign Approval"):
		return
	records = json.loads((WORKFLOWS / "campaign_approval.json").read_text())
	shipped = next(r for r in records if r["doctype"] == "Workflow")
	workflow = frappe.get_doc("Workflow", "Campaign Approval")
	have = {(t.state, t.action, t.next_state, t.allowed) for t in workflow.transitions}
	added = False
	for t in shipped["transitions"]:
		key = (t["state"], t["action"], t["next_state"], t["allowed"])
		if t["next_state"] == PENDING_APPROVAL and t["state"] in (APPROVED, ACTIVE) and key not in have:
			workflow.append("transitions", t)
			added = True
	if added:
		workflow.flags.ignore_permissions = True
		workflow.save()
