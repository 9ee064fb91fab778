"""Helpers shared by crm_plus's set-based SQL: index hints, the isolation level of long jobs, and
decimals as the driver gives them."""

import contextlib
from decimal import Decimal

import frappe

from crm_plus.constants import INDEX_CACHE


def has_index(doctype: str, index: str) -> bool:
	"""Whether one of crm_plus's indexes (`crm_plus.install.indexes`) exists on the site, remembered in
	the site's cache so a hot path (the Customer 360) asks the database once."""
	known = frappe.cache.hget(INDEX_CACHE, f"{doctype}:{index}")
	if known is None:
		known = bool(frappe.db.has_index(f"tab{doctype}", index))
		frappe.cache.hset(INDEX_CACHE, f"{doctype}:{index}", known)
	return known


def index_hint(doctype: str, index: str, fallback: str = "") -> str:
	"""FORCE INDEX for a query that reads through one of crm_plus's indexes, when it exists (a site
	mid-upgrade may not have it yet): MariaDB's estimates right after a bulk load can pick a scan."""
	return f"force index (`{index}`)" if has_index(doctype, index) else fallback


def force_index(query, doctype: str, index: str):
	"""The frappe.qb form of `index_hint`."""
	return query.force_index(index) if has_index(doctype, index) else query


@contextlib.contextmanager
def read_committed():
	"""Run the block in READ COMMITTED: INSERT ... SELECT and UPDATE ... JOIN read the invoices as a
	consistent read instead of locking every row they scan (REPEATABLE READ would take shared
	next-key locks and make users' submits wait). Commits what the block did."""
	_set_isolation("read committed")
	try:
		yield
		frappe.db.commit()  # nosemgrep
	finally:
		frappe.db.rollback()
		_set_isolation("repeatable read")


def _set_isolation(level: str):
	"""A transaction takes the session's level when it starts, and Frappe starts the next one as it
	commits: so commit, set the level, and commit the empty transaction to start one at that level."""
	frappe.db.commit()  # nosemgrep
	frappe.db.sql(f"set session transaction isolation level {level}")
	frappe.db.commit()  # nosemgrep


def to_decimal(value) -> Decimal:
	"""A Decimal from what the driver gives (Decimal, float, int or None: 0)."""
	return value if isinstance(value, Decimal) else Decimal(str(value or 0))


# Reports that list every customer open on their first page of the most relevant rows (a "Show"
# filter: "Top 500" or "All"), read with LIMIT through an index in the report's order, and say in
# their message how many rows the whole list has.
FIRST_PAGE = 500
SHOW_ALL = "All"


def page_limit(show: str | None, first_page: int = FIRST_PAGE) -> int | None:
	"""The LIMIT of a report's rows: the first page unless the user chose Show: All."""
	return None if show == SHOW_ALL else first_page
