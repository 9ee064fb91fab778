"""CRM goals: how far a measured value is towards its target, and whether that is on track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# metric -> (label, unit, higher is better)
METRICS = {
	"repurchase_rate": ("Repurchase rate", "%", True),
	"retention_rate": ("Retention rate", "%", True),
	"churn_rate": ("Churn rate", "%", False),
	"new_customer_return_rate": ("New-customer return rate", "%", True),
	"top20_revenue_share": ("Revenue share of the top 20 % of customers", "%", False),
	"average_satisfaction": ("Average satisfaction (1-5)", "", True),
	"sla_compliance": ("Complaint SLA compliance", "%", True),
	"average_resolution_hours": ("Average resolution time (hours)", "h", False),
	"campaign_roi": ("Campaign ROI", "%", True),
	"interactions_per_active_customer": ("Interactions per active customer", "", True),
}
ON_TRACK, AT_RISK, ACHIEVED, MISSED, NOT_MEASURED = (
	"On Track",
	"At Risk",
	"Achieved",
	"Missed",
	"Not Measured",
)


# Whether a metric is better higher or lower, as CRM Goal stores it
DIRECTIONS = ("Higher", "Lower")
HIGHER, LOWER = DIRECTIONS


@dataclass(frozen=True)
class Progress:
	percent: Decimal  # 0..100 of the way to the target
	status: str


def direction(metric: str) -> str:
	return HIGHER if higher_is_better(metric) else LOWER


def higher_is_better(metric: str) -> bool:
	if metric not in METRICS:
		raise ValueError(f"unknown metric {metric!r}")
	return METRICS[metric][2]


def progress(
	metric: str, value: Decimal | None, target: Decimal, start: date, end: date, today: date
) -> Progress:
	"""Progress towards the target and a status.

	Higher-is-better metrics progress as value / target; lower-is-better ones as target / value (at or
	under the target is 100 %). The goal is Achieved once the target is met, Missed when the period ended
	without it, On Track while progress keeps pace with the share of the period gone (or is within 10
	points of it), else At Risk.
	"""
	if end < start:
		raise ValueError("the period ends before it starts")
	if value is None:
		return Progress(Decimal(0), NOT_MEASURED)
	value, target = Decimal(value), Decimal(target)
	if higher_is_better(metric):
		met = value >= target
		ratio = value / target if target > 0 else Decimal(1 if met else 0)
	else:
		met = value <= target
		ratio = target / value if value > 0 else Decimal(1)
	percent = min(max(ratio * 100, Decimal(0)), Decimal(100)).quantize(Decimal("0.1"))
	if met:
		return Progress(percent, ACHIEVED)
	if today > end:
		return Progress(percent, MISSED)
	elapsed = Decimal((min(today, end) - start).days) / Decimal(max((end - start).days, 1)) * 100
	return Progress(percent, ON_TRACK if percent + 10 >= elapsed else AT_RISK)


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
	"""A percentage with one decimal; None when there is nothing to measure."""
	if not whole:
		return None
	return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"))
