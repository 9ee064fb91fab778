"""Complaint SLA rules that ERPNext's Service Level Agreement lacks.

ERPNext computes ``response_by`` / ``resolution_by``; this module measures business time against those
deadlines (with pauses), grades the result, picks the escalation level and holds the complaint workflow.
All datetimes are naive, in the site timezone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from crm_plus.constants import CRM_MANAGER, CS_AGENT, CS_MANAGER

ONE_DAY = timedelta(days=1)
ONE_SECOND = timedelta(seconds=1)
MIDNIGHT = time(0, 0)

Interval = tuple[time, time]
Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class BusinessCalendar:
	"""Working hours per weekday (0 = Monday) and holiday dates.

	Each weekday maps to intervals ``(start, end)``; an ``end`` of ``time(0, 0)`` means midnight at the
	end of that day. Intervals are sorted on construction and must not overlap.
	"""

	hours: Mapping[int, Sequence[Interval]] = field(hash=False)
	holidays: frozenset[date] = frozenset()

	def __post_init__(self):
		normalized: dict[int, tuple[Interval, ...]] = {}
		for weekday, intervals in self.hours.items():
			if weekday not in range(7):
				raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
			ordered = tuple(sorted(intervals))
			previous_end: time | None = None
			for start, end in ordered:
				if end != MIDNIGHT and end <= start:
					raise ValueError(
						f"Working interval {start}-{end} on weekday {weekday} ends before it starts"
					)
				if previous_end is not None and (previous_end == MIDNIGHT or start < previous_end):
					raise ValueError(f"Working intervals on weekday {weekday} overlap at {start}")
				previous_end = end
			normalized[weekday] = ordered
		object.__setattr__(self, "hours", normalized)
		object.__setattr__(self, "holidays", frozenset(self.holidays))

	@property
	def has_working_time(self) -> bool:
		return any(self.hours.values())

	def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
		"""Working intervals of ``day`` as datetimes; empty on holidays and days off."""
		if day in self.holidays:
			return []
		return [
			(datetime.combine(day, start), datetime.combine(day + ONE_DAY if end == MIDNIGHT else day, end))
			for start, end in self.hours.get(day.weekday(), ())
		]


def _business_time(start: datetime, end: datetime, cal: BusinessCalendar) -> timedelta:
	total = timedelta(0)
	if end <= start:
		return total
	day = start.date()
	while day <= end.date():
		for open_at, close_at in cal.intervals_on(day):
			lo, hi = max(open_at, start), min(close_at, end)
			if hi > lo:
				total += hi - lo
		day += ONE_DAY
	return total


def business_seconds_between(start: datetime, end: datetime, cal: BusinessCalendar) -> int:
	"""Whole working seconds in ``[start, end)``; 0 when ``end <= start``."""
	return _business_time(start, end, cal) // ONE_SECOND


def add_business_seconds(start: datetime, seconds: int, cal: BusinessCalendar) -> datetime:
	"""The deadline ``seconds`` of working time after ``start`` (counting from the next opening)."""
	if seconds < 0:
		raise ValueError(f"Business seconds must not be negative, got {seconds}")
	if not cal.has_working_time:
		raise ValueError("Business calendar has no working hours on any weekday")
	remaining = timedelta(seconds=seconds)
	day = start.date()
	while True:
		for open_at, close_at in cal.intervals_on(day):
			if close_at <= start:
				continue
			lo = max(open_at, start)
			available = close_at - lo
			if remaining <= available:
				return lo + remaining
			remaining -= available
		day += ONE_DAY


def merge_pauses(start: datetime, now: datetime, paused: Iterable[Pause]) -> list[tuple[datetime, datetime]]:
	"""Pauses clipped to ``[start, now]`` and merged; an open pause (end None) runs until ``now``."""
	clipped = []
	for pause_start, pause_end in paused:
		if pause_end is not None and pause_end < pause_start:
			raise ValueError(f"Pause ends ({pause_end}) before it starts ({pause_start})")
		lo, hi = max(pause_start, start), min(now if pause_end is None else pause_end, now)
		if hi > lo:
			clipped.append((lo, hi))
	merged: list[tuple[datetime, datetime]] = []
	for lo, hi in sorted(clipped):
		if merged and lo <= merged[-1][1]:
			merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
		else:
			merged.append((lo, hi))
	return merged


def business_seconds_elapsed(
	start: datetime, now: datetime, cal: BusinessCalendar, paused: Sequence[Pause] = ()
) -> int:
	"""Working seconds from ``start`` to ``now`` minus paused time (overlaps counted once)."""
	total = _business_time(start, now, cal)
	for lo, hi in merge_pauses(start, now, paused):
		total -= _business_time(lo, hi, cal)
	return total // ONE_SECOND


STATUS_OK = "ok"
STATUS_WARNING = "warning"
STATUS_BREACHED = "breached"
DEFAULT_WARN_SHARE = Decimal("0.75")
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class SlaEvaluation:
	"""``share`` is rounded down, so it reads 1.0000 only once actually breached.

	``remaining_seconds`` is negative when overdue; ``stopped`` means measured at the stop time.
	"""

	elapsed_seconds: int
	target_seconds: int
	share: Decimal
	remaining_seconds: int
	status: str
	stopped: bool = False


@dataclass(frozen=True)
class SlaClock:
	"""One SLA timer (response or resolution) measured in business seconds."""

	start: datetime
	target_seconds: int
	calendar: BusinessCalendar
	paused: tuple[Pause, ...] = ()

	def __post_init__(self):
		if self.target_seconds < 0:
			raise ValueError(f"SLA target must not be negative, got {self.target_seconds}")
		object.__setattr__(self, "paused", tuple(self.paused))

	@classmethod
	def from_deadline(
		cls, start: datetime, deadline: datetime, calendar: BusinessCalendar, paused: Sequence[Pause] = ()
	) -> SlaClock:
		"""Clock whose target is the business time from ``start`` to ERPNext's original deadline."""
		return cls(start, business_seconds_between(start, deadline, calendar), calendar, tuple(paused))

	def evaluate(
		self, now: datetime, stopped_at: datetime | None = None, warn_share: Decimal = DEFAULT_WARN_SHARE
	) -> SlaEvaluation:
		"""Grade the clock at ``now``, or at ``stopped_at`` once responded/resolved."""
		if not Decimal(0) < warn_share <= 1:
			raise ValueError(f"warn_share must be in (0, 1], got {warn_share}")
		at = now if stopped_at is None else min(stopped_at, now)
		elapsed = business_seconds_elapsed(self.start, at, self.calendar, self.paused)
		target = self.target_seconds
		if target == 0:
			share = Decimal(1)
		else:
			share = (Decimal(elapsed) / Decimal(target)).quantize(SHARE_PLACES, rounding=ROUND_DOWN)
		if elapsed >= target:
			status = STATUS_BREACHED
		elif Decimal(elapsed) >= warn_share * target:
			status = STATUS_WARNING
		else:
			status = STATUS_OK
		return SlaEvaluation(
			elapsed, target, share.quantize(SHARE_PLACES), target - elapsed, status, stopped_at is not None
		)


