"""Benchmark: scoring every customer (value + churn risk) against one flat scan of the invoices.

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/scoring.py SITE [--runs 3]
        [--group-by-anchors] [--memory 1000,5000,20000]

On a site filled by `bench --site SITE crm-plus-generate` it prints, measured in the same run on the
same data:
- the floor, what scoring must read and write at the least, in three parts: (a) a flat scan of every
  Sales Invoice (`count`, `sum`, `max` through the primary key); (b) one scan of the items of the last
  year's invoices, through the indexes the gross profit reads (crm_plus_scoring, then crm_plus_profit);
  (c) writing the month's snapshot rows once: INSERT ... SELECT of the same rows, every column, into a
  scratch InnoDB copy of the snapshot table with the same indexes (created and dropped by the script,
  committed like the job's writes). The floor is a + b + c;
- with --group-by-anchors, the per-customer GROUP BY as MariaDB plans it on ERPNext's own indexes and
  with the `customer` index ignored (slow on large sites; off by default);
- `crm_plus.services.scoring.pipeline.score_all` end to end, in READ COMMITTED as the background job
  runs it, its statements and the time of each phase, and its
  ratio to the floor (goal: at most 1.5x, a fixed number of statements). Run it once before measuring
  on a fresh site: the first run of a month also writes every Customer;
- with --memory, the peak Python memory (tracemalloc) of the job for each chunk size.
It asserts nothing.
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import StatementCounter, environment, median, site, table, timed

FLOOR = (
	"select count(*), sum(base_net_total), max(posting_date) from `tabSales Invoice` force index (primary)"
)
# (b) the items of the last year's invoices, read as the gross profit reads them (same indexes)
ITEMS = """select count(*), sum(sii.base_net_amount - ifnull(sii.incoming_rate, 0) * sii.stock_qty)
	from `tabSales Invoice` si force index (crm_plus_scoring)
	join `tabSales Invoice Item` sii force index (crm_plus_profit) on sii.parent = si.name
	where si.docstatus = 1 and si.posting_date > %(profit_from)s and si.posting_date <= %(as_of)s"""
# (c) the month's snapshot rows written once, into a scratch copy of the table with the same indexes
SCRATCH = "_crm_plus_bench_snapshot_copy"
GROUP_BY = """select customer, count(*), sum(base_net_total), max(posting_date)
	from `tabSales Invoice` {hint} where docstatus = 1 group by customer"""
PHASES = (
	"aggregate",
	"get_cutpoints",
	"get_pareto_thresholds",
	"score_chunk",
	"copy_to_customers",
)


def data_sizes(frappe) -> list[tuple[str, int]]:
	def rows(table):
		return frappe.db.sql(f"select count(*) from `{table}`")[0][0]

	return [
		("customers", rows("tabCustomer")),
		("sales invoices (submitted, incl. credit notes)", rows("tabSales Invoice")),
		("invoice items", rows("tabSales Invoice Item")),
		("payment ledger entries", rows("tabPayment Ledger Entry")),
		("interactions", rows("tabCustomer Interaction")),
		("complaints", rows("tabCustomer Complaint")),
	]


def crm_plus_indexes(frappe) -> list[str]:
	rows = frappe.db.sql("show index from `tabSales Invoice`")
	return sorted({row[2] for row in rows if row[2].startswith("crm_plus")})


def floor_parts(frappe, runs: int) -> list[tuple[str, float]]:
	"""The three parts of the floor, each the median of `runs` (after one unmeasured run)."""
	from frappe.utils import add_days, getdate, today

	as_of = getdate(today())
	period = as_of.strftime("%Y-%m")
	items = {"as_of": as_of, "profit_from": add_days(as_of, -365)}
	invoices, _ = timed(lambda: frappe.db.sql(FLOOR), runs=runs)
	item_scan, _ = timed(lambda: frappe.db.sql(ITEMS, items), runs=runs)
	frappe.db.sql_ddl(f"drop table if exists `{SCRATCH}`")
	frappe.db.sql_ddl(f"create table `{SCRATCH}` like `tabCustomer Health Snapshot`")

	def write_once():
		frappe.db.sql(f"delete from `{SCRATCH}`")
		frappe.db.commit()
		started = time.perf_counter()
		frappe.db.sql(
			f"insert into `{SCRATCH}` select * from `tabCustomer Health Snapshot` where period = %s", period
		)
		frappe.db.commit()
		return time.perf_counter() - started

	try:
		write_once()
		writes = [write_once() for _ in range(runs)]
	finally:
		frappe.db.sql_ddl(f"drop table if exists `{SCRATCH}`")
	return [
		("floor (a): flat scan of the invoices", median(invoices)),
		("floor (b): the last year's invoice items, through the profit indexes", median(item_scan)),
		("floor (c): the month's snapshot rows written once", median(writes)),
	]


def phase_timer(pipeline):
	"""Wrap the job's phases to add up the seconds spent in each."""
	phases = [name for name in PHASES if hasattr(pipeline, name)]
	spent = dict.fromkeys(phases, 0.0)
	originals = {name: getattr(pipeline, name) for name in phases}

	def wrap(name):
		def timed_phase(*args, **kwargs):
			started = time.perf_counter()
			try:
				return originals[name](*args, **kwargs)
			finally:
				spent[name] += time.perf_counter() - started

		return timed_phase

	for name in phases:
		setattr(pipeline, name, wrap(name))
	return spent, lambda: [setattr(pipeline, n, f) for n, f in originals.items()]


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--runs", type=int, default=3)
	parser.add_argument("--group-by-anchors", action="store_true")
	parser.add_argument("--memory", default="", help="comma-separated chunk sizes to measure peak memory")
	args = parser.parse_args()

	with site(args.site) as frappe:
		from frappe.utils import today

		from crm_plus.services.scoring import pipeline
		from crm_plus.services.sql import read_committed

		table(["", ""], environment(frappe) + data_sizes(frappe), "Environment and data")
		indexes = crm_plus_indexes(frappe)
		print(f"\ncrm_plus indexes on Sales Invoice: {', '.join(indexes) or 'none'}")

		if not frappe.db.count("Customer Health Snapshot", {"period": today()[:7]}):
			pipeline.score_all(publish=False)  # the month's rows, for the floor's write (c)
			frappe.db.commit()
		parts = floor_parts(frappe, args.runs)
		floor = sum(seconds for _label, seconds in parts)
		rows = [[label, seconds, seconds / floor, 1] for label, seconds in parts]
		rows.append(["floor = a + b + c", floor, 1.0, 3])
		if args.group_by_anchors:
			ignore = ", ".join(indexes)
			for label, hint in (
				(
					"GROUP BY customer, as planned on ERPNext's indexes",
					f"ignore index ({ignore})" if ignore else "",
				),
				(
					"GROUP BY customer, customer index ignored",
					f"ignore index ({', '.join(['customer', *indexes])})",
				),
			):
				seconds, _ = timed(
					lambda hint=hint: frappe.db.sql(GROUP_BY.format(hint=hint)), runs=1, warmup=0
				)
				rows.append([label, seconds[0], seconds[0] / floor, 1])

		spent, restore = phase_timer(pipeline)
		runs = []
		try:
			for _ in range(args.runs):
				for name in spent:
					spent[name] = 0.0
				with StatementCounter(frappe) as counter:
					started = time.perf_counter()
					with read_committed():  # as the background job reads: no locks on what it scans
						result = pipeline.score_all(publish=False)
					runs.append((time.perf_counter() - started, counter.count, dict(spent)))
		finally:
			restore()
		best = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
		rows.append(
			[
				f"crm_plus scoring ({result['rows']:,} customer-company rows)",
				best[0],
				best[0] / floor,
				best[1],
			]
		)
		table(["what", "seconds (median)", "x floor", "statements"], rows, "Scoring against the floor")
		table(
			["phase", "seconds"],
			[[name, seconds] for name, seconds in best[2].items()]
			+ [["other (deletes, counts, commits)", best[0] - sum(best[2].values())]],
			"Where the scoring time goes (median run)",
		)
		print("\nall runs (s): " + ", ".join(f"{r[0]:.2f}" for r in runs))

		if args.memory:
			memory_rows = []
			for size in [int(s) for s in args.memory.split(",") if s.strip()]:
				tracemalloc.start()
				started = time.perf_counter()
				pipeline.score_all(publish=False, chunk_size=size)
				frappe.db.commit()
				_current, peak = tracemalloc.get_traced_memory()
				tracemalloc.stop()
				memory_rows.append([size, result["rows"], peak / 2**20, time.perf_counter() - started])
			table(
				["chunk size", "rows scored", "peak MiB (tracemalloc)", "seconds (traced)"],
				memory_rows,
				"Peak Python memory of the scoring job",
			)


if __name__ == "__main__":
	main()
