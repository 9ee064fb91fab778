"""Installing crm_plus takes from no ERPNext role what ERPNext gave it on Campaign, but the approval.

The roles are read from ERPNext's own DocPerms on Campaign (every role with write, System Manager too
if ERPNext lists it). For each, a user holding that role alone, in each state of the Campaign Approval
workflow as installed on the site, may edit a campaign: the Desk leaves the form editable (it turns a
document read-only when none of the user's roles is an `allow_edit` role of its state, which Frappe
checks only in the browser, `frappe.workflow.is_read_only`), and the save goes through on the server.
The user is offered every step of the plan that is not the approval (Submit for Approval, Start,
Complete, Cancel), and never Approve or Reject, which the server refuses too.
"""

import json

import frappe
from frappe.model.workflow import apply_workflow, get_transitions, get_workflow_name
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, today

from crm_plus.constants import SALES_MANAGER, SALES_MASTER_MANAGER, SETTINGS
from crm_plus.domain import campaigns as rules
from crm_plus.install.permissions import ensure_permissions
from crm_plus.patches.v1 import campaign_erpnext_roles
from crm_plus.tests.utils import create_user, get_company

PREFIX = "_Test Keep Rights"
WORKFLOW = "Campaign Approval"
# The plan's steps other than the approval, from each state (crm_plus/workflows/README.md).
PLAN_STEPS = {
	rules.PLANNED: {"Submit for Approval", "Start", "Cancel"},
	rules.PENDING_APPROVAL: {"Cancel"},
	rules.APPROVED: {"Submit for Approval", "Start", "Cancel"},
	rules.ACTIVE: {"Submit for Approval", "Complete", "Cancel"},
	rules.COMPLETED: set(),
	rules.CANCELLED: set(),
}
APPROVAL_STEPS = {"Approve", "Reject"}


def erpnext_writers() -> list[str]:
	"""The roles ERPNext's own DocPerms on Campaign let write (level 0), as ERPNext ships them."""
	path = frappe.get_app_path("erpnext", "crm", "doctype", "campaign", "campaign.json")
	with open(path) as f:
		perms = json.load(f)["permissions"]
	return sorted({p["role"] for p in perms if p.get("write") and not p.get("permlevel")})


def editable_in_desk(state: str, user: str) -> bool:
	"""What the Desk decides for a saved document (`frappe.workflow.is_read_only`): editable when one
	of the user's roles is an `allow_edit` role of the document's state in the active workflow."""
	workflow = frappe.get_doc("Workflow", get_workflow_name("Campaign"))
	editors = {row.allow_edit for row in workflow.states if row.state == state}
	return bool(editors & set(frappe.get_roles(user)))


THRESHOLD = 1000  # campaigns of a budget above need an approval to start


class TestERPNextRolesKeepTheirRights(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_permissions()  # crm_plus's rules on Campaign (ERPNext's stay: Custom DocPerm copies them)
		cls.writers = erpnext_writers()
		cls.users = {
			role: create_user(f"crm-keep-rights-{frappe.scrub(role)}@example.com", role)
			for role in cls.writers
		}

	def tearDown(self):
		frappe.set_user("Administrator")

	def campaign(self, label: str, state: str, budget: float = 100) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": f"{PREFIX} {label} {frappe.generate_hash(length=6)}",
				"crm_company": get_company(),
				"crm_start_date": today(),
				"crm_end_date": add_days(today(), 30),
				"crm_budget": budget,
			}
		).insert(ignore_permissions=True)
		if state != rules.PLANNED:  # put there as the workflow would have (the test is what follows)
			frappe.db.set_value("Campaign", doc.name, "crm_status", state, update_modified=False)
		return doc.name

	def test_erpnext_says_who_writes_campaigns(self):
		"""The roles read from ERPNext's DocPerms (System Manager among them only if ERPNext lists it)."""
		self.assertLessEqual({SALES_MANAGER, SALES_MASTER_MANAGER}, set(self.writers))

	@change_settings(SETTINGS, campaign_approval_threshold=THRESHOLD)
	def test_each_writer_edits_a_campaign_in_every_state(self):
		for role, user in self.users.items():
			for state in rules.CAMPAIGN_STATUSES:
				with self.subTest(role=role, state=state):
					name = self.campaign(f"{role} {state}", state)
					frappe.set_user(user)
					doc = frappe.get_doc("Campaign", name)
					self.assertTrue(frappe.has_permission("Campaign", "write", doc), "ERPNext's DocPerm")
					self.assertTrue(
						editable_in_desk(state, user),
						f"the Desk shows a {state} campaign read-only to {role}",
					)
					doc.description = f"edited by {role} while {state}"
					doc.save()
					frappe.set_user("Administrator")
					self.assertEqual(
						frappe.db.get_value("Campaign", name, ["description", "crm_status"]),
						(f"edited by {role} while {state}", state),
					)

	@change_settings(SETTINGS, campaign_approval_threshold=THRESHOLD)
	def test_each_writer_takes_the_plans_steps_but_not_the_approval(self):
		for role, user in self.users.items():
			for state in rules.CAMPAIGN_STATUSES:
				with self.subTest(role=role, state=state):
					name = self.campaign(f"{role} steps {state}", state)
					frappe.set_user(user)
					offered = {t.action for t in get_transitions(frappe.get_doc("Campaign", name))}
					expected = PLAN_STEPS[state]
					if role in rules.APPROVER_ROLES and state == rules.APPROVE_FROM:
						expected = expected | APPROVAL_STEPS
					self.assertEqual(offered, expected)
					frappe.set_user("Administrator")

	@change_settings(SETTINGS, campaign_approval_threshold=THRESHOLD)
	def test_a_writer_runs_a_campaign_through_its_plan(self):
		"""Start, Complete, Submit for Approval and Cancel work for each writer; the approval waits for
		an approver, and a writer who is not one is refused it on the server as well."""
		for role, user in self.users.items():
			with self.subTest(role=role):
				run, big = (
					self.campaign(f"{role} run", rules.PLANNED),
					self.campaign(f"{role} big", rules.PLANNED, THRESHOLD * 5),
				)
				frappe.set_user(user)
				doc = apply_workflow(frappe.get_doc("Campaign", run), "Start")
				self.assertEqual(doc.crm_status, rules.ACTIVE)
				doc = apply_workflow(doc, "Complete")
				self.assertEqual(doc.crm_status, rules.COMPLETED)
				# above the threshold: no start without an approval, which a writer cannot give
				with self.assertRaises(frappe.ValidationError):
					apply_workflow(frappe.get_doc("Campaign", big), "Start")
				doc = apply_workflow(frappe.get_doc("Campaign", big), "Submit for Approval")
				self.assertEqual(doc.crm_status, rules.PENDING_APPROVAL)
				if role not in rules.APPROVER_ROLES:
					with self.assertRaises((frappe.ValidationError, frappe.PermissionError)):
						apply_workflow(frappe.get_doc("Campaign", big), "Approve")
					doc = frappe.get_doc("Campaign", big)
					doc.crm_status = rules.APPROVED
					with self.assertRaises((frappe.ValidationError, frappe.PermissionError)):
						doc.save()
				doc = apply_workflow(frappe.get_doc("Campaign", big), "Cancel")
				self.assertEqual(doc.crm_status, rules.CANCELLED)
				frappe.set_user("Administrator")
				self.assertFalse(frappe.db.get_value("Campaign", big, "crm_approved_by"))


