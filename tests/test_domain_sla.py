from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import sla
from crm_plus.domain.sla import (
	AGENT,
	MANAGER,
	BusinessCalendar,
	EscalationLevel,
	add_business_seconds,
	business_seconds_between,
	business_seconds_elapsed,
)

HOUR = 3600
NINE_TO_FIVE = {d: [(time(9), time(17))] for d in range(5)}
HOLIDAYS = frozenset({date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 1), date(2024, 12, 25)})
CAL = BusinessCalendar(NINE_TO_FIVE, HOLIDAYS)
# 2024-03-04 is a Monday.
MON = datetime(2024, 3, 4, 9)


def dt(day, hour, minute=0):
	return datetime(2024, 3, day, hour, minute)


# Calendar


def test_full_day_and_week():
	assert business_seconds_between(MON, dt(4, 17), CAL) == 8 * HOUR
	assert business_seconds_between(MON, MON + timedelta(days=7), CAL) == 40 * HOUR


def test_end_before_start_is_zero():
	assert business_seconds_between(dt(5, 12), dt(5, 10), CAL) == 0


def test_deadline_across_weekend():
	# Friday 15:00 + 4h = 2h Friday + 2h Monday.
	assert add_business_seconds(dt(8, 15), 4 * HOUR, CAL) == dt(11, 11)
	assert business_seconds_between(dt(8, 15), dt(11, 11), CAL) == 4 * HOUR


def test_deadline_across_holiday():
	# Thursday 28 March 16:00; Good Friday and Easter Monday are holidays.
	start = datetime(2024, 3, 28, 16)
	assert add_business_seconds(start, 2 * HOUR, CAL) == datetime(2024, 4, 2, 10)


def test_start_outside_hours_begins_at_next_opening():
	assert add_business_seconds(dt(4, 7), HOUR, CAL) == dt(4, 10)
	assert add_business_seconds(dt(4, 18), HOUR, CAL) == dt(5, 10)
	assert add_business_seconds(dt(9, 12), HOUR, CAL) == dt(11, 10)  # Saturday
	assert add_business_seconds(dt(4, 18), 0, CAL) == dt(5, 9)


def test_deadline_at_close_stays_on_that_day():
	assert add_business_seconds(MON, 8 * HOUR, CAL) == dt(4, 17)


def test_multiple_intervals_per_day():
	split = BusinessCalendar({0: [(time(13), time(17)), (time(8), time(12))]})
	assert split.hours[0] == ((time(8), time(12)), (time(13), time(17)))
	assert business_seconds_between(dt(4, 8), dt(4, 17), split) == 8 * HOUR
	assert business_seconds_between(dt(4, 11), dt(4, 14), split) == 2 * HOUR
	assert add_business_seconds(dt(4, 11), 2 * HOUR, split) == dt(4, 14)
	assert add_business_seconds(dt(4, 12, 30), HOUR, split) == dt(4, 14)
	# Next Monday after 8 hours used.
	assert add_business_seconds(dt(4, 8), 9 * HOUR, split) == dt(11, 9)


def test_midnight_end_means_end_of_day():
	cal = BusinessCalendar({5: [(time(20), time(0))]})
	assert business_seconds_between(dt(9, 0), dt(10, 0), cal) == 4 * HOUR
	assert add_business_seconds(dt(9, 22), 2 * HOUR, cal) == dt(10, 0)


def test_no_working_time_raises():
	with pytest.raises(ValueError, match="no working hours"):
		add_business_seconds(MON, 60, BusinessCalendar({}))
	with pytest.raises(ValueError, match="no working hours"):
		add_business_seconds(MON, 60, BusinessCalendar({0: []}))


@pytest.mark.parametrize(
	"hours",
	[
		{7: [(time(9), time(17))]},
		{0: [(time(17), time(9))]},
		{0: [(time(9), time(13)), (time(12), time(17))]},
	],
)
def test_invalid_calendars(hours):
	with pytest.raises(ValueError):
		BusinessCalendar(hours)