def evaluate(
	start: datetime,
	deadline: datetime | int,
	now: datetime,
	cal: BusinessCalendar,
	paused: Sequence[Pause] = (),
	warn_share: Decimal = DEFAULT_WARN_SHARE,
	stopped_at: datetime | None = None,
) -> SlaEvaluation:
	"""Evaluate against a deadline datetime or a target in business seconds (int).

	Pass the deadline as first computed, not one already pushed back for hold time: pauses are
	subtracted from elapsed time here. A target of 0 is breached at once.
	"""
	if isinstance(deadline, datetime):
		clock = SlaClock.from_deadline(start, deadline, cal, paused)
	else:
		clock = SlaClock(start, int(deadline), cal, tuple(paused))
	return clock.evaluate(now, stopped_at=stopped_at, warn_share=warn_share)


def clock_runs_out_at(
	start: datetime, target_seconds: int, cal: BusinessCalendar, paused: Iterable[Pause] = ()
) -> datetime | None:
	"""The moment the clock started at ``start`` has counted ``target_seconds`` of working time, paused
	time left out: when a deadline was missed in business time. None when a pause that never ends (end
	None) stops the clock first. Without pauses this is ``add_business_seconds``."""
	if target_seconds < 0:
		raise ValueError(f"SLA target must not be negative, got {target_seconds}")
	if not cal.has_working_time:
		raise ValueError("Business calendar has no working hours on any weekday")
	pauses = merge_pauses(start, datetime.max, paused)
	stops_at = next((lo for lo, hi in pauses if hi == datetime.max), None)
	remaining = timedelta(seconds=target_seconds)
	day = start.date()
	while stops_at is None or datetime.combine(day, MIDNIGHT) < stops_at:
		for open_at, close_at in cal.intervals_on(day):
			if close_at <= start:
				continue
			for lo, hi in _without_pauses(max(open_at, start), close_at, pauses):
				if remaining <= hi - lo:
					return lo + remaining
				remaining -= hi - lo
		day += ONE_DAY
	return None


