from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain import goals
from crm_plus.domain.goals import (
	ACHIEVED,
	AT_RISK,
	CHURN_RATE,
	METRICS,
	MISSED,
	NOT_MEASURED,
	ON_TRACK,
	RETENTION_RATE,
	progress,
	rate,
)

START, END = date(2026, 1, 1), date(2026, 12, 31)


def test_higher_is_better():
	assert progress(RETENTION_RATE, Decimal(80), Decimal(80), START, END, date(2026, 3, 1)).status == ACHIEVED
	mid = progress(RETENTION_RATE, Decimal(40), Decimal(80), START, END, date(2026, 7, 1))
	assert (mid.percent, mid.status) == (Decimal("50.0"), ON_TRACK)
	assert progress(RETENTION_RATE, Decimal(20), Decimal(80), START, END, date(2026, 10, 1)).status == AT_RISK
	assert progress(RETENTION_RATE, Decimal(79), Decimal(80), START, END, date(2027, 1, 2)).status == MISSED


def test_lower_is_better_and_unmeasured():
	assert progress(CHURN_RATE, Decimal(4), Decimal(5), START, END, date(2026, 2, 1)).status == ACHIEVED
	off = progress(CHURN_RATE, Decimal(10), Decimal(5), START, END, date(2026, 2, 1))
	assert (off.percent, off.status) == (Decimal("50.0"), ON_TRACK)
	assert progress(CHURN_RATE, None, Decimal(5), START, END, date(2026, 2, 1)).status == NOT_MEASURED
	with pytest.raises(ValueError):
		progress("nonsense", Decimal(1), Decimal(1), START, END, START)
	with pytest.raises(ValueError):
		progress(CHURN_RATE, Decimal(1), Decimal(1), END, START, START)


def test_rate():
	assert rate(1, 3) == Decimal("33.3")
	assert rate(0, 0) is None


@given(
	metric=st.sampled_from(sorted(METRICS)),
	value=st.decimals(min_value=0, max_value=1000, places=1),
	better=st.decimals(min_value=0, max_value=100, places=1),
	target=st.decimals(min_value=Decimal("0.1"), max_value=1000, places=1),
	day=st.integers(min_value=0, max_value=400),
)
def test_a_better_value_never_lowers_progress(metric, value, better, target, day):
	from crm_plus.domain.goals import higher_is_better

	improved = value + better if higher_is_better(metric) else max(value - better, Decimal(0))
	today = START + timedelta(days=day)
	before = progress(metric, value, target, START, END, today)
	after = progress(metric, improved, target, START, END, today)
	assert Decimal(0) <= before.percent <= Decimal(100)
	assert after.percent >= before.percent


def test_metrics_are_labels_and_former_names_are_understood():
	assert goals.REPURCHASE_RATE == "Repurchase Rate"
	assert goals.INTERACTIONS_PER_ACTIVE_CUSTOMER == "Interactions per Active Customer"
	assert all(metric.label == label for label, metric in METRICS.items())
	assert len(goals.FORMER_METRICS) == len(METRICS)
	for old, new in goals.FORMER_METRICS.items():
		assert goals.metric_of(old) == new and goals.metric_of(new) == new
	assert goals.metric_of("repurchase_rate") == goals.REPURCHASE_RATE
	assert goals.metric_of(None) is None
	with pytest.raises(ValueError):
		goals.metric_of("Repurchase rate")  # not a metric: labels are exact
	assert (goals.direction(CHURN_RATE), goals.direction(RETENTION_RATE)) == (goals.LOWER, goals.HIGHER)
	with pytest.raises(ValueError):  # the rules take only a metric
		progress("churn_rate", Decimal(1), Decimal(1), START, END, START)
