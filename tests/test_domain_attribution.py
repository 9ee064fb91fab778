from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain import attribution
from crm_plus.domain.attribution import (
	FIRST_TOUCH,
	LAST_TOUCH,
	LINEAR,
	CampaignFigures,
	InvoiceRow,
	Touch,
	attribute,
	net_revenue,
	roi,
)

INVOICE_DATE = date(2024, 6, 30)
TOUCHES = [
	Touch("Spring Mailing", date(2024, 5, 1)),
	Touch("Webinar", datetime(2024, 6, 10, 14, 30)),
	Touch("Spring Mailing", date(2024, 6, 20)),
]


def test_first_touch():
	assert attribute(Decimal("1000"), INVOICE_DATE, TOUCHES, 90, FIRST_TOUCH) == {
		"Spring Mailing": Decimal("1000.00")
	}


def test_last_touch():
	touches = [*TOUCHES, Touch("Trade Fair", date(2024, 6, 15))]
	assert attribute(Decimal("1000"), INVOICE_DATE, touches, 90, LAST_TOUCH) == {
		"Spring Mailing": Decimal("1000.00")
	}
	assert attribute(Decimal("1000"), INVOICE_DATE, touches[:2], 90, LAST_TOUCH) == {
		"Webinar": Decimal("1000.00")
	}


def test_linear_counts_each_touch_and_gives_remainder_to_most_recent():
	result = attribute(Decimal("100.00"), INVOICE_DATE, TOUCHES, 90, LINEAR)
	# 33.33 per touch; Spring Mailing has two, the latest of which takes the 0.01 remainder.
	assert result == {"Spring Mailing": Decimal("66.67"), "Webinar": Decimal("33.33")}
	assert sum(result.values()) == Decimal("100.00")


def test_linear_remainder_goes_to_latest_campaign():
	touches = [Touch("A", date(2024, 6, 1)), Touch("B", date(2024, 6, 2)), Touch("C", date(2024, 6, 3))]
	assert attribute(Decimal("200.00"), INVOICE_DATE, touches, 90, LINEAR) == {
		"A": Decimal("66.67"),
		"B": Decimal("66.67"),
		"C": Decimal("66.66"),
	}


def test_window_edges():
	on_edge = [Touch("Edge", INVOICE_DATE - timedelta(days=30))]
	outside = [Touch("Old", INVOICE_DATE - timedelta(days=31))]
	assert attribute(Decimal("50"), INVOICE_DATE, on_edge, 30, LINEAR) == {"Edge": Decimal("50.00")}
	assert attribute(Decimal("50"), INVOICE_DATE, outside, 30, LINEAR) == {}
	assert attribute(Decimal("50"), INVOICE_DATE, outside + on_edge, 30, FIRST_TOUCH) == {
		"Edge": Decimal("50.00")
	}


def test_touch_on_invoice_day_counts_and_later_touches_are_ignored():
	touches = [Touch("Same Day", datetime(2024, 6, 30, 18)), Touch("After", date(2024, 7, 1))]
	assert attribute(Decimal("10"), INVOICE_DATE, touches, 30, LAST_TOUCH) == {"Same Day": Decimal("10.00")}
	assert attribute(Decimal("10"), INVOICE_DATE, touches[1:], 30, LINEAR) == {}


def test_zero_window_means_same_day_only():
	touches = [Touch("Yesterday", date(2024, 6, 29)), Touch("Today", date(2024, 6, 30))]
	assert attribute(Decimal("10"), datetime(2024, 6, 30, 9), touches, 0, FIRST_TOUCH) == {
		"Today": Decimal("10.00")
	}


def test_input_order_does_not_matter():
	assert attribute(Decimal("100"), INVOICE_DATE, TOUCHES[::-1], 90, FIRST_TOUCH) == {
		"Spring Mailing": Decimal("100.00")
	}
	assert attribute(Decimal("100"), INVOICE_DATE, TOUCHES[::-1], 90, LINEAR) == attribute(
		Decimal("100"), INVOICE_DATE, TOUCHES, 90, LINEAR
	)


def test_credit_note_nets_off():
	invoice = attribute(Decimal("100.00"), INVOICE_DATE, TOUCHES, 90, LINEAR)
	credit = attribute(Decimal("-100.00"), INVOICE_DATE, TOUCHES, 90, LINEAR)
	assert credit == {"Spring Mailing": Decimal("-66.67"), "Webinar": Decimal("-33.33")}
	assert all(invoice[c] + credit[c] == 0 for c in invoice)


def test_errors():
	with pytest.raises(ValueError, match="Unknown attribution model"):
		attribute(Decimal("1"), INVOICE_DATE, TOUCHES, 90, "u_shaped")
	with pytest.raises(ValueError):
		attribute(Decimal("1"), INVOICE_DATE, TOUCHES, -1, LINEAR)
	with pytest.raises(TypeError):
		attribute(1.5, INVOICE_DATE, TOUCHES, 90, LINEAR)


def test_no_touches():
	assert attribute(Decimal("1"), INVOICE_DATE, [], 90, FIRST_TOUCH) == {}


amounts = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2)


@given(
	amount=amounts,
	offsets=st.lists(st.integers(0, 60), min_size=1, max_size=25),
	campaigns=st.lists(st.sampled_from("ABCDE"), min_size=25, max_size=25),
	model=st.sampled_from(attribution.MODELS),
)
def test_parts_sum_exactly(amount, offsets, campaigns, model):
	touches = [Touch(c, INVOICE_DATE - timedelta(days=o)) for c, o in zip(campaigns, offsets, strict=False)]
	result = attribute(amount, INVOICE_DATE, touches, 60, model)
	assert sum(result.values()) == amount
	assert all(v == v.quantize(Decimal("0.01")) for v in result.values())
	assert attribute(-amount, INVOICE_DATE, touches, 60, model) == {c: -v for c, v in result.items()}


