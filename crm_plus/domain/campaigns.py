"""Campaign and campaign member states, and the member funnel.

The one definition of a campaign's statuses, of a member's statuses, of which members are suppressed
(never targeted, mailed or credited again) and of the funnel's stages: every query, report and form of
crm_plus reads them from here.
"""

from __future__ import annotations

from collections.abc import Mapping

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
