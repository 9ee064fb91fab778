"""Rules about customers, leads and contacts: matching duplicates and yearly important dates."""

from __future__ import annotations

import re
from datetime import date, timedelta

_NON_DIGITS = re.compile(r"\D+")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
MIN_PHONE_DIGITS = 7


def normalize_email(value: str | None) -> str | None:
	"""Lower-cased address without surrounding blanks; None when it is not an address."""
	value = (value or "").strip().lower()
	return value if "@" in value else None


def normalize_phone(value: str | None) -> str | None:
	"""Digits only, so '+1 (555) 010-2000' matches '15550102000'; too short a number matches nothing."""
	digits = _NON_DIGITS.sub("", value or "")
	return digits if len(digits) >= MIN_PHONE_DIGITS else None


def normalize_tax_id(value: str | None) -> str | None:
	"""Upper-case letters and digits only: 'de 123-456' and 'DE123456' are the same tax id."""
	cleaned = _NON_ALNUM.sub("", value or "").upper()
	return cleaned or None


def next_occurrence(anniversary: date, today: date) -> date:
	"""The next yearly occurrence of a date on or after `today`; 29 February falls on 28 February
	in years without it."""
	for year in (today.year, today.year + 1):
		try:
			candidate = anniversary.replace(year=year)
		except ValueError:  # 29 February in a common year
			candidate = date(year, 2, 28)
		if candidate >= today:
			return candidate
	raise AssertionError("unreachable: next year always has the date")


def reminder_due(
	anniversary: date, today: date, days_ahead: int, last_reminded_on: date | None
) -> date | None:
	"""The occurrence to remind about today, or None.

	A reminder is due when the next occurrence lies within `days_ahead` days and was not reminded
	of already (a reminder on or after the window opened counts), so a daily job that runs twice or
	skips a day neither repeats nor misses one.
	"""
	if days_ahead < 0:
		raise ValueError("days_ahead must not be negative")
	occurrence = next_occurrence(anniversary, today)
	window_opens = occurrence - timedelta(days=days_ahead)
	if today < window_opens:
		return None
	if last_reminded_on and last_reminded_on >= window_opens:
		return None
	return occurrence
