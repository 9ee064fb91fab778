from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_plus.domain import timeline
from crm_plus.domain.timeline import Cursor, TimelineEntry, as_timestamp, kind_bounds, merge_page


def entry(kind_rank, name, ts, kind="k"):
	return TimelineEntry(kind=kind, rank=kind_rank, doctype=kind, name=name, timestamp=as_timestamp(ts))


def test_merge_orders_newest_first_then_kind_rank_then_name_desc():
	a = [entry(0, "I-2", datetime(2025, 1, 2, 10)), entry(0, "I-1", datetime(2025, 1, 1, 9))]
	b = [
		entry(1, "SI-9", date(2025, 1, 2)),
		entry(1, "SI-8", date(2025, 1, 2)),
		entry(1, "SI-1", date(2024, 12, 31)),
	]
	page = merge_page([a, b], limit=10)
	assert [e.name for e in page.entries] == ["I-2", "SI-9", "SI-8", "I-1", "SI-1"]
	assert page.next_cursor is None


def test_next_cursor_only_when_more_remain():
	a = [entry(0, f"I-{i}", datetime(2025, 1, 1) - timedelta(days=i)) for i in range(3)]
	assert merge_page([a], limit=3).next_cursor is None
	page = merge_page([a], limit=2)
	assert [e.name for e in page.entries] == ["I-0", "I-1"]
	assert Cursor.decode(page.next_cursor) == Cursor(datetime(2024, 12, 31), 0, "I-1")


def test_cursor_round_trip_and_bad_cursor():
	c = Cursor(datetime(2025, 3, 4, 5, 6, 7), 3, "SINV-0001|odd")
	assert Cursor.decode(c.encode()) == c
	for bad in ("", "x", "2025-01-01|a|n", "notadate|1|n", "2025-01-01|1|"):
		with pytest.raises(ValueError):
			Cursor.decode(bad)


def test_kind_bounds_for_date_only_kinds():
	midday = Cursor(datetime(2025, 1, 2, 12), 0, "I-1")
	# midnight of that day sorts after a midday cursor, so the whole day remains
	assert kind_bounds(midday, 3, date_only=True) == timeline.KindBounds(date(2025, 1, 2), inclusive=True)
	midnight = Cursor(datetime(2025, 1, 2), 3, "SI-5")
	assert kind_bounds(midnight, 3, True) == timeline.KindBounds(date(2025, 1, 2), False, "SI-5")
	assert kind_bounds(midnight, 1, True) == timeline.KindBounds(date(2025, 1, 2), inclusive=False)
	assert kind_bounds(midnight, 4, True) == timeline.KindBounds(date(2025, 1, 2), inclusive=True)
	assert kind_bounds(None, 0, False) is None


def test_clamp_limit():
	assert timeline.clamp_limit(None) == 50
	assert timeline.clamp_limit(10_000) == timeline.MAX_LIMIT
	with pytest.raises(ValueError):
		timeline.clamp_limit(0)


def _simulate_query(rows, rank, date_only, cursor, limit):
	"""What a SQL query with kind_bounds returns: rows after the cursor, newest first, limit + 1."""
	bounds = kind_bounds(cursor, rank, date_only)

	def keep(e):
		if bounds is None:
			return True
		value = e.timestamp.date() if date_only else e.timestamp
		if value < bounds.upper:
			return True
		if value == bounds.upper:
			return e.name < bounds.name_below if bounds.name_below is not None else bounds.inclusive
		return False

	kept = sorted((e for e in rows if keep(e)), key=lambda e: e.sort_key)
	return kept[: limit + 1]


day = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 1, 5))
instant = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2024, 1, 5, 23)).map(
	lambda d: d.replace(minute=0, second=0, microsecond=0)
)


@settings(max_examples=150, deadline=None)
@given(
	interactions=st.lists(instant, max_size=15),
	invoices=st.lists(day, max_size=15),
	limit=st.integers(min_value=1, max_value=6),
)
def test_paging_visits_every_entry_once_in_order(interactions, invoices, limit):
	"""Paging with the bounds each query applies yields the full merged order, no repeats, no gaps."""
	sources = [
		([entry(0, f"I-{i:03}", ts, "interaction") for i, ts in enumerate(interactions)], 0, False),
		([entry(1, f"SI-{i:03}", d, "sales_invoice") for i, d in enumerate(invoices)], 1, True),
	]
	expected = sorted((e for rows, _r, _d in sources for e in rows), key=lambda e: e.sort_key)
	seen, cursor = [], None
	for _ in range(100):
		lists = [_simulate_query(rows, rank, date_only, cursor, limit) for rows, rank, date_only in sources]
		page = merge_page(lists, limit, cursor)
		seen += page.entries
		if not page.next_cursor:
			break
		cursor = Cursor.decode(page.next_cursor)
	assert [e.name for e in seen] == [e.name for e in expected]
