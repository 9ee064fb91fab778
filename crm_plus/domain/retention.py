"""Customer value segmentation (RFM, 80/20, profit rank) and explainable churn risk.

Pure functions over per-customer aggregates. Population statistics (RFM cut points, Pareto
thresholds) are computed once over the whole population; the per-customer functions then need only
that customer's facts plus those statistics, so callers can stream customers in chunks.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from crm_plus.domain.i18n import N_

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
_RATIO = Decimal("0.0001")

Number = Decimal | int


def _dec(value: Number) -> Decimal:
	return value if isinstance(value, Decimal) else Decimal(value)


def _clamp01(x: Decimal) -> Decimal:
	return min(ONE, max(ZERO, x))


def _num(x: Decimal) -> str:
	"""12 / 3.1 style: one decimal, trailing .0 dropped."""
	s = str(x.quantize(_TENTH, ROUND_HALF_UP))
	return s[:-2] if s.endswith(".0") else s


def _money(x: Decimal) -> str:
	return f"{x.quantize(CENT, ROUND_HALF_UP):,.2f}"


def _ratio(x: Decimal) -> Decimal:
	return x.quantize(_RATIO, ROUND_HALF_UP)


def _pct(x: Decimal) -> str:
	return f"{(x * 100).quantize(ONE, ROUND_HALF_UP)}%"


# --- Usual purchase gap ---------------------------------------------------------------------------


def usual_gap_days(purchase_dates: Iterable[date]) -> Decimal | None:
	"""Exact usual gap: median of the day gaps between consecutive distinct purchase dates.

	Input order and repeated dates do not matter (datetimes count by their date). None with fewer
	than two distinct dates. Robust to one long pause, unlike the mean of `usual_gap_from_span`.
	"""
	days = sorted({d.date() if isinstance(d, datetime) else d for d in purchase_dates})
	if len(days) < 2:
		return None
	return statistics.median(Decimal((b - a).days) for a, b in pairwise(days))


def usual_gap_from_span(first: date | None, last: date | None, distinct_purchase_days: int) -> Decimal | None:
	"""Approximate usual gap from aggregates: mean gap = (last - first) / (distinct days - 1).

	For SQL that only yields MIN(posting_date), MAX(posting_date), COUNT(DISTINCT posting_date).
	None with fewer than two distinct days or an empty span. Rounded to 0.01 day.
	"""
	if first is None or last is None or distinct_purchase_days < 2 or last <= first:
		return None
	gap = Decimal((last - first).days) / Decimal(distinct_purchase_days - 1)
	return gap.quantize(CENT, ROUND_HALF_UP)


# --- Customer facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFacts:
	"""Aggregates of one customer in one company, as computed by the service layer."""

	customer: str
	company: str = ""
	first_purchase: date | None = None
	last_purchase: date | None = None
	frequency: int = 0  # submitted non-return invoices
	monetary: Decimal = ZERO  # net revenue after credit notes
	returns_amount: Decimal = ZERO  # value of credit notes, positive
	gross_profit: Decimal = ZERO
	revenue_recent: Decimal = ZERO  # e.g. the last 180 days
	revenue_previous: Decimal = ZERO  # the period of equal length before that
	outstanding: Decimal = ZERO
	overdue: Decimal = ZERO
	open_complaints: int = 0
	recent_complaints: int = 0
	last_satisfaction: int | None = None  # 1..5
	negative_interactions: int = 0  # recent
	usual_gap_days: Decimal | None = None

	@property
	def has_purchases(self) -> bool:
		return self.last_purchase is not None and self.frequency > 0


def recency_days(facts: CustomerFacts, as_of: date) -> int | None:
	"""Days from the last purchase to `as_of` (never negative); None without purchases."""
	if not facts.has_purchases:
		return None
	return max(0, (as_of - facts.last_purchase).days)


# --- RFM ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cutpoints:
	"""Quintile boundaries (q20, q40, q60, q80), non-decreasing.

	Score (higher is better) = 1 + number of boundaries strictly below the value, so a value equal to
	a boundary falls in the lower quintile and equal values always share a score.
	"""

	bounds: tuple[Decimal, Decimal, Decimal, Decimal]

	def __post_init__(self):
		bounds = tuple(_dec(b) for b in self.bounds)
		if len(bounds) != 4 or any(a > b for a, b in pairwise(bounds)):
			raise ValueError(f"need 4 ascending cut points, got {self.bounds!r}")
		object.__setattr__(self, "bounds", bounds)


def cutpoints(values: Iterable[Number]) -> Cutpoints:
	"""Quintile cut points of a population by the nearest-rank method (Hyndman-Fan type 1).

	Boundary k (1..4) is the value at 1-based ascending position ceil(k * n / 5), which SQL can
	reproduce with ROW_NUMBER(). With n distinct values quintile k holds exactly
	ceil(k*n/5) - ceil((k-1)*n/5) of them; populations under 5 leave the top quintile empty.
	"""
	ordered = sorted(_dec(v) for v in values)
	n = len(ordered)
	if not n:
		raise ValueError("cannot compute cut points of an empty population")
	return Cutpoints(tuple(ordered[-(-k * n // 5) - 1] for k in range(1, 5)))


def quintile(value: Number, cuts: Cutpoints, higher_is_better: bool = True) -> int:
	"""Score 1..5 of a value against population cut points; 5 is best."""
	score = 1 + sum(1 for b in cuts.bounds if _dec(value) > b)
	return score if higher_is_better else 6 - score


@dataclass(frozen=True)
class RFM:
	r: int
	f: int
	m: int

	@property
	def fm(self) -> int:
		"""Mean of F and M, halves rounded up."""
		return (self.f + self.m + 1) // 2

	@property
	def code(self) -> str:
		return f"{self.r}{self.f}{self.m}"


def rfm_scores(
	facts: CustomerFacts,
	as_of: date,
	recency_cuts: Cutpoints,
	frequency_cuts: Cutpoints,
	monetary_cuts: Cutpoints,
) -> RFM | None:
	"""R from days since last purchase (fewer is better), F from invoice count, M from net revenue.

	The cut points must come from the same measures over the whole population. None without purchases.
	"""
	days = recency_days(facts, as_of)
	if days is None:
		return None
	return RFM(
		quintile(days, recency_cuts, higher_is_better=False),
		quintile(facts.frequency, frequency_cuts),
		quintile(facts.monetary, monetary_cuts),
	)


SEGMENTS = ("Champions", "Loyal", "Potential", "New", "At Risk", "Can't Lose", "Hibernating", "Lost")

# The common R x FM grid, folded onto the eight segments (promising, potential loyalists and
# need attention -> Potential; about to sleep -> Hibernating).
_GRID = (
	# columns: FM = 1..5
	("Lost", "Lost", "At Risk", "At Risk", "Can't Lose"),  # R = 1
	("Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose"),  # R = 2
	("Hibernating", "Hibernating", "Potential", "Loyal", "Loyal"),  # R = 3
	("Potential", "Potential", "Potential", "Loyal", "Loyal"),  # R = 4
	("Potential", "Potential", "Potential", "Champions", "Champions"),  # R = 5
)


def rfm_segment(rfm: RFM | None, facts: CustomerFacts, as_of: date, new_days: int = 90) -> str | None:
	"""Segment from the `_GRID` of R x FM (FM = mean of F and M); None when `rfm` is None.

	"New" overrides the grid: first purchase within `new_days` of `as_of` and F score <= 2.
	"""
	if rfm is None:
		return None
	first = facts.first_purchase
	if first is not None and (as_of - first).days <= new_days and rfm.f <= 2:
		return "New"
	return _GRID[rfm.r - 1][rfm.fm - 1]


# --- 80/20 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParetoThresholds:
	"""Minimum revenue to be class A and class B; None when no customer has positive revenue."""

	a_min: Decimal | None
	b_min: Decimal | None
	total: Decimal = ZERO  # total positive revenue of the population


def pareto_thresholds(
	revenues: Iterable[Number],
	a_share: Decimal = Decimal("0.80"),
	b_share: Decimal = Decimal("0.95"),
) -> ParetoThresholds:
	"""A/B revenue thresholds of a population (non-positive revenues ignored).

	Sorted by revenue descending, A is every customer up to and including the one whose cumulative
	revenue reaches `a_share` of the total, B likewise up to `b_share`. A threshold is that boundary
	customer's revenue, so customers tied with it share its class and A holds >= `a_share`.
	"""
	if not ZERO < a_share <= b_share <= ONE:
		raise ValueError("need 0 < a_share <= b_share <= 1")
	positive = sorted((r for r in map(_dec, revenues) if r > 0), reverse=True)
	total = sum(positive, ZERO)
	a_min = b_min = None
	cumulative = ZERO
	for revenue in positive:
		cumulative += revenue
		if a_min is None and cumulative >= a_share * total:
			a_min = revenue
		if cumulative >= b_share * total:
			b_min = revenue
			break
	return ParetoThresholds(a_min, b_min, total)


VALUE_CLASSES = ("A", "B", "C")
CLASS_A, CLASS_B, CLASS_C = VALUE_CLASSES


def pareto_class(revenue: Number, thresholds: ParetoThresholds) -> str:
	"""Class "A", "B" or "C"; zero or negative revenue is always C."""
	revenue = _dec(revenue)
	if revenue <= 0 or thresholds.a_min is None:
		return CLASS_C
	if revenue >= thresholds.a_min:
		return CLASS_A
	if thresholds.b_min is not None and revenue >= thresholds.b_min:
		return CLASS_B
	return CLASS_C


def pareto_curve(revenues: Iterable[Number], points: int = 20) -> list[tuple[Decimal, Decimal]]:
	"""Concentration curve: (share of customers, share of revenue they make), best customers first.

	Runs from (0, 0) to (1, 1) in about `points` steps; the customer share is the real one, i.e. the
	top ceil(k*n/points) of n customers. Non-positive revenues count as customers with 0 revenue.
	Shares are rounded to 0.0001; empty when there is no positive revenue.
	"""
	ordered = sorted((max(ZERO, _dec(r)) for r in revenues), reverse=True)
	n, total = len(ordered), sum(ordered, ZERO)
	if total <= 0:
		return []
	prefix = [ZERO]
	for revenue in ordered:
		prefix.append(prefix[-1] + revenue)
	tops = sorted({-(-k * n // points) for k in range(points + 1)})
	return [(_ratio(Decimal(top) / n), _ratio(prefix[top] / total)) for top in tops]


# --- Profit rank ----------------------------------------------------------------------------------


def profit_ranks(
	profits: Mapping[str, Number | None], manual_priority: Mapping[str, int] | None = None
) -> dict[str, int]:
	"""Dense rank by gross profit, 1 = most profitable; ties share a rank.

	`profits` maps customer -> gross profit, None for no history. Customers without history (also any
	key only in `manual_priority`) rank after all customers with history, dense by ascending priority
	(1 before 2); those without history and without priority share the last rank. Priority is ignored
	for customers with history. The dict is ordered by (rank, customer).
	"""
	priority = manual_priority or {}
	known = {k: _dec(v) for k, v in profits.items() if v is not None}
	unknown = (set(profits) | set(priority)) - set(known)
	with_history = [(k, ("profit", known[k])) for k in sorted(known, key=lambda k: (-known[k], k))]
	by_priority = sorted((k for k in unknown if k in priority), key=lambda k: (priority[k], k))
	ranks: dict[str, int] = {}
	rank, previous = 0, None
	for key, value in with_history + [(k, ("priority", priority[k])) for k in by_priority]:
		if value != previous:
			rank, previous = rank + 1, value
		ranks[key] = rank
	for key in sorted(k for k in unknown if k not in priority):
		ranks[key] = rank + 1
	return ranks


def main_company(monetary_by_company: Mapping[str, Number]) -> str:
	"""The company a customer has bought most from (net revenue); a tie goes to the first by name. The
	Customer shows that company's figures."""
	if not monetary_by_company:
		raise ValueError("a customer with no company has no main company")
	return min(monetary_by_company, key=lambda company: (-_dec(monetary_by_company[company]), company))


