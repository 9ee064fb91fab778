"""Shared by the benchmark scripts: connect to a site, time things, count statements, print tables.

The scripts run inside a bench (`cd BENCH/sites && ../env/bin/python /path/to/benchmarks/x.py SITE`),
print what they measured and assert nothing.
"""

import contextlib
import os
import platform
import statistics
import time


@contextlib.contextmanager
def site(name: str):
	import frappe

	frappe.init(site=name)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		yield frappe
	finally:
		frappe.destroy()


def environment(frappe) -> list[tuple[str, str]]:
	"""What a reader needs to compare figures: machine, versions and the database settings."""
	import erpnext

	variables = dict(
		frappe.db.sql(
			"""show variables where variable_name in ('version', 'innodb_buffer_pool_size',
			'tmp_table_size', 'max_heap_table_size', 'innodb_flush_log_at_trx_commit', 'tx_isolation')"""
		)
	)
	memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
	return [
		("machine", f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.machine()}"),
		("python", platform.python_version()),
		("frappe / erpnext", f"{frappe.__version__} / {erpnext.__version__}"),
		("mariadb", variables.get("version", "?")),
		("innodb_buffer_pool_size", f"{int(variables.get('innodb_buffer_pool_size', 0)) / 2**20:.0f} MiB"),
		("tmp_table_size", f"{int(variables.get('tmp_table_size', 0)) / 2**20:.0f} MiB"),
		("innodb_flush_log_at_trx_commit", variables.get("innodb_flush_log_at_trx_commit", "?")),
		("isolation", variables.get("tx_isolation", "?")),
	]


class StatementCounter:
	"""Counts the statements sent through frappe.db.sql (every ORM and query-builder call goes there)."""

	def __init__(self, frappe):
		self.frappe, self.count = frappe, 0

	def __enter__(self):
		cls = self.frappe.db.__class__
		self.original = cls.sql
		counter = self

		def counting(db, *args, **kwargs):
			counter.count += 1
			return counter.original(db, *args, **kwargs)

		cls.sql = counting
		return self

	def __exit__(self, *exc):
		self.frappe.db.__class__.sql = self.original


def timed(fn, runs: int = 3, warmup: int = 1) -> tuple[list[float], object]:
	"""Seconds of each run (after `warmup` unmeasured runs) and the last result."""
	result = None
	for _ in range(warmup):
		result = fn()
	seconds = []
	for _ in range(runs):
		started = time.perf_counter()
		result = fn()
		seconds.append(time.perf_counter() - started)
	return seconds, result


def median(values) -> float:
	return statistics.median(values)


def table(headers: list[str], rows: list[list], title: str | None = None):
	"""Print a plain text table (also valid Markdown, to paste into docs/benchmarks.md)."""
	cells = [[str(c) for c in headers]] + [[_fmt(c) for c in row] for row in rows]
	widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
	if title:
		print(f"\n{title}\n")
	for n, row in enumerate(cells):
		pairs = enumerate(zip(row, widths, strict=True))
		print("| " + " | ".join(c.rjust(w) if n and i else c.ljust(w) for i, (c, w) in pairs) + " |")
		if n == 0:
			print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def _fmt(value) -> str:
	if isinstance(value, float):
		return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
	if isinstance(value, int):
		return f"{value:,}"
	return str(value)
