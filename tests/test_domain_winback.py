from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain.winback import (
	ACTIVE,
	LOST,
	WON_BACK,
	Invoice,
	band_at_least,
	decide,
	first_invoice_after,
	in_control_group,
	win_back_rate,
)

START, END = date(2026, 1, 1), date(2026, 3, 31)


def inv(name, day, balance=0, paid=None, amount=100):
	return Invoice(name, day, Decimal(amount), Decimal(balance), paid)


def test_won_back_when_first_invoice_paid_in_window():
	invoices = [
		inv("SI-0", date(2025, 12, 20), paid=date(2026, 1, 5)),
		inv("SI-1", date(2026, 2, 1), paid=date(2026, 2, 20)),
	]
	outcome = decide(START, END, date(2026, 2, 21), invoices)
	assert outcome == decide(START, END, date(2026, 6, 1), invoices)  # the decision does not age
	assert (outcome.status, outcome.invoice, outcome.on, outcome.retained_revenue) == (
		WON_BACK,
		"SI-1",
		date(2026, 2, 20),
		Decimal(100),
	)


def test_unpaid_or_late_payment_is_not_a_win():
	unpaid = [inv("SI-1", date(2026, 2, 1), balance=100)]
	assert decide(START, END, date(2026, 3, 1), unpaid).status == ACTIVE
	assert decide(START, END, date(2026, 4, 1), unpaid).status == LOST
	late = [inv("SI-1", date(2026, 3, 20), paid=date(2026, 4, 10))]
	assert decide(START, END, date(2026, 4, 11), late) == decide(START, END, date(2026, 4, 11), [])
	assert decide(START, END, date(2026, 4, 11), late).status == LOST


def test_only_the_first_invoice_after_start_counts():
	invoices = [
		inv("SI-2", date(2026, 1, 10), balance=50),
		inv("SI-3", date(2026, 1, 20), paid=date(2026, 1, 21)),
	]
	assert first_invoice_after(invoices, START).name == "SI-2"
	assert decide(START, END, date(2026, 2, 1), invoices).status == ACTIVE


def test_window_edge_day_counts():
	on_edge = [inv("SI-1", date(2026, 3, 1), paid=END)]
	assert decide(START, END, END + timedelta(days=1), on_edge).status == WON_BACK


def test_bands_and_rates():
	assert band_at_least("Critical", "High") and band_at_least("High", "High")
	assert not band_at_least("Medium", "High") and not band_at_least(None, "Low")
	assert win_back_rate(1, 3) == Decimal("33.3")
	assert win_back_rate(0, 0) is None


def test_control_group_edges():
	assert not in_control_group("C-1", 0)
	assert in_control_group("C-1", 100)


@settings(max_examples=50, deadline=None)
@given(percent=st.integers(min_value=5, max_value=95))
def test_control_group_is_stable_and_near_the_share(percent):
	customers = [f"CUST-{i:05}" for i in range(4000)]
	first = [in_control_group(c, percent, "2026-11") for c in customers]
	assert first == [in_control_group(c, percent, "2026-11") for c in customers]
	share = 100 * sum(first) / len(customers)
	assert abs(share - percent) < 4


@given(
	days=st.lists(st.integers(min_value=-30, max_value=120), min_size=1, max_size=6),
	today_offset=st.integers(min_value=0, max_value=200),
)
def test_decision_never_wins_with_an_unpaid_first_invoice(days, today_offset):
	invoices = [inv(f"SI-{i}", START + timedelta(days=d), balance=10) for i, d in enumerate(days)]
	assert decide(START, END, START + timedelta(days=today_offset), invoices).status != WON_BACK