# --- Churn risk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskWeights:
	"""Maximum points per component; the defaults sum to 100."""

	overdue_gap: Number = 35
	revenue_trend: Number = 20
	returns_ratio: Number = 10
	overdue_receivables: Number = 15
	complaints: Number = 15
	negative_interactions: Number = 5

	def __post_init__(self):
		if any(_dec(w) < 0 for w in vars(self).values()):
			raise ValueError("risk weights must not be negative")


# Churn risk bands as people read them, lowest first (stored on snapshots, customers and plans).
BANDS = ("Low", "Medium", "High", "Critical")
HIGH_BANDS = BANDS[2:]  # the customers to act on: alerts, plans opened automatically by default


def band_label(band: str | None) -> str | None:
	"""The stored label of a band that `RiskBands.band` names ("high" -> "High")."""
	return next((b for b in BANDS if b.lower() == (band or "").lower()), None)


@dataclass(frozen=True)
class RiskBands:
	"""Score at which each band starts; below `medium` is "low"."""

	medium: int = 30
	high: int = 60
	critical: int = 80

	def __post_init__(self):
		if not 0 < self.medium <= self.high <= self.critical:
			raise ValueError("need 0 < medium <= high <= critical")

	def band(self, score: int) -> str:
		if score >= self.critical:
			return "critical"
		if score >= self.high:
			return "high"
		if score >= self.medium:
			return "medium"
		return "low"


