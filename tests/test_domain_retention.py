from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import retention
from crm_plus.domain.retention import (
	RFM,
	CustomerFacts,
	Cutpoints,
	ParetoThresholds,
	RiskAssessment,
	RiskBands,
	RiskWeights,
)

D = Decimal
AS_OF = date(2024, 6, 30)
SETTINGS = settings(max_examples=200, deadline=None)

RECENCY = Cutpoints((10, 30, 60, 120))
FREQUENCY = Cutpoints((1, 2, 4, 8))
MONETARY = Cutpoints((D(100), D(500), D(1000), D(5000)))


def ago(days: int) -> date:
	return AS_OF - timedelta(days=days)


def facts(**kw) -> CustomerFacts:
	base = {"customer": "CUST-1", "company": "ACME", "first_purchase": date(2020, 1, 1), "frequency": 1}
	return CustomerFacts(**{**base, **kw})


def facts_from_invoices(invoices: list[tuple[date, Decimal]]) -> CustomerFacts:
	"""What the service layer does per customer, here from a plain invoice list."""
	dates = [d for d, _ in invoices]
	return CustomerFacts(
		customer="CUST-1",
		first_purchase=min(dates),
		last_purchase=max(dates),
		frequency=len(invoices),
		monetary=sum((a for _, a in invoices), D(0)),
		usual_gap_days=retention.usual_gap_days(dates),
	)


money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
signed_money = st.decimals(
	min_value=-10_000, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False
)
facts_strategy = st.builds(
	CustomerFacts,
	customer=st.just("CUST-1"),
	first_purchase=st.just(date(2019, 1, 1)),
	last_purchase=st.dates(min_value=date(2019, 1, 1), max_value=AS_OF),
	frequency=st.integers(1, 500),
	monetary=signed_money,
	returns_amount=money,
	gross_profit=signed_money,
	revenue_recent=signed_money,
	revenue_previous=signed_money,
	outstanding=money,
	overdue=money,
	open_complaints=st.integers(0, 10),
	recent_complaints=st.integers(0, 10),
	last_satisfaction=st.none() | st.integers(1, 5),
	negative_interactions=st.integers(0, 10),
	usual_gap_days=st.none() | st.decimals(min_value=1, max_value=400, places=2),
)


# --- usual gap ------------------------------------------------------------------------------------


def test_usual_gap_days_is_median_of_distinct_date_gaps():
	dates = [date(2024, 1, 31), date(2024, 1, 1), date(2024, 1, 11), date(2024, 1, 11)]
	assert retention.usual_gap_days(dates) == D(15)  # gaps 10, 20
	odd = [date(2024, 1, 1), date(2024, 1, 4), date(2024, 1, 14), date(2024, 1, 15)]
	assert retention.usual_gap_days(odd) == D(3)  # gaps 3, 10, 1
	assert retention.usual_gap_days([date(2024, 1, 1), date(2024, 1, 1)]) is None
	assert retention.usual_gap_days([]) is None


def test_usual_gap_from_span_is_mean_gap():
	first = date(2024, 1, 1)
	assert retention.usual_gap_from_span(first, first + timedelta(100), 4) == D("33.33")
	assert retention.usual_gap_from_span(first, first + timedelta(90), 2) == D(90)
	assert retention.usual_gap_from_span(first, first, 3) is None
	assert retention.usual_gap_from_span(first, first + timedelta(10), 1) is None
	assert retention.usual_gap_from_span(None, None, 0) is None


@SETTINGS
@given(st.lists(st.dates(min_value=date(2020, 1, 1), max_value=AS_OF), max_size=30), st.randoms())
def test_usual_gap_days_ignores_order(dates, rnd):
	shuffled = list(dates)
	rnd.shuffle(shuffled)
	assert retention.usual_gap_days(shuffled) == retention.usual_gap_days(dates)


# --- RFM ------------------------------------------------------------------------------------------


