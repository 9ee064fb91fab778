"""ERPNext's roles keep their rights on Campaign, on sites installed before: the installed Campaign
Approval workflow gets the rows of crm_plus's workflow file that it lacks (who may edit in each state,
and the transitions Submit for Approval, Start, Complete and Cancel), so that Sales Manager and Sales
Master Manager, who may write campaigns in ERPNext, are no longer shut out of them.

Only missing rows are added: a row an admin added or changed stays as it is, and nothing is removed.
The approval step (Approve, Reject from Pending Approval) is left as the site has it, and a state the
admin removed from the workflow gets no rows."""

import json

import frappe

from crm_plus.domain.campaigns import APPROVE_FROM, CANCELLED
from crm_plus.install.records import WORKFLOWS

WORKFLOW = "Campaign Approval"


def execute():
	if not frappe.db.exists("Workflow", WORKFLOW):
		return
	records = json.loads((WORKFLOWS / "campaign_approval.json").read_text())
	shipped = next(r for r in records if r["doctype"] == "Workflow" and r["workflow_name"] == WORKFLOW)
	workflow = frappe.get_doc("Workflow", WORKFLOW)
	if missing_rows(workflow, shipped):
		workflow.flags.ignore_permissions = True
		workflow.save()


def missing_rows(workflow, shipped: dict) -> int:
	"""Append to `workflow` the state rows and transitions of `shipped` it lacks (see above); the number
	appended."""
	states = {row.state for row in workflow.states}
	editors = {(row.state, row.allow_edit) for row in workflow.states}
	moves = {(t.state, t.action, t.next_state, t.allowed) for t in workflow.transitions}
	added = 0
	for row in shipped["states"]:
		if row["state"] in states and (row["state"], row["allow_edit"]) not in editors:
			workflow.append("states", row)
			added += 1
	for row in shipped["transitions"]:
		if row["state"] == APPROVE_FROM and row["next_state"] != CANCELLED:
			continue  # Approve and Reject: the approval step stays the approvers' (and the admin's)
		key = (row["state"], row["action"], row["next_state"], row["allowed"])
		if row["state"] in states and row["next_state"] in states and key not in moves:
			workflow.append("transitions", row)
			added += 1
	return added