def _without_pauses(lo: datetime, hi: datetime, pauses: Sequence[tuple[datetime, datetime]]):
	"""The parts of ``[lo, hi)`` outside the (merged, sorted) pauses."""
	for pause_lo, pause_hi in pauses:
		if pause_hi <= lo or pause_lo >= hi:
			continue
		if pause_lo > lo:
			yield lo, pause_lo
		lo = max(lo, pause_hi)
		if lo >= hi:
			return
	if hi > lo:
		yield lo, hi


def met_deadline(done_at: datetime | None, deadline: datetime | None) -> bool:
	"""Done within its deadline: done, with a deadline, and no later than it. Without a deadline (no SLA
	applies) nothing counts as in time."""
	return done_at is not None and deadline is not None and done_at <= deadline


# Escalation

ASSIGNEE = "assignee"  # resolved by the caller to the complaint's assigned user


@dataclass(frozen=True)
class EscalationLevel:
	level: int
	role_or_user: str
	at_share: Decimal


DEFAULT_ESCALATION_CHAIN: tuple[EscalationLevel, ...] = (
	EscalationLevel(1, ASSIGNEE, Decimal("0.75")),
	EscalationLevel(2, CS_MANAGER, Decimal("1.00")),
	EscalationLevel(3, CRM_MANAGER, Decimal("1.50")),
)


def validate_chain(chain: Sequence[EscalationLevel]) -> None:
	"""Raise ValueError unless levels are positive and levels and shares strictly ascend."""
	previous: EscalationLevel | None = None
	for step in chain:
		if step.level < 1:
			raise ValueError(f"Escalation level must be 1 or more, got {step.level}")
		if step.at_share <= 0:
			raise ValueError(
				f"Escalation level {step.level} must trigger at a share above 0, got {step.at_share}"
			)
		if previous is not None:
			if step.level <= previous.level:
				raise ValueError(f"Escalation levels must ascend: {step.level} follows {previous.level}")
			if step.at_share <= previous.at_share:
				raise ValueError(
					f"Escalation shares must ascend: level {step.level} at {step.at_share} "
					f"is not above level {previous.level} at {previous.at_share}"
				)
		previous = step


def next_escalation(
	chain: Sequence[EscalationLevel], current_level: int, share: Decimal
) -> EscalationLevel | None:
	"""Highest level above ``current_level`` already due at ``share``; None when nothing is due."""
	validate_chain(chain)
	due = [step for step in chain if step.level > current_level and step.at_share <= share]
	return due[-1] if due else None


# Complaint workflow

STATES = (
	"New",
	"Acknowledged",
	"Investigating",
	"Awaiting Customer",
	"Escalated",
	"Resolved",
	"Closed",
	"Reopened",
)
NEW, ACKNOWLEDGED, INVESTIGATING, AWAITING_CUSTOMER, ESCALATED, RESOLVED, CLOSED, REOPENED = STATES
INITIAL_STATE = NEW
CLOSED_STATES = frozenset({RESOLVED, CLOSED})
OPEN_STATES = frozenset(STATES) - CLOSED_STATES
SLA_PAUSED_STATES = frozenset({AWAITING_CUSTOMER})

AGENT = CS_AGENT
MANAGER = CS_MANAGER
_BOTH = (AGENT, MANAGER)
_MANAGER = (MANAGER,)


class Transition(NamedTuple):
	from_state: str
	action: str
	to_state: str
	allowed_roles: tuple[str, ...]


TRANSITIONS: tuple[Transition, ...] = (
	Transition(NEW, "Acknowledge", ACKNOWLEDGED, _BOTH),
	Transition(NEW, "Resolve on First Contact", RESOLVED, _BOTH),
	Transition(NEW, "Escalate", ESCALATED, _MANAGER),
	Transition(ACKNOWLEDGED, "Start Investigation", INVESTIGATING, _BOTH),
	Transition(ACKNOWLEDGED, "Request Customer Info", AWAITING_CUSTOMER, _BOTH),
	Transition(ACKNOWLEDGED, "Escalate", ESCALATED, _MANAGER),
	Transition(INVESTIGATING, "Request Customer Info", AWAITING_CUSTOMER, _BOTH),
	Transition(INVESTIGATING, "Resolve", RESOLVED, _BOTH),
	Transition(INVESTIGATING, "Escalate", ESCALATED, _MANAGER),
	Transition(AWAITING_CUSTOMER, "Customer Replied", INVESTIGATING, _BOTH),
	Transition(AWAITING_CUSTOMER, "Escalate", ESCALATED, _MANAGER),
	Transition(ESCALATED, "Resume Investigation", INVESTIGATING, _MANAGER),
	Transition(ESCALATED, "Resolve", RESOLVED, _MANAGER),
	Transition(RESOLVED, "Reopen", REOPENED, _BOTH),
	Transition(RESOLVED, "Close", CLOSED, _MANAGER),
	Transition(CLOSED, "Reopen", REOPENED, _MANAGER),
	Transition(REOPENED, "Start Investigation", INVESTIGATING, _BOTH),
	Transition(REOPENED, "Escalate", ESCALATED, _MANAGER),
)