@dataclass(frozen=True)
class RiskComponent:
	key: str
	points: Decimal  # weight x factor, rounded to 0.01
	measure: Decimal | None  # the raw ratio or count behind the factor
	reason: str  # in English: `message` formatted
	message: tuple[str, tuple] = ("", ())  # (template, args): `reason` for a translator


@dataclass(frozen=True)
class RiskAssessment:
	"""`score` = round(sum of component points), capped to 0..100. `band` is None (and the score 0,
	with no components) for a customer who never bought: there is no relationship to lose yet."""

	score: int
	band: str | None
	components: tuple[RiskComponent, ...] = ()

	@property
	def reasons(self) -> tuple[str, ...]:
		"""Reasons of the contributing components, biggest first."""
		parts = sorted((c for c in self.components if c.points > 0), key=lambda c: -c.points)
		return tuple(c.reason for c in parts)

	@property
	def messages(self) -> tuple[tuple[str, tuple], ...]:
		"""`reasons` as (template, args), for `_(template).format(*args)` in the reader's language."""
		parts = sorted((c for c in self.components if c.points > 0), key=lambda c: -c.points)
		return tuple(c.message for c in parts)


_QUARTER = Decimal("0.25")


def _gap(facts: CustomerFacts, as_of: date, default_gap: Decimal):
	own = facts.usual_gap_days is not None and facts.usual_gap_days > 0
	usual = max(ONE, facts.usual_gap_days if own else _dec(default_gap))
	days = recency_days(facts, as_of)
	ratio = Decimal(days) / usual
	template = (
		N_("{0} days since last purchase, {1}x the usual {2} days")
		if own
		else N_("{0} days since last purchase, {1}x the assumed {2} days")
	)
	return _clamp01((ratio - 1) / 2), _ratio(ratio), (template, (days, _num(ratio), _num(usual)))