def test_negative_seconds_rejected():
	with pytest.raises(ValueError):
		add_business_seconds(MON, -1, CAL)


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2024, 12, 31)).map(
	lambda d: d.replace(microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(start=instants, seconds=st.integers(min_value=0, max_value=60 * 8 * HOUR))
def test_round_trip(start, seconds):
	deadline = add_business_seconds(start, seconds, CAL)
	assert deadline >= start
	assert business_seconds_between(start, deadline, CAL) == seconds


@settings(max_examples=200, deadline=None)
@given(
	start=instants,
	offsets=st.lists(st.integers(min_value=0, max_value=30 * 24 * HOUR), min_size=2, max_size=6),
	pause=st.tuples(st.integers(0, 20 * 24 * HOUR), st.none() | st.integers(0, 5 * 24 * HOUR)),
)
def test_elapsed_monotone_in_now(start, offsets, pause):
	pause_start = start + timedelta(seconds=pause[0])
	pauses = [(pause_start, None if pause[1] is None else pause_start + timedelta(seconds=pause[1]))]
	values = [
		business_seconds_elapsed(start, start + timedelta(seconds=s), CAL, pauses) for s in sorted(offsets)
	]
	assert values == sorted(values)
	assert all(v >= 0 for v in values)


# Pauses


def test_pauses_subtract_exactly():
	paused = [(dt(4, 10), dt(4, 12))]
	assert business_seconds_elapsed(MON, dt(4, 17), CAL, paused) == 6 * HOUR


def test_overlapping_pauses_counted_once():
	paused = [(dt(4, 10), dt(4, 12)), (dt(4, 11), dt(4, 13)), (dt(4, 13), dt(4, 14))]
	assert business_seconds_elapsed(MON, dt(4, 17), CAL, paused) == 4 * HOUR


def test_open_pause_runs_until_now_and_pause_outside_hours_costs_nothing():
	assert business_seconds_elapsed(MON, dt(5, 12), CAL, [(dt(4, 15), None)]) == 6 * HOUR
	assert business_seconds_elapsed(MON, dt(5, 12), CAL, [(dt(4, 18), dt(5, 8))]) == 11 * HOUR


def test_pause_before_start_or_after_now_is_clipped():
	paused = [(dt(4, 7), dt(4, 10)), (dt(4, 16), dt(4, 20))]
	assert business_seconds_elapsed(MON, dt(4, 12), CAL, paused) == 2 * HOUR


def test_backwards_pause_rejected():
	with pytest.raises(ValueError, match="before it starts"):
		business_seconds_elapsed(MON, dt(4, 12), CAL, [(dt(4, 11), dt(4, 10))])


# Evaluation


def test_evaluate_statuses():
	deadline = dt(4, 17)  # 8 business hours
	ok = sla.evaluate(MON, deadline, dt(4, 13), CAL)
	assert (ok.elapsed_seconds, ok.target_seconds, ok.remaining_seconds) == (4 * HOUR, 8 * HOUR, 4 * HOUR)
	assert ok.share == Decimal("0.5000") and ok.status == "ok"
	warning = sla.evaluate(MON, deadline, dt(4, 15), CAL)
	assert warning.share == Decimal("0.7500") and warning.status == "warning"
	breached = sla.evaluate(MON, deadline, dt(5, 13), CAL)
	assert breached.share == Decimal("1.5000") and breached.status == "breached"
	assert breached.remaining_seconds == -4 * HOUR


def test_share_rounds_down_so_one_means_breached():
	just_before = sla.evaluate(MON, 8 * HOUR, dt(4, 17) - timedelta(seconds=1), CAL)
	assert just_before.share == Decimal("0.9999") and just_before.status == "warning"


def test_evaluate_with_integer_target_and_custom_warn_share():
	result = sla.evaluate(MON, 10 * HOUR, dt(4, 15), CAL, warn_share=Decimal("0.5"))
	assert result.target_seconds == 10 * HOUR and result.status == "warning"
	with pytest.raises(ValueError):
		sla.evaluate(MON, 10 * HOUR, dt(4, 15), CAL, warn_share=Decimal("1.2"))


def test_evaluate_subtracts_pauses():
	result = sla.evaluate(MON, dt(4, 17), dt(5, 11), CAL, paused=[(dt(4, 13), dt(5, 10))])
	assert result.elapsed_seconds == 5 * HOUR and result.status == "ok"


def test_stopped_clock_is_measured_at_stop_time():
	result = sla.evaluate(MON, dt(4, 17), dt(8, 9), CAL, stopped_at=dt(4, 12))
	assert result.stopped and result.elapsed_seconds == 3 * HOUR and result.status == "ok"


def test_zero_target_is_breached():
	assert sla.evaluate(MON, MON, MON, CAL).status == "breached"


def test_clock_from_deadline():
	clock = sla.SlaClock.from_deadline(dt(8, 15), dt(11, 11), CAL)
	assert clock.target_seconds == 4 * HOUR
	assert clock.evaluate(dt(11, 10)).status == "warning"


# Escalation

CHAIN = sla.DEFAULT_ESCALATION_CHAIN


def test_default_chain():
	assert [(s.level, s.at_share) for s in CHAIN] == [
		(1, Decimal("0.75")),
		(2, Decimal("1.00")),
		(3, Decimal("1.50")),
	]
	assert CHAIN[1].role_or_user == "Customer Service Manager" and CHAIN[2].role_or_user == "CRM Manager"


@pytest.mark.parametrize(
	"current,share,expected",
	[
		(0, Decimal("0.5"), None),
		(0, Decimal("0.75"), 1),
		(0, Decimal("1.2"), 2),
		(0, Decimal("2"), 3),  # late job jumps straight to level 3
		(1, Decimal("0.9"), None),
		(1, Decimal("1.0"), 2),
		(2, Decimal("1.2"), None),
		(3, Decimal("5"), None),
	],
)
def test_next_escalation(current, share, expected):
	step = sla.next_escalation(CHAIN, current, share)
	assert (step.level if step else None) == expected


@given(current=st.integers(0, 4), share=st.decimals(0, 3, places=4))
def test_next_escalation_never_repeats_or_goes_down(current, share):
	step = sla.next_escalation(CHAIN, current, share)
	if step is not None:
		assert step.level > current and step.at_share <= share
		assert sla.next_escalation(CHAIN, step.level, share) is None


@pytest.mark.parametrize(
	"chain,message",
	[
		(
			[EscalationLevel(2, "a", Decimal("0.5")), EscalationLevel(1, "b", Decimal("1"))],
			"levels must ascend",
		),
		(
			[EscalationLevel(1, "a", Decimal("1")), EscalationLevel(2, "b", Decimal("1"))],
			"shares must ascend",
		),
		([EscalationLevel(0, "a", Decimal("1"))], "1 or more"),
		([EscalationLevel(1, "a", Decimal("0"))], "above 0"),
	],
)
def test_invalid_chain(chain, message):
	with pytest.raises(ValueError, match=message):
		sla.next_escalation(chain, 0, Decimal("1"))


# Workflow


def test_state_sets():
	assert set(sla.STATES) == sla.OPEN_STATES | sla.CLOSED_STATES
	assert sla.CLOSED_STATES == {"Resolved", "Closed"}
	assert sla.SLA_PAUSED_STATES == {"Awaiting Customer"} and sla.SLA_PAUSED_STATES <= sla.OPEN_STATES


def test_transitions_reference_known_states_and_manager_covers_agent():
	for t in sla.TRANSITIONS:
		assert t.from_state in sla.STATES and t.to_state in sla.STATES
		assert MANAGER in t.allowed_roles
	pairs = [(t.from_state, t.action) for t in sla.TRANSITIONS]
	assert len(pairs) == len(set(pairs))


def test_happy_path_for_agent():
	state = sla.INITIAL_STATE
	for action in [
		"Acknowledge",
		"Start Investigation",
		"Request Customer Info",
		"Customer Replied",
		"Resolve",
	]:
		state = sla.next_state(state, action, [AGENT])
	assert state == "Resolved"


def test_agent_resolves_on_first_contact():
	assert sla.next_state("New", "Resolve on First Contact", [AGENT]) == "Resolved"


def test_agent_cannot_close_or_escalate():
	assert "Close" not in sla.allowed_actions("Resolved", [AGENT])
	assert "Escalate" not in sla.allowed_actions("Investigating", [AGENT])
	with pytest.raises(ValueError, match="needs one of the roles Customer Service Manager"):
		sla.next_state("Resolved", "Close", [AGENT])


def test_manager_closes_escalates_and_reopens_closed():
	assert sla.next_state("Investigating", "Escalate", [MANAGER]) == "Escalated"
	assert sla.next_state("Resolved", "Close", [MANAGER]) == "Closed"
	assert sla.next_state("Closed", "Reopen", [MANAGER]) == "Reopened"
	assert sla.allowed_actions("Closed", [AGENT]) == []


def test_reopened_goes_back_into_the_flow():
	assert sla.next_state("Resolved", "Reopen", [AGENT]) == "Reopened"
	assert sla.next_state("Reopened", "Start Investigation", [AGENT]) == "Investigating"


def test_allowed_actions_superset_for_manager():
	for state in sla.STATES:
		assert set(sla.allowed_actions(state, [AGENT])) <= set(sla.allowed_actions(state, [MANAGER]))
	assert sla.allowed_actions("New", ["Guest"]) == []


def test_invalid_action_and_state():
	with pytest.raises(ValueError, match="not possible from 'New'; possible: Acknowledge"):
		sla.next_state("New", "Close", [MANAGER])
	with pytest.raises(ValueError, match="Unknown complaint state"):
		sla.allowed_actions("Pending", [MANAGER])


# When a clock runs out


def test_clock_runs_out_at_the_deadline_without_pauses():
	# Friday 15:00 + 4h: 2h on Friday, 2h on Monday
	assert sla.clock_runs_out_at(dt(8, 15), 4 * HOUR, CAL) == dt(11, 11)
	assert sla.clock_runs_out_at(dt(4, 9), 8 * HOUR, CAL) == dt(4, 17)  # at the close, not next morning


@settings(max_examples=200, deadline=None)
@given(start=instants, seconds=st.integers(min_value=0, max_value=20 * 8 * HOUR))
def test_clock_runs_out_where_add_business_seconds_says_without_pauses(start, seconds):
	assert sla.clock_runs_out_at(start, seconds, CAL) == add_business_seconds(start, seconds, CAL)


def test_clock_runs_out_later_by_the_working_time_paused():
	# 4h from Monday 9:00, paused 10:00-12:00: runs out at 15:00, not 13:00
	assert sla.clock_runs_out_at(MON, 4 * HOUR, CAL, [(dt(4, 10), dt(4, 12))]) == dt(4, 15)
	# a pause at night costs nothing
	assert sla.clock_runs_out_at(MON, 4 * HOUR, CAL, [(dt(4, 18), dt(5, 8))]) == dt(4, 13)
	# overlapping pauses count once; a pause over the whole rest of the day moves it to the next
	paused = [(dt(4, 10), dt(4, 11)), (dt(4, 10, 30), dt(4, 12))]
	assert sla.clock_runs_out_at(MON, 4 * HOUR, CAL, paused) == dt(4, 15)
	assert sla.clock_runs_out_at(MON, 4 * HOUR, CAL, [(dt(4, 11), dt(5, 9))]) == dt(5, 11)


@settings(max_examples=200, deadline=None)
@given(
	start=instants,
	seconds=st.integers(min_value=1, max_value=10 * 8 * HOUR),
	pause_at=st.integers(min_value=0, max_value=10 * 24 * HOUR),
	pause_for=st.integers(min_value=0, max_value=3 * 24 * HOUR),
)
def test_clock_runs_out_exactly_when_the_elapsed_time_reaches_the_target(start, seconds, pause_at, pause_for):
	pause = (start + timedelta(seconds=pause_at), start + timedelta(seconds=pause_at + pause_for))
	moment = sla.clock_runs_out_at(start, seconds, CAL, [pause])
	assert business_seconds_elapsed(start, moment, CAL, [pause]) == seconds
	assert business_seconds_elapsed(start, moment - timedelta(seconds=1), CAL, [pause]) < seconds


def test_a_pause_that_never_ends_stops_the_clock():
	assert sla.clock_runs_out_at(MON, 4 * HOUR, CAL, [(dt(4, 10), None)]) is None
	assert sla.clock_runs_out_at(MON, HOUR, CAL, [(dt(4, 10), None)]) == dt(4, 10)


def test_clock_runs_out_rejects_bad_input():
	with pytest.raises(ValueError, match="must not be negative"):
		sla.clock_runs_out_at(MON, -1, CAL)
	with pytest.raises(ValueError, match="no working hours"):
		sla.clock_runs_out_at(MON, HOUR, BusinessCalendar({}))


def test_met_deadline_needs_a_deadline():
	assert sla.met_deadline(dt(5, 10), dt(5, 10))
	assert not sla.met_deadline(dt(5, 10, 1), dt(5, 10))
	assert not sla.met_deadline(dt(5, 10), None)  # no SLA: not in time
	assert not sla.met_deadline(None, dt(5, 10))


# The watch per stage


@pytest.mark.parametrize(
	"previous,state,responded,expected",
	[
		("New", "Acknowledged", False, True),
		(None, "New", False, False),
		("New", "Escalated", False, False),  # an escalation is not a response
		("Escalated", "Investigating", False, True),  # escalated from New, then worked
		("Escalated", "Resolved", False, True),
		("New", "Resolved", False, True),
		("Acknowledged", "Investigating", True, False),  # only the first one
		("Resolved", "Reopened", False, False),
		("Investigating", "Investigating", False, False),  # no move
	],
)
def test_is_first_response(previous, state, responded, expected):
	assert sla.is_first_response(previous, state, responded) is expected


def test_stages_to_watch():
	both = {"has_response_deadline": True, "has_resolution_deadline": True}
	assert sla.stages_to_watch("New", on_hold=False, responded=False, **both) == (
		sla.RESPONSE,
		sla.RESOLUTION,
	)
	# escalated from New before anyone responded: both clocks still run
	assert sla.stages_to_watch("Escalated", on_hold=False, responded=False, **both) == (
		sla.RESPONSE,
		sla.RESOLUTION,
	)
	assert sla.stages_to_watch("Investigating", on_hold=False, responded=True, **both) == (sla.RESOLUTION,)
	assert sla.stages_to_watch("Reopened", on_hold=False, responded=True, **both) == (sla.RESOLUTION,)
	assert sla.stages_to_watch("Awaiting Customer", on_hold=False, responded=True, **both) == ()
	assert sla.stages_to_watch("Investigating", on_hold=True, responded=True, **both) == ()
	assert sla.stages_to_watch("Resolved", on_hold=False, responded=True, **both) == ()
	assert sla.stages_to_watch(
		"New", on_hold=False, responded=False, has_response_deadline=True, has_resolution_deadline=False
	) == (sla.RESPONSE,)
	with pytest.raises(ValueError, match="Unknown complaint state"):
		sla.stages_to_watch("Open", on_hold=False, responded=False, **both)


def _evaluation(share: str, status: str) -> sla.SlaEvaluation:
	return sla.SlaEvaluation(0, 100, Decimal(share), 0, status)


def test_each_stage_escalates_and_breaches_on_its_own():
	chain = sla.DEFAULT_ESCALATION_CHAIN
	# the response stage already at level 2 and breached does not hold the resolution stage back
	response = sla.watch_stage(chain, 2, _evaluation("1.2", sla.STATUS_BREACHED), breach_recorded=True)
	assert response == sla.StageStep(None, False)
	resolution = sla.watch_stage(chain, 0, _evaluation("0.8", sla.STATUS_WARNING), breach_recorded=False)
	assert (resolution.level.level, resolution.breached) == (1, False)
	resolution = sla.watch_stage(chain, 1, _evaluation("1.0", sla.STATUS_BREACHED), breach_recorded=False)
	assert (resolution.level.level, resolution.breached) == (2, True)
	# re-armed (level 0) after a reopening, with the breach already on record: escalates, records nothing
	rearmed = sla.watch_stage(chain, 0, _evaluation("1.0", sla.STATUS_BREACHED), breach_recorded=True)
	assert (rearmed.level.level, rearmed.breached) == (2, False)


def test_first_breach():
	assert sla.first_breach({sla.RESPONSE: None, sla.RESOLUTION: None}) is None
	assert sla.first_breach({sla.RESPONSE: dt(5, 11), sla.RESOLUTION: dt(6, 15)}) == (sla.RESPONSE, dt(5, 11))
	assert sla.first_breach({sla.RESPONSE: None, sla.RESOLUTION: dt(6, 15)}) == (sla.RESOLUTION, dt(6, 15))
	assert sla.first_breach({sla.RESPONSE: dt(5, 11), sla.RESOLUTION: dt(5, 11)})[0] == sla.RESPONSE


def test_breach_stages_are_the_complaints_select_options():
	import json
	from pathlib import Path

	path = (
		Path(__file__).resolve().parents[1]
		/ "crm_plus/crm_plus/doctype/customer_complaint/customer_complaint.json"
	)
	field = next(f for f in json.loads(path.read_text())["fields"] if f["fieldname"] == "sla_breach")
	assert tuple(o for o in field["options"].split("\n") if o) == sla.SLA_STAGES
