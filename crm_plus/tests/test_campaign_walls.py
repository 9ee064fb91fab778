"""The campaign approval over REST, as the users who hold the roles (no Administrator).

A Sales Manager plans and starts campaigns; only a Marketing Manager or CRM Manager approves a budget,
and only through the workflow's Approve action. Requests of Frappe's test client run in their own
thread and database connection, so the fixtures are committed, and removed again in tearDownClass.
"""

import json

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import add_days, get_test_client, today

from crm_plus.constants import CRM_MANAGER, MARKETING_MANAGER, SALES_MANAGER, SETTINGS
from crm_plus.domain.campaigns import ACTIVE, APPROVED, PENDING_APPROVAL, PLANNED
from crm_plus.install.permissions import ensure_permissions
from crm_plus.tests.security import token
from crm_plus.tests.utils import create_user, get_company

PREFIX = "_Test Walls"
USERS = {
	SALES_MANAGER: "crm-walls-sales-manager@example.com",
	MARKETING_MANAGER: "crm-walls-marketing@example.com",
	CRM_MANAGER: "crm-walls-crm-manager@example.com",
}
THRESHOLD = 1000


class TestCampaignApprovalOverREST(FrappeAPITestCase):
	TEST_CLIENT = get_test_client(use_cookies=False)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		_cleanup()
		ensure_permissions()
		cls.auth = {role: f"{token(create_user(email, role))}" for role, email in USERS.items()}
		cls.threshold = frappe.db.get_single_value(SETTINGS, "campaign_approval_threshold")
		frappe.db.set_single_value(SETTINGS, "campaign_approval_threshold", THRESHOLD)
		frappe.db.commit()  # nosemgrep: the request threads must see the users and the threshold

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.set_single_value(SETTINGS, "campaign_approval_threshold", cls.threshold or 0)
		_cleanup()
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	# ------------------------------------------------------------ requests as a role

	def as_(self, role, verb, path, data=None):
		headers = {"Authorization": self.auth[role]}
		return getattr(self, verb)(path, data, headers=headers)

	def create(self, role, label, budget) -> str:
		response = self.as_(
			role,
			"post",
			self.resource("Campaign"),
			{
				"campaign_name": f"{PREFIX} {label}",
				"crm_company": get_company(),
				"crm_start_date": today(),
				"crm_end_date": add_days(today(), 30),
				"crm_budget": budget,
			},
		)
		self.assertEqual(response.status_code, 200, response.json)
		return response.json["data"]["name"]

	def act(self, role, name, action):
		return self.as_(
			role,
			"post",
			self.method("frappe.model.workflow.apply_workflow"),
			{"doc": json.dumps({"doctype": "Campaign", "name": name}), "action": action},
		)

	def stored(self, name) -> frappe._dict:
		frappe.db.rollback()  # see what the request threads committed
		return frappe.db.get_value(
			"Campaign",
			name,
			["crm_status", "crm_budget", "crm_approved_by", "crm_approved_budget", "crm_approved_on"],
			as_dict=True,
		)

	# ------------------------------------------------------------ the two findings

	def test_an_approval_written_by_the_client_does_not_start_a_campaign(self):
		name = self.create(SALES_MANAGER, "Self Approved", 5000)
		me = USERS[SALES_MANAGER]
		response = self.as_(SALES_MANAGER, "put", self.resource("Campaign", name), {"crm_approved_by": me})
		self.assertIn(response.status_code, (200, 403, 417))
		self.assertIsNone(self.stored(name).crm_approved_by)  # refused or ignored, never stored
		response = self.act(SALES_MANAGER, name, "Start")
		self.assertNotEqual(response.status_code, 200)
		self.assertEqual(self.stored(name).crm_status, PLANNED)

	def test_raising_the_budget_of_a_running_campaign_needs_a_new_approval(self):
		name = self.create(SALES_MANAGER, "Small Then Big", 500)
		self.assertEqual(self.act(SALES_MANAGER, name, "Start").status_code, 200)
		self.assertEqual(self.stored(name).crm_status, ACTIVE)
		response = self.as_(SALES_MANAGER, "put", self.resource("Campaign", name), {"crm_budget": 50000})
		campaign = self.stored(name)
		if response.status_code == 200:  # saved: the campaign went back for approval
			self.assertEqual((campaign.crm_status, campaign.crm_budget), (PENDING_APPROVAL, 50000))
		else:  # or refused, and nothing changed
			self.assertEqual((campaign.crm_status, campaign.crm_budget), (ACTIVE, 500))

	# ------------------------------------------------------------ the way that works

	def test_the_approve_action_of_an_approver_is_what_counts(self):
		name = self.create(SALES_MANAGER, "Approved Properly", 5000)
		self.assertEqual(self.act(SALES_MANAGER, name, "Submit for Approval").status_code, 200)
		# a Sales Manager can neither take the Approve action nor write the state
		self.assertNotEqual(self.act(SALES_MANAGER, name, "Approve").status_code, 200)
		self.as_(SALES_MANAGER, "put", self.resource("Campaign", name), {"crm_status": APPROVED})
		self.assertEqual(self.stored(name).crm_status, PENDING_APPROVAL)
		# an approver's stray write of the fields is ignored too
		self.as_(
			MARKETING_MANAGER,
			"put",
			self.resource("Campaign", name),
			{"crm_approved_by": USERS[MARKETING_MANAGER], "crm_approved_budget": 1_000_000},
		)
		self.assertIsNone(self.stored(name).crm_approved_budget or None)
		response = self.act(MARKETING_MANAGER, name, "Approve")
		self.assertEqual(response.status_code, 200, response.json)
		campaign = self.stored(name)
		self.assertEqual(
			(campaign.crm_status, campaign.crm_approved_by, campaign.crm_approved_budget),
			(APPROVED, USERS[MARKETING_MANAGER], 5000),
		)
		self.assertIsNotNone(campaign.crm_approved_on)
		self.assertEqual(self.act(SALES_MANAGER, name, "Start").status_code, 200)
		self.assertEqual(self.stored(name).crm_status, ACTIVE)
		# within the approved amount: stays Active; above it: back for approval, the record kept
		self.as_(SALES_MANAGER, "put", self.resource("Campaign", name), {"crm_budget": 4000})
		self.as_(SALES_MANAGER, "put", self.resource("Campaign", name), {"crm_budget": 5000})
		self.assertEqual(self.stored(name).crm_status, ACTIVE)
		response = self.as_(SALES_MANAGER, "put", self.resource("Campaign", name), {"crm_budget": 8000})
		self.assertEqual(response.status_code, 200, response.json)
		campaign = self.stored(name)
		self.assertEqual((campaign.crm_status, campaign.crm_approved_budget), (PENDING_APPROVAL, 5000))
		self.assertEqual(self.act(CRM_MANAGER, name, "Approve").status_code, 200)
		campaign = self.stored(name)
		self.assertEqual(
			(campaign.crm_status, campaign.crm_approved_by, campaign.crm_approved_budget),
			(APPROVED, USERS[CRM_MANAGER], 8000),
		)

	def test_a_small_campaign_starts_without_approval(self):
		name = self.create(SALES_MANAGER, "Small", THRESHOLD)
		self.assertEqual(self.act(SALES_MANAGER, name, "Start").status_code, 200)
		campaign = self.stored(name)
		self.assertEqual((campaign.crm_status, campaign.crm_approved_by), (ACTIVE, None))


def _cleanup():
	names = frappe.get_all("Campaign", filters={"campaign_name": ("like", f"{PREFIX}%")}, pluck="name")
	if names:
		frappe.db.delete("Comment", {"reference_doctype": "Campaign", "reference_name": ("in", names)})
		frappe.db.delete("Version", {"ref_doctype": "Campaign", "docname": ("in", names)})
		frappe.db.delete("Campaign", {"name": ("in", names)})