def _trend(facts: CustomerFacts):
	recent, previous = facts.revenue_recent, facts.revenue_previous
	if previous <= 0:
		template = N_("no revenue in the previous period to compare ({0} recently)")
		return ZERO, None, (template, (_money(recent),))
	drop = (previous - recent) / previous
	if drop > 0:
		reason = (
			N_("revenue down {0} ({1} in the recent period vs {2} before)"),
			(_pct(drop), _money(recent), _money(previous)),
		)
	else:
		reason = (
			N_("revenue not down ({0} in the recent period vs {1} before)"),
			(_money(recent), _money(previous)),
		)
	return _clamp01(drop), _ratio(drop), reason


def _returns(facts: CustomerFacts):
	returns, gross = facts.returns_amount, facts.monetary + facts.returns_amount
	if returns <= 0:
		ratio = ZERO
	else:
		ratio = ONE if gross <= 0 else min(ONE, returns / gross)
	reason = (
		N_("returns {0} of gross sales ({1} of {2})"),
		(_pct(ratio), _money(max(ZERO, returns)), _money(gross)),
	)
	return _clamp01((ratio - Decimal("0.05")) / _QUARTER), _ratio(ratio), reason


def _overdue(facts: CustomerFacts):
	overdue = max(ZERO, facts.overdue)
	base = max(facts.outstanding, overdue)
	ratio = overdue / base if overdue > 0 else ZERO
	reason = (N_("{0} overdue, {1} of {2} outstanding"), (_money(overdue), _pct(ratio), _money(base)))
	return ratio, _ratio(ratio), reason