def test_cutpoints_nearest_rank():
	assert retention.cutpoints(range(10, 0, -1)).bounds == (D(2), D(4), D(6), D(8))
	assert retention.cutpoints([D("1.5"), D("2.5"), D("3.5")]).bounds == (
		D("1.5"),
		D("2.5"),
		D("2.5"),
		D("3.5"),
	)
	with pytest.raises(ValueError):
		retention.cutpoints([])
	with pytest.raises(ValueError):
		Cutpoints((3, 2, 1, 0))


def test_quintile_scores_and_ties():
	cuts = retention.cutpoints(range(1, 11))
	assert [retention.quintile(v, cuts) for v in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
	assert [retention.quintile(v, cuts, higher_is_better=False) for v in (1, 3, 10)] == [5, 4, 1]
	tied = retention.cutpoints([1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
	assert tied.bounds == (D(1), D(1), D(2), D(2))
	assert {retention.quintile(v, tied) for v in (1, 1, 1)} == {1}
	assert {retention.quintile(v, tied) for v in (2, 2)} == {3}
	same = retention.cutpoints([5] * 7)
	assert retention.quintile(5, same) == 1
	assert retention.quintile(6, same) == 5


def test_rfm_scores_and_segments():
	champion = facts(last_purchase=ago(5), frequency=10, monetary=D(6000))
	assert retention.rfm_scores(champion, AS_OF, RECENCY, FREQUENCY, MONETARY) == RFM(5, 5, 5)
	cases = {
		"Champions": champion,
		"Loyal": facts(last_purchase=ago(20), frequency=5, monetary=D(2000)),
		"Potential": facts(last_purchase=ago(20), frequency=2, monetary=D(300)),
		"New": facts(first_purchase=ago(20), last_purchase=ago(20), frequency=1, monetary=D(9000)),
		"At Risk": facts(last_purchase=ago(100), frequency=3, monetary=D(800)),
		"Can't Lose": facts(last_purchase=ago(300), frequency=20, monetary=D(9000)),
		"Hibernating": facts(last_purchase=ago(100), frequency=1, monetary=D(50)),
		"Lost": facts(last_purchase=ago(200), frequency=1, monetary=D(50)),
	}
	for expected, f in cases.items():
		rfm = retention.rfm_scores(f, AS_OF, RECENCY, FREQUENCY, MONETARY)
		assert retention.rfm_segment(rfm, f, AS_OF) == expected, (expected, rfm)
	assert set(cases) == set(retention.SEGMENTS)
	assert RFM(2, 3, 4).fm == 4 and RFM(2, 3, 4).code == "234"


def test_no_purchases_means_no_rfm():
	never = CustomerFacts(customer="CUST-0")
	assert retention.recency_days(never, AS_OF) is None
	assert retention.rfm_scores(never, AS_OF, RECENCY, FREQUENCY, MONETARY) is None
	assert retention.rfm_segment(None, never, AS_OF) is None


def test_recency_is_never_negative():
	assert retention.recency_days(facts(last_purchase=AS_OF + timedelta(3)), AS_OF) == 0


@SETTINGS
@given(
	st.lists(st.integers(-1000, 1000), min_size=1, max_size=60), st.integers(-1100, 1100), st.integers(0, 500)
)
def test_quintile_is_monotone(population, value, delta):
	cuts = retention.cutpoints(population)
	low, high = value, value + delta
	assert retention.quintile(low, cuts) <= retention.quintile(high, cuts)
	assert retention.quintile(low, cuts, False) >= retention.quintile(high, cuts, False)


@SETTINGS
@given(st.sets(st.integers(-1000, 1000), min_size=1, max_size=60))
def test_distinct_values_fill_quintiles_by_nearest_rank(values):
	cuts = retention.cutpoints(values)
	n = len(values)
	scores = [retention.quintile(v, cuts) for v in values]
	for k in range(1, 6):
		assert scores.count(k) == -(-k * n // 5) - -(-(k - 1) * n // 5)


invoices_strategy = st.lists(
	st.tuples(st.dates(min_value=date(2021, 1, 1), max_value=AS_OF), money), min_size=1, max_size=25
)


@SETTINGS
@given(invoices_strategy, st.randoms())
def test_rfm_and_segment_ignore_invoice_order(invoices, rnd):
	shuffled = list(invoices)
	rnd.shuffle(shuffled)
	a, b = facts_from_invoices(invoices), facts_from_invoices(shuffled)
	assert a == b
	rfm_a = retention.rfm_scores(a, AS_OF, RECENCY, FREQUENCY, MONETARY)
	rfm_b = retention.rfm_scores(b, AS_OF, RECENCY, FREQUENCY, MONETARY)
	assert rfm_a == rfm_b
	assert retention.rfm_segment(rfm_a, a, AS_OF) == retention.rfm_segment(rfm_b, b, AS_OF)
	assert retention.churn_risk(a, AS_OF) == retention.churn_risk(b, AS_OF)


# --- 80/20 ----------------------------------------------------------------------------------------

POPULATION = [D(50), D(20), D(10), D(10), D(5), D(3), D(2), D(0), D(-3)]


def test_pareto_thresholds_and_classes():
	th = retention.pareto_thresholds(POPULATION)
	assert th == ParetoThresholds(D(10), D(5), D(100))
	classes = [retention.pareto_class(r, th) for r in POPULATION]
	assert classes == ["A", "A", "A", "A", "B", "C", "C", "C", "C"]  # tie at 10 shares class A


def test_pareto_thresholds_edge_cases():
	empty = retention.pareto_thresholds([D(0), D(-5)])
	assert empty == ParetoThresholds(None, None, D(0))
	assert retention.pareto_class(D(100), empty) == "C"
	single = retention.pareto_thresholds([D(7)])
	assert retention.pareto_class(D(7), single) == "A"
	assert retention.pareto_class(D(0), single) == "C"
	with pytest.raises(ValueError):
		retention.pareto_thresholds(POPULATION, a_share=D("0.9"), b_share=D("0.8"))


def test_pareto_curve():
	revenues = [D(50), D(20), D(10), D(10), D(5), D(3), D(2), D(0), D(0), D(-1)]
	assert retention.pareto_curve(revenues, points=4) == [
		(D(0), D(0)),
		(D("0.3"), D("0.8")),
		(D("0.5"), D("0.95")),
		(D("0.8"), D(1)),
		(D(1), D(1)),
	]
	assert retention.pareto_curve([], points=4) == []
	assert retention.pareto_curve([D(0), D(-2)]) == []


@SETTINGS
@given(
	st.lists(signed_money, max_size=60),
	st.decimals(min_value=D("0.01"), max_value=1, places=2),
	st.decimals(min_value=0, max_value=1, places=2),
)
def test_pareto_classes_monotone_and_a_share_holds(revenues, a_share, extra):
	b_share = min(D(1), a_share + extra)
	th = retention.pareto_thresholds(revenues, a_share, b_share)
	ordered = sorted(revenues)
	classes = [retention.pareto_class(r, th) for r in ordered]
	assert classes == sorted(classes, reverse=True)  # ascending revenue: C.. B.. A..
	total = sum((r for r in revenues if r > 0), D(0))
	assert th.total == total
	if total > 0:
		a_revenue = sum((r for r, c in zip(ordered, classes, strict=True) if c == "A"), D(0))
		ab_revenue = sum((r for r, c in zip(ordered, classes, strict=True) if c in "AB"), D(0))
		assert a_revenue >= a_share * total
		assert ab_revenue >= b_share * total
	assert all(c == "C" for r, c in zip(ordered, classes, strict=True) if r <= 0)


@SETTINGS
@given(st.lists(signed_money, min_size=1, max_size=60), st.integers(1, 25))
def test_pareto_curve_shape(revenues, points):
	curve = retention.pareto_curve(revenues, points)
	if not any(r > 0 for r in revenues):
		assert curve == []
		return
	assert curve[0] == (D(0), D(0)) and curve[-1] == (D(1), D(1))
	for (x0, y0), (x1, y1) in pairwise(curve):
		assert x0 < x1 and y0 <= y1
	assert all(y >= x for x, y in curve)  # the best customers make at least their share


# --- profit rank ----------------------------------------------------------------------------------


def test_profit_ranks_dense_with_manual_priority():
	profits = {"b": D(50), "a": D(100), "c": D(100), "d": D(-5), "e": None, "f": None, "g": None}
	ranks = retention.profit_ranks(profits, manual_priority={"f": 2, "e": 1, "h": 1, "a": 9})
	assert ranks == {"a": 1, "c": 1, "b": 2, "d": 3, "e": 4, "h": 4, "f": 5, "g": 6}
	assert list(ranks) == ["a", "c", "b", "d", "e", "h", "f", "g"]
	assert retention.profit_ranks({}) == {}
	assert retention.profit_ranks({"x": None, "y": None}) == {"x": 1, "y": 1}


@SETTINGS
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=3), signed_money, max_size=15))
def test_profit_ranks_monotone(profits):
	ranks = retention.profit_ranks(profits)
	assert set(ranks) == set(profits)
	for a in profits:
		for b in profits:
			if profits[a] > profits[b]:
				assert ranks[a] < ranks[b]
			elif profits[a] == profits[b]:
				assert ranks[a] == ranks[b]
	if ranks:
		assert sorted(set(ranks.values())) == list(range(1, max(ranks.values()) + 1))


# --- churn risk -----------------------------------------------------------------------------------


def test_churn_risk_full_example():
	f = facts(
		last_purchase=ago(112),
		frequency=12,
		usual_gap_days=D(36),
		monetary=D(4400),
		returns_amount=D(600),
		revenue_previous=D(2000),
		revenue_recent=D(1100),
		outstanding=D(2000),
		overdue=D(1200),
		open_complaints=1,
		recent_complaints=2,
		last_satisfaction=2,
		negative_interactions=3,
	)
	risk = retention.churn_risk(f, AS_OF)
	points = {c.key: c.points for c in risk.components}
	assert points == {
		"overdue_gap": D(35),
		"revenue_trend": D(9),
		"returns_ratio": D("2.8"),
		"overdue_receivables": D(9),
		"complaints": D(15),
		"negative_interactions": D("3.75"),
	}
	assert risk.score == 75  # 74.55 rounded
	assert risk.band == "high"
	assert risk.reasons == (
		"112 days since last purchase, 3.1x the usual 36 days",
		"1 open and 2 recent complaints, last satisfaction 2/5",
		"revenue down 45% (1,100.00 in the recent period vs 2,000.00 before)",
		"1,200.00 overdue, 60% of 2,000.00 outstanding",
		"3 negative interactions recently",
		"returns 12% of gross sales (600.00 of 5,000.00)",
	)
	measures = {c.key: c.measure for c in risk.components}
	assert measures["overdue_gap"] == D("3.1111") and measures["revenue_trend"] == D("0.45")


def test_churn_risk_healthy_customer_scores_zero():
	f = facts(last_purchase=ago(30), usual_gap_days=D(36), revenue_previous=D(800), revenue_recent=D(1000))
	risk = retention.churn_risk(f, AS_OF)
	assert (risk.score, risk.band, risk.reasons) == (0, "low", ())
	assert len(risk.components) == 6


def test_churn_risk_gap_curve_and_default_gap():
	risk = retention.churn_risk(facts(last_purchase=ago(80), usual_gap_days=D(40)), AS_OF)
	assert risk.components[0].points == D("17.5") and risk.score == 18  # 2x usual: half of 35
	risk = retention.churn_risk(facts(last_purchase=ago(135)), AS_OF)
	assert risk.components[0].points == D("8.75")
	assert risk.reasons == ("135 days since last purchase, 1.5x the assumed 90 days",)
	risk = retention.churn_risk(facts(last_purchase=ago(135)), AS_OF, default_gap_days=D(45))
	assert risk.components[0].points == D(35)


def test_churn_risk_trend_without_history_and_returns_without_sales():
	f = facts(last_purchase=ago(1), revenue_recent=D(0), revenue_previous=D(0))
	trend = retention.churn_risk(f, AS_OF).components[1]
	assert trend.points == 0 and trend.measure is None
	f = facts(last_purchase=ago(1), monetary=D(-100), returns_amount=D(100))
	returns = retention.churn_risk(f, AS_OF).components[2]
	assert returns.points == D(10) and returns.measure == D(1)


def test_churn_risk_never_bought():
	assert retention.churn_risk(CustomerFacts(customer="CUST-0", overdue=D(99)), AS_OF) == RiskAssessment(
		0, None, ()
	)


def test_churn_risk_custom_weights_are_capped():
	f = facts(last_purchase=ago(400), usual_gap_days=D(30))
	risk = retention.churn_risk(f, AS_OF, weights=RiskWeights(overdue_gap=250))
	assert (risk.score, risk.band) == (100, "critical")
	with pytest.raises(ValueError):
		RiskWeights(complaints=-1)
	w = RiskWeights()
	assert (
		w.overdue_gap
		+ w.revenue_trend
		+ w.returns_ratio
		+ w.overdue_receivables
		+ w.complaints
		+ w.negative_interactions
	) == 100


def test_risk_bands():
	bands = RiskBands()
	assert [bands.band(s) for s in (0, 29, 30, 59, 60, 79, 80, 100)] == [
		"low",
		"low",
		"medium",
		"medium",
		"high",
		"high",
		"critical",
		"critical",
	]
	assert RiskBands(10, 20, 20).band(20) == "critical"
	with pytest.raises(ValueError):
		RiskBands(50, 40, 90)


@SETTINGS
@given(facts_strategy, st.integers(0, 3000))
def test_more_days_past_usual_gap_never_lowers_risk(f, extra_days):
	later = replace(f, last_purchase=f.last_purchase - timedelta(days=extra_days))
	assert retention.churn_risk(later, AS_OF).score >= retention.churn_risk(f, AS_OF).score


@SETTINGS
@given(facts_strategy, money)
def test_more_overdue_never_lowers_risk(f, extra):
	worse = replace(f, overdue=f.overdue + extra)
	assert retention.churn_risk(worse, AS_OF).score >= retention.churn_risk(f, AS_OF).score


@SETTINGS
@given(facts_strategy, st.sampled_from([RiskBands(), RiskBands(10, 50, 90), RiskBands(1, 1, 1)]))
def test_score_in_range_and_band_consistent(f, bands):
	risk = retention.churn_risk(f, AS_OF, bands=bands)
	assert 0 <= risk.score <= 100
	assert risk.band == bands.band(risk.score)
	total = sum((c.points for c in risk.components), D(0))
	assert risk.score == min(100, int(total.quantize(D(1), rounding="ROUND_HALF_UP")))
	assert all(0 <= c.points for c in risk.components)
	assert len(risk.reasons) == sum(1 for c in risk.components if c.points > 0)


def test_main_company_is_where_the_customer_bought_most_ties_by_name():
	assert retention.main_company({"B Co": Decimal(100), "A Co": Decimal(50)}) == "B Co"
	assert retention.main_company({"B Co": Decimal(100), "A Co": Decimal(100)}) == "A Co"
	assert retention.main_company({"B Co": Decimal(-5)}) == "B Co"
	with pytest.raises(ValueError):
		retention.main_company({})
