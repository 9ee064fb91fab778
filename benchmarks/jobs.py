"""Benchmark: what each crm_plus background job costs on this site (for docs/scaling.md).

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/jobs.py SITE [--parts 1,2]
        [--with-plans]

Runs each scheduled job once, the way the scheduler does (as Administrator, committing), and prints
its seconds and statements per 100,000 customer-company rows:
- the scoring run (`pipeline.run`) in one process and, for each --parts > 1, split into that many part
  jobs that this script then runs one after another in this process (a lower bound of the work; the
  wall time with real workers is in docs/benchmarks.md);
- with --workers, the run split over that many real RQ workers (`bench worker --burst` processes this
  script starts), timed from enqueuing to the last worker's exit;
- the 15-minute checks: the scoring catch-up test and the complaint SLA watch;
- the daily jobs: goal measurement and important-date reminders; with --with-plans also the retention
  plans update (it opens a plan, a document with assignments, for every customer whose risk crossed
  the threshold, so its first run on a large site makes thousands of documents).
It asserts nothing.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import StatementCounter, environment, site, table


def measure(frappe, label: str, fn) -> list:
	with StatementCounter(frappe) as counter:
		started = time.perf_counter()
		result = fn()
		frappe.db.commit()
		seconds = time.perf_counter() - started
	return [label, seconds, counter.count, _short(result)]


def _short(result) -> str:
	text = str(result)
	return text if len(text) <= 60 else text[:57] + "..."


def run_split(frappe, parts: int):
	"""The split run's work, its parts taken from the queue and run here one after another."""
	from frappe.utils.background_jobs import get_queue

	from crm_plus.services.scoring import pipeline

	result = pipeline.run(parts=parts)
	queue = get_queue("long")
	for job in list(queue.jobs):
		if job.id.startswith(f"{frappe.local.site}::{pipeline.JOB_ID}::"):
			kwargs = job.kwargs["kwargs"]
			queue.remove(job)
			pipeline.run_part(**kwargs)
	return result


def run_on_workers(frappe, parts: int):
	"""The run split into `parts` jobs and `parts` real RQ workers (`bench worker --burst`) started to
	take them: the wall time from enqueuing to the last worker's exit, worker start-up included."""
	import subprocess

	from crm_plus.services.scoring import pipeline

	frappe.db.set_single_value("CRM Plus Settings", "scoring_workers", parts)
	frappe.db.commit()
	try:
		pipeline.enqueue_scoring()
		workers = [
			subprocess.Popen(
				[
					sys.executable,
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"worker",
					"--queue",
					"long",
					"--burst",
				],
				cwd=frappe.local.sites_path,
				stdout=subprocess.DEVNULL,
				stderr=subprocess.DEVNULL,
			)
			for _ in range(parts)
		]
		for worker in workers:
			worker.wait(timeout=3600)
	finally:
		frappe.db.set_single_value("CRM Plus Settings", "scoring_workers", 1)
		frappe.db.commit()
	return frappe.db.get_single_value("CRM Plus Settings", "last_scoring_finished")


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--parts", default="1")
	parser.add_argument("--with-plans", action="store_true")
	parser.add_argument(
		"--workers", default="", help="comma-separated worker counts for the real-worker runs"
	)
	args = parser.parse_args()

	with site(args.site) as frappe:
		from crm_plus.services import goals, important_dates, retention
		from crm_plus.services.complaints import sla_watch
		from crm_plus.services.scoring import pipeline

		table(["", ""], environment(frappe), "Environment")
		rows = []
		for parts in [int(p) for p in args.parts.split(",")]:
			if parts == 1:
				rows.append(measure(frappe, "scoring: full run, one worker", lambda: pipeline.run(parts=1)))
			else:
				rows.append(
					measure(
						frappe,
						f"scoring: full run in {parts} parts",
						lambda parts=parts: run_split(frappe, parts),
					)
				)
		for parts in [int(p) for p in args.workers.split(",") if p.strip()]:
			rows.append(
				measure(
					frappe,
					f"scoring: full run on {parts} real RQ workers (wall time)",
					lambda parts=parts: run_on_workers(frappe, parts),
				)
			)
		rows.append(measure(frappe, "scoring: 15-minute catch-up check", pipeline.rescore_if_changed))
		rows.append(measure(frappe, "complaints: SLA watch (15 minutes)", sla_watch.check_slas))
		rows.append(measure(frappe, "goals: measure all (daily)", goals.measure_all))
		rows.append(measure(frappe, "important dates: reminders (daily)", important_dates.send_reminders))
		if args.with_plans:
			rows.append(measure(frappe, "retention: update plans (daily)", retention.update_plans))
		scored = frappe.db.count("Customer Health Snapshot", {"period": frappe.utils.today()[:7]})
		per = 100_000 / max(scored, 1)
		table(
			["job", "seconds", "statements", "seconds per 100k rows", "result"],
			[[label, seconds, count, seconds * per, result] for label, seconds, count, result in rows],
			f"crm_plus jobs on {scored:,} scored customer-company rows",
		)


if __name__ == "__main__":
	main()