@given(amount=amounts, count=st.integers(1, 40))
def test_linear_shares_differ_by_at_most_the_remainder(amount, count):
	touches = [Touch(f"C{i}", INVOICE_DATE - timedelta(days=count - i)) for i in range(count)]
	result = attribute(amount, INVOICE_DATE, touches, 60, LINEAR)
	shares = list(result.values())
	assert len(shares) == count
	assert len(set(shares[:-1])) <= 1
	assert abs(shares[-1] - shares[0]) <= Decimal("0.01") * count


@pytest.mark.parametrize(
	"value,cost,expected",
	[
		(Decimal("1500"), Decimal("1000"), Decimal("0.5000")),
		(Decimal("500"), Decimal("1000"), Decimal("-0.5000")),
		(Decimal("1000"), Decimal("1000"), Decimal("0.0000")),
		(Decimal("0"), Decimal("300"), Decimal("-1.0000")),
		(Decimal("1000"), Decimal("300"), Decimal("2.3333")),
		(Decimal("200"), Decimal("300"), Decimal("-0.3333")),
		(Decimal("100"), Decimal("0"), None),
	],
)
def test_roi(value, cost, expected):
	assert roi(value, cost) == expected


INVOICES = [
	InvoiceRow("SINV-1", Decimal("1000.00"), False, None, 1),
	InvoiceRow("SINV-2", Decimal("500.00"), False, None, 1),
	InvoiceRow("SINV-3", Decimal("-200.00"), True, "SINV-1", 1),
	InvoiceRow("SINV-4", Decimal("700.00"), False, None, 2),
	InvoiceRow("SINV-5", Decimal("900.00"), False, None, 0),
	InvoiceRow("SINV-6", Decimal("-100.00"), True, "SINV-2", 0),
]


def test_net_revenue():
	assert net_revenue(INVOICES) == Decimal("1300.00")
	assert net_revenue([("SINV-7", Decimal("50"), True, "SINV-2", 1), *INVOICES]) == Decimal("1250.00")
	assert net_revenue([]) == Decimal("0")


def test_campaign_figures():
	figures = CampaignFigures("Spring Mailing", Decimal("1000"), tuple(INVOICES))
	assert figures.revenue == Decimal("1300.00")
	assert figures.roi == Decimal("0.3000")
	assert CampaignFigures("Free", Decimal("0")).roi is None


def test_a_credit_note_counts_for_the_campaign_it_carries_else_the_one_of_the_invoice_it_returns():
	from crm_plus.domain.attribution import counted_for, revenue_by_campaign

	invoice = InvoiceRow("SINV-1", Decimal("1000"), False, None, 1, "Spring")
	plain = InvoiceRow("SINV-2", Decimal("400"), False, None, 1, None)
	untagged_return = InvoiceRow("SINV-3", Decimal("-200"), True, "SINV-1", 1, None)
	tagged_return = InvoiceRow("SINV-4", Decimal("-50"), True, "SINV-1", 1, "Autumn")
	return_of_plain = InvoiceRow("SINV-5", Decimal("-100"), True, "SINV-2", 1, None)
	draft_return = InvoiceRow("SINV-6", Decimal("-300"), True, "SINV-1", 0, None)
	assert counted_for(untagged_return, invoice) == "Spring"
	assert counted_for(tagged_return, invoice) == "Autumn"  # never twice
	assert counted_for(return_of_plain, plain) is None
	assert counted_for(untagged_return, invoice._replace(docstatus=2)) is None
	rows = [invoice, plain, untagged_return, tagged_return, return_of_plain, draft_return]
	assert revenue_by_campaign(rows) == {"Spring": Decimal("800.00"), "Autumn": Decimal("-50.00")}


def test_totals_are_kept_apart_per_currency():
	from crm_plus.domain.attribution import totals_by_currency

	rows = [
		{"company": "US Co", "currency": "USD", "cost": Decimal("100"), "revenue": Decimal("1000")},
		{"company": "EU Co", "currency": "EUR", "cost": Decimal("50"), "revenue": None},
		{"company": "US Co 2", "currency": "USD", "cost": 25, "revenue": Decimal("10.50")},
		{"company": None, "currency": None, "cost": Decimal("7")},
	]
	totals = totals_by_currency(rows, ("cost", "revenue"))
	assert list(totals) == ["USD", "EUR", None]
	assert totals["USD"] == {"cost": Decimal("125"), "revenue": Decimal("1010.50")}
	assert totals["EUR"] == {"cost": Decimal("50"), "revenue": Decimal("0")}
	assert totals[None] == {"cost": Decimal("7"), "revenue": Decimal("0")}
	assert totals_by_currency([], ("cost",)) == {}


def test_models_are_labels_and_former_names_are_understood():
	assert attribution.MODELS == ("Last Touch", "First Touch", "Linear")
	assert attribution.DEFAULT_MODEL == LAST_TOUCH
	for old, new in (("last_touch", LAST_TOUCH), ("first_touch", FIRST_TOUCH), ("linear", LINEAR)):
		assert attribution.model_of(old) == new
		assert attribution.model_of(new) == new
	assert attribution.model_of("") is None and attribution.model_of(None) is None
	with pytest.raises(ValueError):
		attribution.model_of("Last_Touch")
	with pytest.raises(ValueError):  # the split itself takes only a model
		attribute(Decimal("1"), INVOICE_DATE, TOUCHES, 90, "last_touch")
