import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.constants import CRM_MANAGER, MARKETING_MANAGER, SALES_MANAGER, SYSTEM_MANAGER
from crm_plus.domain import campaigns
from crm_plus.domain.campaigns import (
	ACTIVE,
	APPROVED,
	CAMPAIGN_STATUSES,
	CANCELLED,
	COMPLETED,
	CONTACTED,
	CONVERTED,
	INBOUND,
	NO_APPROVAL,
	NOT_AN_APPROVER,
	NOT_THROUGH_APPROVE,
	OUTBOUND,
	PENDING_APPROVAL,
	PLANNED,
	RESPONDED,
	TARGETED,
	UNAPPROVED_START,
	UNSUBSCRIBED,
	Approval,
	Plan,
	decide_approval,
	status_after_interaction,
)

THRESHOLD = Decimal(1000)
NOW = datetime(2026, 5, 4, 10, 30)
SALES = "sales@example.com"
MARKETING = "marketing@example.com"
EARLIER = Approval(MARKETING, Decimal(5000), datetime(2026, 5, 1, 9, 0))
WORKFLOW = Path(__file__).resolve().parent.parent / "crm_plus" / "workflows" / "campaign_approval.json"


def decide(before, status, budget, roles=(SALES_MANAGER,), user=SALES, threshold=THRESHOLD):
	return decide_approval(before, status, Decimal(budget), threshold, user, roles, NOW)


# ---------------------------------------------------------------- the Approve transition


def test_approve_records_who_what_and_when():
	decision = decide(Plan(PENDING_APPROVAL, Decimal(5000)), APPROVED, 5000, (MARKETING_MANAGER,), MARKETING)
	assert decision.refusal is None
	assert decision.status == APPROVED
	assert decision.approval == Approval(MARKETING, Decimal(5000), NOW)


@pytest.mark.parametrize("role", [MARKETING_MANAGER, CRM_MANAGER])
def test_each_approver_role_may_approve(role):
	decision = decide(Plan(PENDING_APPROVAL, Decimal(5000)), APPROVED, 5000, (role,), "boss@example.com")
	assert decision.approval.by == "boss@example.com"


@pytest.mark.parametrize("roles", [(SALES_MANAGER,), (SYSTEM_MANAGER,), ()])
def test_others_may_not_approve(roles):
	decision = decide(Plan(PENDING_APPROVAL, Decimal(5000)), APPROVED, 5000, roles)
	assert decision.refusal == NOT_AN_APPROVER
	assert decision.approval == NO_APPROVAL


@pytest.mark.parametrize("previous", [None, PLANNED, ACTIVE, COMPLETED, CANCELLED])
def test_approved_only_from_pending_approval(previous):
	before = Plan(previous, Decimal(5000)) if previous else None
	decision = decide(before, APPROVED, 5000, (MARKETING_MANAGER,), MARKETING)
	assert decision.refusal == NOT_THROUGH_APPROVE


def test_the_approved_budget_is_the_one_saved_with_the_approval():
	decision = decide(Plan(PENDING_APPROVAL, Decimal(5000)), APPROVED, 7000, (CRM_MANAGER,), MARKETING)
	assert decision.approval.budget == Decimal(7000)


# ---------------------------------------------------------------- approval fields are never the client's


@pytest.mark.parametrize("status", CAMPAIGN_STATUSES)
def test_a_save_keeps_the_stored_approval(status):
	"""The approval fields a save carries are not an input: outside the Approve transition the stored
	approval is kept, whatever the client wrote."""
	before = Plan(status, Decimal(500), EARLIER)
	decision = decide(before, status, 500)
	assert decision.approval == EARLIER


def test_a_new_campaign_starts_with_no_approval():
	assert decide(None, PLANNED, 5000).approval == NO_APPROVAL


# ---------------------------------------------------------------- starting


def test_start_above_the_threshold_without_approval_is_refused():
	"""The finding: budget 5,000 over a threshold of 1,000, approval written by the client, Start."""
	decision = decide(Plan(PLANNED, Decimal(5000)), ACTIVE, 5000)
	assert decision.refusal == UNAPPROVED_START


def test_start_within_the_threshold_needs_no_approval():
	assert decide(Plan(PLANNED, Decimal(1000)), ACTIVE, 1000).refusal is None


def test_start_within_the_approved_budget():
	decision = decide(Plan(APPROVED, Decimal(5000), EARLIER), ACTIVE, 5000)
	assert (decision.status, decision.refusal, decision.approval) == (ACTIVE, None, EARLIER)


def test_start_above_the_approved_budget_is_refused():
	assert decide(Plan(APPROVED, Decimal(5000), EARLIER), ACTIVE, 6000).refusal == UNAPPROVED_START


def test_start_from_planned_with_an_older_approval_is_covered_by_it():
	assert decide(Plan(PLANNED, Decimal(4000), EARLIER), ACTIVE, 4000).refusal is None


def test_a_new_campaign_inserted_active_needs_cover():
	assert decide(None, ACTIVE, 5000).refusal == UNAPPROVED_START
	assert decide(None, ACTIVE, 500).refusal is None