def _complaints(facts: CustomerFacts):
	count = max(facts.open_complaints, facts.recent_complaints, 0)
	low = facts.last_satisfaction is not None and facts.last_satisfaction <= 2
	factor = min(ONE, count * _QUARTER + (Decimal("0.5") if low else ZERO))
	counts = (facts.open_complaints, facts.recent_complaints)
	if facts.last_satisfaction is None:
		reason = (N_("{0} open and {1} recent complaints"), counts)
	else:
		template = N_("{0} open and {1} recent complaints, last satisfaction {2}/5")
		reason = (template, (*counts, facts.last_satisfaction))
	return factor, Decimal(count), reason


def _negative(facts: CustomerFacts):
	count = max(0, facts.negative_interactions)
	return min(ONE, count * _QUARTER), Decimal(count), (N_("{0} negative interactions recently"), (count,))


def churn_risk(
	facts: CustomerFacts,
	as_of: date,
	weights: RiskWeights = RiskWeights(),  # noqa: B008 - frozen, immutable default
	bands: RiskBands = RiskBands(),  # noqa: B008
	default_gap_days: Decimal = Decimal(90),
) -> RiskAssessment:
	"""Explainable churn risk: each component maps its measure to a factor 0..1 by a monotone curve
	and contributes weight x factor points (rounded to 0.01):

	- overdue_gap: days since last purchase / usual gap; 0 up to 1x, linear to 1 at 3x. The usual gap
	  is `facts.usual_gap_days`, else `default_gap_days` (e.g. a single purchase).
	- revenue_trend: fractional drop of recent vs previous revenue; 0 if not down, 1 if all gone;
	  0 when the previous period had no revenue.
	- returns_ratio: credit notes / gross sales (net + returns); 0 up to 5 %, linear to 1 at 30 %.
	- overdue_receivables: overdue / outstanding, linear.
	- complaints: 0.25 per complaint (the larger of open and recent counts) + 0.5 if the last
	  satisfaction is <= 2; capped at 1.
	- negative_interactions: 0.25 each; capped at 1.
	"""
	if not facts.has_purchases:
		return RiskAssessment(0, None, ())
	parts = (
		("overdue_gap", weights.overdue_gap, _gap(facts, as_of, default_gap_days)),
		("revenue_trend", weights.revenue_trend, _trend(facts)),
		("returns_ratio", weights.returns_ratio, _returns(facts)),
		("overdue_receivables", weights.overdue_receivables, _overdue(facts)),
		("complaints", weights.complaints, _complaints(facts)),
		("negative_interactions", weights.negative_interactions, _negative(facts)),
	)
	components = tuple(
		RiskComponent(
			key,
			(_dec(weight) * factor).quantize(CENT, ROUND_HALF_UP),
			measure,
			template.format(*args),
			(template, args),
		)
		for key, weight, (factor, measure, (template, args)) in parts
	)
	total = sum((c.points for c in components), ZERO)
	score = min(100, max(0, int(total.quantize(ONE, ROUND_HALF_UP))))
	return RiskAssessment(score, bands.band(score), components)
