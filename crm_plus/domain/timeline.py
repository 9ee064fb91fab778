"""The Customer 360 timeline: one chronological list merged from many document kinds, paged by cursor.

Each kind (interactions, quotations, invoices, ...) is read by its own query, newest first, at most
`limit + 1` rows after the cursor. `merge_page` merges those already-sorted lists into one page. The
order is total, so pages never repeat or skip an entry:

    (timestamp DESC, kind rank ASC, name DESC)

Some kinds only carry a date (a Quotation's transaction date); they sort as that date at midnight.
`kind_bounds` turns a cursor into the filter one kind's query needs for "strictly after the cursor".
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

CURSOR_SEPARATOR = "|"
MAX_LIMIT = 200


@dataclass(frozen=True)
class TimelineEntry:
	kind: str
	rank: int  # the kind's position in the registry; breaks ties between kinds at the same instant
	doctype: str
	name: str
	timestamp: datetime
	title: str = ""
	status: str = ""
	amount: Decimal | None = None
	currency: str | None = None
	extra: dict = field(default_factory=dict, compare=False, hash=False)

	@property
	def sort_key(self) -> tuple:
		return sort_key(self.timestamp, self.rank, self.name)


@dataclass(frozen=True)
class Cursor:
	timestamp: datetime
	rank: int
	name: str

	def encode(self) -> str:
		return CURSOR_SEPARATOR.join((self.timestamp.isoformat(), str(self.rank), self.name))

	@classmethod
	def decode(cls, value: str) -> Cursor:
		"""Parse a cursor from `encode`; raise ValueError with a clear message on anything else."""
		parts = (value or "").split(CURSOR_SEPARATOR, 2)
		if len(parts) != 3 or not parts[2]:
			raise ValueError("cursor must look like '<ISO timestamp>|<rank>|<name>'")
		try:
			return cls(datetime.fromisoformat(parts[0]), int(parts[1]), parts[2])
		except ValueError:
			raise ValueError("cursor must look like '<ISO timestamp>|<rank>|<name>'")

	@classmethod
	def after(cls, entry: TimelineEntry) -> Cursor:
		return cls(entry.timestamp, entry.rank, entry.name)


class _Desc(str):
	"""A string that sorts in reverse, so one ascending key gives timestamp and name DESC."""

	def __lt__(self, other):
		return str.__gt__(self, other)

	def __gt__(self, other):
		return str.__lt__(self, other)

	def __le__(self, other):
		return str.__ge__(self, other)

	def __ge__(self, other):
		return str.__le__(self, other)


def sort_key(timestamp: datetime, rank: int, name: str) -> tuple:
	return (-timestamp.timestamp(), rank, _Desc(name))


def as_timestamp(value: date | datetime) -> datetime:
	"""Dates sort as midnight of that day."""
	if isinstance(value, datetime):
		return value.replace(microsecond=0)
	return datetime.combine(value, time.min)


def clamp_limit(limit: int | None, default: int = 50) -> int:
	if limit is None:
		return default
	if limit < 1:
		raise ValueError("limit must be at least 1")
	return min(int(limit), MAX_LIMIT)


@dataclass(frozen=True)
class KindBounds:
	"""Which rows of one kind come strictly after a cursor in timeline order.

	Rows qualify when `value < upper`, or `value == upper` and (`name < name_below` when it is set,
	else `inclusive`). `value` is the kind's own column: a datetime, or a date for date-only kinds.
	"""

	upper: date | datetime
	inclusive: bool
	name_below: str | None = None


def kind_bounds(cursor: Cursor | None, rank: int, date_only: bool) -> KindBounds | None:
	"""The filter for one kind after `cursor`; None means no bound (first page)."""
	if cursor is None:
		return None
	ts = cursor.timestamp
	if date_only:
		day = ts.date()
		if ts.time() != time.min:
			# midnight of `day` is earlier than the cursor: the whole day still comes after it
			return KindBounds(day, inclusive=True)
		upper: date | datetime = day
	else:
		upper = ts
	if rank < cursor.rank:
		# at the same instant this kind sorts before the cursor's kind: already shown
		return KindBounds(upper, inclusive=False)
	if rank > cursor.rank:
		return KindBounds(upper, inclusive=True)
	return KindBounds(upper, inclusive=False, name_below=cursor.name)


def comes_after(entry: TimelineEntry, cursor: Cursor | None) -> bool:
	return cursor is None or entry.sort_key > sort_key(cursor.timestamp, cursor.rank, cursor.name)


@dataclass(frozen=True)
class Page:
	entries: tuple[TimelineEntry, ...]
	next_cursor: str | None


def merge_page(sources: Iterable[Sequence[TimelineEntry]], limit: int, cursor: Cursor | None = None) -> Page:
	"""Merge per-kind lists (each newest first, each holding up to `limit + 1` rows after the cursor).

	Entries at or before the cursor are dropped (defensive: queries already exclude them). The next
	cursor is set only when more entries exist beyond this page.
	"""
	ordered = [
		sorted((e for e in src if comes_after(e, cursor)), key=lambda e: e.sort_key) for src in sources
	]
	merged = heapq.merge(*ordered, key=lambda e: e.sort_key)
	page: list[TimelineEntry] = []
	has_more = False
	for entry in merged:
		if len(page) == limit:
			has_more = True
			break
		page.append(entry)
	next_cursor = Cursor.after(page[-1]).encode() if has_more and page else None
	return Page(tuple(page), next_cursor)
