"""Benchmark: scoring every customer (value + churn risk) against one flat scan of the invoices.

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/scoring.py SITE [--runs 3]
        [--group-by-anchors] [--memory 1000,5000,20000]

On a site filled by `bench --site SITE crm-plus-generate` it prints, measured in the same run on the
same data:
- the floor: a flat scan of every Sales Invoice (`count`, `sum`, `max` through the primary key);
- with --group-by-anchors, the per-customer GROUP BY as MariaDB plans it on ERPNext's own indexes and
  with the `customer` index ignored (slow on large sites; off by default);
- `crm_plus.services.scoring.pipeline.score_all` end to end, its statements and the time of each phase, and its
  ratio to the floor (goal: at most 1.5x, a fixed number of statements);
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
GROUP_BY = """select customer, count(*), sum(base_net_total), max(posting_date)
	from `tabSales Invoice` {hint} where docstatus = 1 group by customer"""
PHASES = (
	"aggregate",
	"add_statistics",
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


def phase_timer(pipeline):
	"""Wrap the job's phases to add up the seconds spent in each."""
	spent = dict.fromkeys(PHASES, 0.0)
	originals = {name: getattr(pipeline, name) for name in PHASES}

	def wrap(name):
		def timed_phase(*args, **kwargs):
			started = time.perf_counter()
			try:
				return originals[name](*args, **kwargs)
			finally:
				spent[name] += time.perf_counter() - started

		return timed_phase

	for name in PHASES:
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
		from crm_plus.services.scoring import pipeline

		table(["", ""], environment(frappe) + data_sizes(frappe), "Environment and data")
		indexes = crm_plus_indexes(frappe)
		print(f"\ncrm_plus indexes on Sales Invoice: {', '.join(indexes) or 'none'}")

		floor_seconds, _ = timed(lambda: frappe.db.sql(FLOOR), runs=args.runs)
		floor = median(floor_seconds)
		rows = [["floor: flat scan of the invoices", floor, 1.0, 1]]
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
					result = pipeline.score_all(publish=False)
					frappe.db.commit()
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
