"""Campaign and campaign member states, the budget approval rule, and the member funnel.

The one definition of a campaign's statuses, of a member's statuses, of which members are suppressed
(never targeted, mailed or credited again), of when a campaign's budget needs an approval and of the
funnel's stages: every query, report and form of crm_plus reads them from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from crm_plus.constants import CRM_MANAGER, MARKETING_MANAGER

# A campaign's plan, on ERPNext's Campaign (`crm_status`), moved by the Campaign Approval workflow.
CAMPAIGN_STATUSES = ("Planned", "Pending Approval", "Approved", "Active", "Completed", "Cancelled")
PLANNED, PENDING_APPROVAL, APPROVED, ACTIVE, COMPLETED, CANCELLED = CAMPAIGN_STATUSES

# A member's way through the campaign, furthest last; the two suppressed states end it.
MEMBER_STATUSES = ("Targeted", "Contacted", "Responded", "Converted", "Unsubscribed", "Bounced")
TARGETED, CONTACTED, RESPONDED, CONVERTED, UNSUBSCRIBED, BOUNCED = MEMBER_STATUSES
SUPPRESSED = (UNSUBSCRIBED, BOUNCED)
RESPONSE_STATUSES = (RESPONDED, CONVERTED)  # a member who answered: a response date is due

# The funnel: each stage counts the members who reached it or went further.
FUNNEL_STAGES = {
	"contacted": (CONTACTED, RESPONDED, CONVERTED),
	"responded": RESPONSE_STATUSES,
	"converted": (CONVERTED,),
}


def funnel(counts: Mapping[str, int]) -> dict[str, int]:
	"""Members reached at each stage from the number of members in each status."""
	return {
		"targeted": sum(counts.values()),
		**{stage: sum(counts.get(s, 0) for s in statuses) for stage, statuses in FUNNEL_STAGES.items()},
		"unsubscribed": sum(counts.get(s, 0) for s in SUPPRESSED),
	}


# ---------------------------------------------------------------- budget approval

# Who may approve a campaign's budget: the roles of the workflow's Approve action (Pending Approval >
# Approved). The approval is recorded only on that transition, by one of these roles.
APPROVER_ROLES = (MARKETING_MANAGER, CRM_MANAGER)
APPROVE_FROM, APPROVE_TO = PENDING_APPROVAL, APPROVED
# States in which the budget is committed: a raise above what was approved needs a new approval.
COMMITTED_STATES = (APPROVED, ACTIVE)

# Why a save is refused (the service words the message).
NOT_AN_APPROVER = "not_an_approver"  # the Approve transition by someone without an approver role
NOT_THROUGH_APPROVE = "not_through_approve"  # into Approved other than from Pending Approval
UNAPPROVED_START = "unapproved_start"  # starting with a budget above what is covered


@dataclass(frozen=True)
class Approval:
	"""Who approved a campaign's budget, up to which amount and when; empty when nobody did."""

	by: str | None = None
	budget: Decimal | None = None
	on: datetime | None = None


NO_APPROVAL = Approval()


@dataclass(frozen=True)
class Plan:
	"""The part of a campaign the approval rule reads: its status, budget and the approval it holds."""

	status: str
	budget: Decimal
	approval: Approval = NO_APPROVAL


@dataclass(frozen=True)
class ApprovalDecision:
	"""What a save of a campaign becomes: the status and approval to store, or a refusal."""

	status: str
	approval: Approval
	refusal: str | None = None
	sent_back: bool = False  # the budget was raised above the approval: back to Pending Approval


def covered_budget(approval: Approval, threshold: Decimal) -> Decimal:
	"""The highest budget a campaign may run with: the threshold, or the amount approved if higher."""
	return max(Decimal(threshold), Decimal(approval.budget or 0))


def decide_approval(
	before: Plan | None,
	status: str,
	budget: Decimal,
	threshold: Decimal,
	user: str,
	roles: Iterable[str],
	now: datetime,
) -> ApprovalDecision:
	"""The approval rule for one save of a campaign.

	`before` is the campaign as stored (None for a new one), `status` and `budget` what the save writes;
	the approval fields the save carries are never read: the approval kept is the stored one, replaced
	only on the Approve transition (Pending Approval > Approved) by a user holding an approver role,
	who then approves the budget being saved. A campaign may be Active, or start, only with a budget
	within `covered_budget`; raising the budget of an Approved or Active campaign above it sends the
	campaign back to Pending Approval (a new approval is needed; the one before is kept as a record).
	"""
	if status not in CAMPAIGN_STATUSES:
		raise ValueError(
			f"Unknown campaign status {status!r}; expected one of {', '.join(CAMPAIGN_STATUSES)}"
		)
	budget = Decimal(budget or 0)
	previous = before.status if before else None
	approval = before.approval if before else NO_APPROVAL
	if status == APPROVE_TO and previous != APPROVE_TO:
		if previous != APPROVE_FROM:
			return ApprovalDecision(status, approval, NOT_THROUGH_APPROVE)
		if not set(roles) & set(APPROVER_ROLES):
			return ApprovalDecision(status, approval, NOT_AN_APPROVER)
		approval = Approval(user, budget, now)
	cover = covered_budget(approval, threshold)
	starting = status == ACTIVE and previous != ACTIVE
	if starting and budget > cover:
		return ApprovalDecision(status, approval, UNAPPROVED_START)
	raised = before is not None and budget > Decimal(before.budget or 0)
	if status in COMMITTED_STATES and not starting and raised and budget > cover:
		return ApprovalDecision(PENDING_APPROVAL, approval, sent_back=True)
	return ApprovalDecision(status, approval)


# ---------------------------------------------------------------- a member's way from interactions

OUTBOUND, INBOUND = "Outbound", "Inbound"  # Customer Interaction's directions


def status_after_interaction(status: str, direction: str) -> str | None:
	"""A member's status once an interaction tagged with its campaign is logged for it: an outbound
	one (a call made, a mail sent) makes a targeted member Contacted, an inbound one makes a targeted
	or contacted member Responded. None when it does not move: a member never moves backwards, and
	Responded, Converted, Unsubscribed and Bounced are left alone."""
	if direction == OUTBOUND and status == TARGETED:
		return CONTACTED
	if direction == INBOUND and status in (TARGETED, CONTACTED):
		return RESPONDED
	return None
