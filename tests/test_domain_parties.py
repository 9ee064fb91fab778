from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_plus.domain.parties import (
	next_occurrence,
	normalize_email,
	normalize_phone,
	normalize_tax_id,
	reminder_due,
)


def test_normalizers():
	assert normalize_email("  Jane@Example.COM ") == "jane@example.com"
	assert normalize_email("not an email") is None
	assert normalize_phone("+1 (555) 010-2000") == "15550102000"
	assert normalize_phone("12-34") is None
	assert normalize_tax_id("de 123-456") == normalize_tax_id("DE123456") == "DE123456"
	assert normalize_tax_id(" - ") is None


def test_next_occurrence_and_leap_day():
	assert next_occurrence(date(1980, 5, 1), date(2025, 4, 30)) == date(2025, 5, 1)
	assert next_occurrence(date(1980, 5, 1), date(2025, 5, 2)) == date(2026, 5, 1)
	assert next_occurrence(date(1980, 2, 29), date(2025, 1, 1)) == date(2025, 2, 28)
	assert next_occurrence(date(1980, 2, 29), date(2028, 1, 1)) == date(2028, 2, 29)


def test_reminder_due_window_and_repeat_guard():
	birthday = date(1990, 6, 10)
	assert reminder_due(birthday, date(2025, 6, 2), 7, None) is None
	assert reminder_due(birthday, date(2025, 6, 3), 7, None) == date(2025, 6, 10)
	assert reminder_due(birthday, date(2025, 6, 5), 7, date(2025, 6, 3)) is None  # already reminded
	assert reminder_due(birthday, date(2025, 6, 5), 7, date(2024, 6, 3)) == date(2025, 6, 10)  # last year's
	assert reminder_due(birthday, date(2025, 6, 10), 0, None) == date(2025, 6, 10)
	with pytest.raises(ValueError):
		reminder_due(birthday, date(2025, 6, 10), -1, None)


@given(
	anniversary=st.dates(),
	start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
	days_ahead=st.integers(0, 30),
)
def test_daily_job_reminds_exactly_once_a_year(anniversary, start, days_ahead):
	"""Running every day for a year, with last_reminded_on updated, reminds exactly once."""
	last, reminders = None, 0
	for offset in range(366):
		today = start + timedelta(days=offset)
		if reminder_due(anniversary, today, days_ahead, last):
			reminders += 1
			last = today
	assert reminders in (1, 2)  # two only when the window straddles both ends of the 366 days
	assert reminders == 1 or next_occurrence(anniversary, start) - start <= timedelta(days=days_ahead)
