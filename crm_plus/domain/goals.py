"""CRM goals: how far a measured value is towards its target, and whether that is on track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple


class Metric(NamedTuple):
	"""A goal's metric: its label is the value CRM Goal stores and shows (the Desk translates it)."""

	label: str
	unit: str  # "%", "h" or "" for a plain number
	higher_is_better: bool


REPURCHASE_RATE = "Repurchase Rate"
RETENTION_RATE = "Retention Rate"
CHURN_RATE = "Churn Rate"
NEW_CUSTOMER_RETURN_RATE = "New Customer Return Rate"
TOP20_REVENUE_SHARE = "Revenue Share of the Top 20% of Customers"
AVERAGE_SATISFACTION = "Average Satisfaction (1-5)"
SLA_COMPLIANCE = "Complaint SLA Compliance"
AVERAGE_RESOLUTION_HOURS = "Average Resolution Time (Hours)"
CAMPAIGN_ROI = "Campaign ROI"
INTERACTIONS_PER_ACTIVE_CUSTOMER = "Interactions per Active Customer"

# label -> metric, in the order CRM Goal offers them
METRICS = {
	m.label: m
	for m in (
		Metric(REPURCHASE_RATE, "%", True),
		Metric(RETENTION_RATE, "%", True),
		Metric(CHURN_RATE, "%", False),
		Metric(NEW_CUSTOMER_RETURN_RATE, "%", True),
		Metric(TOP20_REVENUE_SHARE, "%", False),
		Metric(AVERAGE_SATISFACTION, "", True),
		Metric(SLA_COMPLIANCE, "%", True),
		Metric(AVERAGE_RESOLUTION_HOURS, "h", False),
		Metric(CAMPAIGN_ROI, "%", True),
		Metric(INTERACTIONS_PER_ACTIVE_CUSTOMER, "", True),
	)
}
# What sites stored before the metrics had labels (the v1 patch `select_labels` converts them; API
# callers and scripts that still send them are understood).
FORMER_METRICS = {
	"repurchase_rate": REPURCHASE_RATE,
	"retention_rate": RETENTION_RATE,
	"churn_rate": CHURN_RATE,
	"new_customer_return_rate": NEW_CUSTOMER_RETURN_RATE,
	"top20_revenue_share": TOP20_REVENUE_SHARE,
	"average_satisfaction": AVERAGE_SATISFACTION,
	"sla_compliance": SLA_COMPLIANCE,
	"average_resolution_hours": AVERAGE_RESOLUTION_HOURS,
	"campaign_roi": CAMPAIGN_ROI,
	"interactions_per_active_customer": INTERACTIONS_PER_ACTIVE_CUSTOMER,
}


def metric_of(value: str | None) -> str | None:
	"""The metric a stored or requested value names: a metric's label, or its former internal name;
	None for no value. ValueError for anything else."""
	if not value:
		return None
	metric = FORMER_METRICS.get(value, value)
	if metric not in METRICS:
		raise ValueError(f"unknown metric {value!r}")
	return metric


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
	return METRICS[metric].higher_is_better


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