class TestPatchGivesOlderSitesTheRows(FrappeTestCase):
	"""`crm_plus.patches.v1.campaign_erpnext_roles` on a workflow as sites installed it before, which an
	admin has since edited."""

	def tearDown(self):
		frappe.db.rollback(save_point="keep_rights_patch")
		frappe.clear_document_cache("Workflow", WORKFLOW)
		frappe.cache.hdel("workflow", "Campaign")

	def test_adds_what_is_missing_and_keeps_the_admins_rows(self):
		frappe.db.savepoint("keep_rights_patch")
		workflow = frappe.get_doc("Workflow", WORKFLOW)
		writers = erpnext_writers()
		# as installed before: ERPNext's roles edit only Planned and Active and never cancel ...
		workflow.states = [
			s
			for s in workflow.states
			if s.allow_edit not in writers or s.state in (rules.PLANNED, rules.ACTIVE)
		]
		workflow.transitions = [
			t
			for t in workflow.transitions
			if t.allowed not in writers or t.action not in ("Cancel", "Complete")
		]
		# ... and the admin's own edits: a message on a state row, a step of their own, an approver less
		completed = next(s for s in workflow.states if s.state == rules.COMPLETED)
		completed.message = "Closed by the admin's rule"
		workflow.append(
			"transitions",
			{
				"state": rules.ACTIVE,
				"action": "Complete",
				"next_state": rules.COMPLETED,
				"allowed": "Accounts Manager",
			},
		)
		workflow.transitions = [
			t
			for t in workflow.transitions
			if not (t.action == "Reject" and t.allowed == rules.APPROVER_ROLES[0])
		]
		workflow.save(ignore_permissions=True)

		campaign_erpnext_roles.execute()

		workflow = frappe.get_doc("Workflow", WORKFLOW)
		for role in writers:
			for state in rules.CAMPAIGN_STATUSES:
				self.assertIn((state, role), {(s.state, s.allow_edit) for s in workflow.states})
				steps = {t.action for t in workflow.transitions if t.state == state and t.allowed == role}
				self.assertEqual(steps, PLAN_STEPS[state], (role, state))
		self.assertEqual(workflow.states[0].state, rules.PLANNED)  # the default state stays first
		self.assertIn("Closed by the admin's rule", {s.message for s in workflow.states})
		self.assertIn(
			(rules.ACTIVE, "Complete", "Accounts Manager"),
			{(t.state, t.action, t.allowed) for t in workflow.transitions},
		)
		rejecters = {t.allowed for t in workflow.transitions if t.action == "Reject"}
		self.assertNotIn(rules.APPROVER_ROLES[0], rejecters)  # the approval step is the admin's
		# run again: nothing more to add
		self.assertEqual(campaign_erpnext_roles.missing_rows(workflow, _shipped()), 0)


def _shipped() -> dict:
	from crm_plus.install.records import WORKFLOWS

	records = json.loads((WORKFLOWS / "campaign_approval.json").read_text())
	return next(r for r in records if r["doctype"] == "Workflow")