def _check_state(state: str) -> None:
	if state not in STATES:
		raise ValueError(f"Unknown complaint state {state!r}; expected one of {', '.join(STATES)}")


def allowed_actions(state: str, roles: Iterable[str]) -> list[str]:
	"""Actions available from ``state`` to a user holding ``roles``, in workflow order."""
	_check_state(state)
	held = set(roles)
	return [t.action for t in TRANSITIONS if t.from_state == state and held.intersection(t.allowed_roles)]


def next_state(state: str, action: str, roles: Iterable[str]) -> str:
	"""State after ``action``; ValueError when the action does not apply or the roles do not allow it."""
	_check_state(state)
	held = set(roles)
	for t in TRANSITIONS:
		if t.from_state == state and t.action == action:
			if held.intersection(t.allowed_roles):
				return t.to_state
			raise ValueError(
				f"Action {action!r} from {state!r} needs one of the roles {', '.join(t.allowed_roles)}"
			)
	possible = [t.action for t in TRANSITIONS if t.from_state == state]
	raise ValueError(
		f"Action {action!r} is not possible from {state!r}; possible: {', '.join(possible) or 'none'}"
	)


# The watch per stage: the first response and the resolution each have their deadline, their
# escalation level and their breach record.

RESPONSE = "First Response"
RESOLUTION = "Resolution"
SLA_STAGES = (RESPONSE, RESOLUTION)
# The states an agent reaches by working the complaint: moving into one of them is a response to the
# customer (an escalation is not, nor a reopening)
RESPONSE_STATES = frozenset({ACKNOWLEDGED, INVESTIGATING, AWAITING_CUSTOMER, RESOLVED, CLOSED})


def is_first_response(previous: str | None, state: str, already_responded: bool) -> bool:
	"""True when moving from ``previous`` to ``state`` is the complaint's first response: the first move
	by an agent out of New or Escalated (or any later state) that is not an escalation."""
	_check_state(state)
	return not already_responded and previous != state and state in RESPONSE_STATES


def stages_to_watch(
	state: str,
	*,
	on_hold: bool,
	responded: bool,
	has_response_deadline: bool,
	has_resolution_deadline: bool,
) -> tuple[str, ...]:
	"""The stages whose clocks run now: none while the complaint is closed or waits for the customer;
	the first response until it is recorded; the resolution, from the start, until the complaint is
	resolved, whether or not anyone has responded yet."""
	_check_state(state)
	if state not in OPEN_STATES or state in SLA_PAUSED_STATES or on_hold:
		return ()
	stages = []
	if has_response_deadline and not responded:
		stages.append(RESPONSE)
	if has_resolution_deadline:
		stages.append(RESOLUTION)
	return tuple(stages)


@dataclass(frozen=True)
class StageStep:
	"""What the watch does for one stage: ``level`` is the escalation now due (None: nothing new) and
	``breached`` says the stage's breach is to be recorded now (once, at the deadline it missed)."""

	level: EscalationLevel | None
	breached: bool


def watch_stage(
	chain: Sequence[EscalationLevel], current_level: int, evaluation: SlaEvaluation, breach_recorded: bool
) -> StageStep:
	"""One stage's step: its own escalation level and breach record, independent of the other stage."""
	return StageStep(
		next_escalation(chain, current_level, evaluation.share),
		evaluation.status == STATUS_BREACHED and not breach_recorded,
	)


def first_breach(breaches: Mapping[str, datetime | None]) -> tuple[str, datetime] | None:
	"""The stage that breached first and when, from each stage's breach moment (None: not breached);
	ties go to the earlier stage."""
	found = [
		(moment, SLA_STAGES.index(stage), stage) for stage, moment in breaches.items() if moment is not None
	]
	if not found:
		return None
	moment, _order, stage = min(found)
	return stage, moment