# ---------------------------------------------------------------- raising the budget later


def test_raising_an_active_campaign_above_the_threshold_sends_it_back():
	"""The finding: started at 500, raised to 50,000 while Active."""
	decision = decide(Plan(ACTIVE, Decimal(500)), ACTIVE, 50000)
	assert (decision.status, decision.sent_back, decision.refusal) == (PENDING_APPROVAL, True, None)
	assert decision.approval == NO_APPROVAL


def test_raising_above_the_approved_budget_sends_it_back_keeping_the_record():
	for status in (APPROVED, ACTIVE):
		decision = decide(Plan(status, Decimal(5000), EARLIER), status, 5001)
		assert (decision.status, decision.sent_back) == (PENDING_APPROVAL, True)
		assert decision.approval == EARLIER


def test_raising_within_the_approved_budget_is_fine():
	decision = decide(Plan(ACTIVE, Decimal(3000), EARLIER), ACTIVE, 5000)
	assert (decision.status, decision.sent_back) == (ACTIVE, False)


def test_lowering_or_keeping_the_budget_never_needs_approval():
	# an older campaign above the threshold with no recorded amount is left alone until raised
	assert decide(Plan(ACTIVE, Decimal(9000)), ACTIVE, 9000).status == ACTIVE
	assert decide(Plan(ACTIVE, Decimal(9000)), ACTIVE, 8000).status == ACTIVE


@pytest.mark.parametrize("status", [PLANNED, PENDING_APPROVAL, COMPLETED, CANCELLED])
def test_raising_outside_the_committed_states_is_free(status):
	decision = decide(Plan(status, Decimal(500)), status, 50000)
	assert (decision.status, decision.refusal, decision.sent_back) == (status, None, False)


def test_unknown_status_is_an_error():
	with pytest.raises(ValueError):
		decide(None, "Running", 10)


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@given(
	previous=st.sampled_from(CAMPAIGN_STATUSES),
	status=st.sampled_from(CAMPAIGN_STATUSES),
	before_budget=money,
	budget=money,
	approved=st.one_of(st.none(), money),
	threshold=money,
	roles=st.sets(st.sampled_from([SALES_MANAGER, MARKETING_MANAGER, CRM_MANAGER, SYSTEM_MANAGER])),
)
def test_no_save_leaves_a_running_campaign_above_its_cover_after_a_raise_or_start(
	previous, status, before_budget, budget, approved, threshold, roles
):
	approval = Approval(MARKETING, approved, EARLIER.on) if approved is not None else NO_APPROVAL
	before = Plan(previous, before_budget, approval)
	decision = decide_approval(before, status, budget, threshold, SALES, roles, NOW)
	if decision.refusal:
		return
	# whatever was written, the approval is the stored one or a new one from the Approve transition
	assert decision.approval == approval or (
		previous == PENDING_APPROVAL and status == APPROVED and decision.approval.on == NOW
	)
	if decision.status == ACTIVE and (previous != ACTIVE or budget > before_budget):
		assert budget <= campaigns.covered_budget(decision.approval, threshold)


# ---------------------------------------------------------------- members from interactions


def test_outbound_contacts_a_targeted_member():
	assert status_after_interaction(TARGETED, OUTBOUND) == CONTACTED
	assert status_after_interaction(CONTACTED, OUTBOUND) is None


def test_inbound_is_a_response():
	assert status_after_interaction(TARGETED, INBOUND) == RESPONDED
	assert status_after_interaction(CONTACTED, INBOUND) == RESPONDED


@pytest.mark.parametrize("status", [RESPONDED, CONVERTED, UNSUBSCRIBED, "Bounced"])
@pytest.mark.parametrize("direction", [OUTBOUND, INBOUND])
def test_a_member_never_moves_back(status, direction):
	assert status_after_interaction(status, direction) is None


# ---------------------------------------------------------------- the workflow file agrees


def _workflow():
	return next(r for r in json.loads(WORKFLOW.read_text()) if r["doctype"] == "Workflow")


def test_the_approve_action_is_for_the_approver_roles():
	approve = {
		t["allowed"]
		for t in _workflow()["transitions"]
		if (t["state"], t["next_state"]) == (campaigns.APPROVE_FROM, campaigns.APPROVE_TO)
	}
	assert approve == set(campaigns.APPROVER_ROLES)
	# and Approved is reached by no other transition
	into = {(t["state"], t["action"]) for t in _workflow()["transitions"] if t["next_state"] == APPROVED}
	assert into == {(PENDING_APPROVAL, "Approve")}


def test_who_may_edit_a_committed_campaign_may_send_it_back_for_approval():
	"""A budget raised above the approval sends the campaign back to Pending Approval: Frappe allows the
	state change only if the workflow has that transition for the user."""
	workflow = _workflow()
	for state in campaigns.COMMITTED_STATES:
		editors = {s["allow_edit"] for s in workflow["states"] if s["state"] == state}
		back = {
			t["allowed"]
			for t in workflow["transitions"]
			if t["state"] == state and t["next_state"] == PENDING_APPROVAL
		}
		assert editors <= back, (state, editors - back)
