"""Value and churn-risk scoring of every customer of every company: the run, its steps and its jobs.

The job never runs one query per customer. For a month (`period`, YYYY-MM) it:

1. writes the month's Customer Health Snapshot rows with ONE statement, each row once: the facts of all
   submitted Sales Invoices per customer and company from one scan of a covering index
   (`crm_plus_scoring`, added at install) with the gross profit of the items in the same pass
   (`crm_plus_profit`), the receivables, complaints and negative interactions joined by key, and the
   main company and profit rank from window functions over the same rows (an upsert, so a re-run gives
   the same result);
2. reads the population statistics per company in SQL (RFM quintile cut points, the 80/20 thresholds)
   over the snapshot rows;
3. reads the snapshot rows in chunks (keyset by name, so memory is bounded by the chunk size) and lets
   `crm_plus.domain.retention` score each one, writing a chunk back with one statement. The chunks can
   be spread over several RQ workers (`Scoring Workers` in CRM Plus Settings): each part scores a
   range of names with the same statistics, so the result is the same as one worker's;
4. copies the main company's figures onto the Customer, writing only the customers whose figures
   changed, with one UPDATE ... JOIN.

Every statement is parameterised. As a background job (`run`) it reads in READ COMMITTED, so its long
scans take no locks on the invoices that users are submitting, and it commits after each step and
chunk; every step is idempotent, so a failed run is repaired by the next. Enqueuing it twice runs it
once (job id, deduplication, and a run lock held until the last part finishes). Invoices, payments,
complaints or interactions changed while it ran are picked up by `rescore_if_changed` (every 15
minutes), so the stored figures converge to a full recompute."""

import os
import uuid
from dataclasses import dataclass
from datetime import date

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, getdate, now_datetime, today

from crm_plus.constants import (
	CUSTOMER_COMPLAINT,
	CUSTOMER_INTERACTION,
	HEALTH_SNAPSHOT,
	SETTINGS,
)
from crm_plus.services import jobs
from crm_plus.services.boot import RECOMPUTE_ROLES
from crm_plus.services.scoring.aggregate import aggregate
from crm_plus.services.scoring.chunks import read_chunks, score_chunk
from crm_plus.services.scoring.customers import copy_to_customers
from crm_plus.services.scoring.statistics import get_cutpoints, get_pareto_thresholds
from crm_plus.services.settings import get_settings
from crm_plus.services.sql import read_committed

JOB_ID = "crm_plus::score_customers"
# The run's lease: a Redis key naming the run that holds it, renewed at every step and chunk by the run
# and its parts. A run killed at any point (SIGKILL, a lost connection, a restart) stops renewing it and
# the next run starts within LEASE_SECONDS; a live run still keeps others out. A test (or a site with
# very slow chunks) sets another length: CRM_PLUS_LEASE_SECONDS in the environment or
# `crm_plus_lease_seconds` in the site's config.
RUN_LOCK = "crm_plus:scoring:run"
LEASE_SECONDS = 90
HEALTH = "scoring"  # its row in CRM Job Health (crm_plus.services.jobs)
JOB_TIMEOUT = 4 * 3600  # RQ's limit for one job (a run's parts share the lease, not this)
RUN_LOCK_SECONDS = JOB_TIMEOUT  # how long a split run's bookkeeping is kept


class LeaseLost(Exception):
	"""Another run took the lease over (this one stopped renewing it in time): stop writing."""


@dataclass
class Run:
	"""What every part of one run shares: the day, the month and the population's statistics."""

	as_of: date
	period: str
	rows: int
	cutpoints: dict
	thresholds: dict
	run_id: str = ""
	started: str = ""


def enqueue_daily_scoring():
	"""Scheduler (daily_long): score every customer in the background."""
	return enqueue_scoring()


def enqueue_scoring(as_of: str | None = None):
	_forget_dead_job()
	frappe.enqueue(
		"crm_plus.services.scoring.pipeline.run",
		queue="long",
		timeout=JOB_TIMEOUT,
		job_id=JOB_ID,
		deduplicate=True,
		as_of=as_of,
	)


def recompute_now() -> dict:
	"""Managers: queue a full scoring run now (a second click while it is queued does nothing)."""
	frappe.only_for(RECOMPUTE_ROLES)
	enqueue_scoring()
	return {"queued": True, "job_id": JOB_ID}


def rescore_if_changed():
	"""Scheduler (every 15 minutes): score again when invoices, payments, complaints or interactions
	changed since the last run started. Four indexed look-ups when nothing changed."""
	if not cint(get_settings().rescore_on_change):
		return False
	last = frappe.db.get_single_value(SETTINGS, "last_scoring_started")
	if last and not changed_since(get_datetime(last)):
		return False
	enqueue_scoring()
	return True


def changed_since(moment) -> bool:
	for doctype in ("Sales Invoice", "Payment Ledger Entry", CUSTOMER_COMPLAINT, CUSTOMER_INTERACTION):
		if frappe.db.exists(doctype, {"modified": (">=", moment)}):
			return True
	return False


def run(as_of=None, parts: int | None = None):
	"""The background job. With `parts` > 1 (default: the setting) the scoring of the chunks is split
	into that many jobs for the RQ workers; the last one to finish copies the figures onto customers."""
	run_id = uuid.uuid4().hex
	if not _acquire_lock(run_id):
		return {"skipped": _("A scoring run is already in progress")}
	try:
		jobs.started(HEALTH, run_id)  # a run that died holding the lease is recorded as failed here
		settings = get_settings()
		parts = max(1, cint(parts or settings.scoring_workers or 1))
		with read_committed():
			state = prepare(as_of, settings, commit=True, run_id=run_id)
		state.run_id = run_id
		jobs.fault_point("scoring@prepared")  # test-only (CRM_PLUS_FAULT): the first step is done
		if parts == 1 or state.rows <= cint(settings.scoring_chunk_size or 5000):
			with read_committed():
				score_range(state, settings=settings, commit=True)
			return finish(state)
		ranges = split(state.period, parts)
		frappe.cache.set(_remaining_key(run_id), len(ranges), ex=RUN_LOCK_SECONDS)
		for number, (after, upto) in enumerate(ranges):
			frappe.enqueue(
				"crm_plus.services.scoring.pipeline.run_part",
				queue="long",
				timeout=JOB_TIMEOUT,
				job_id=f"{JOB_ID}::{run_id}::{number}",
				state=state,
				after=after,
				upto=upto,
			)
		return {"run_id": run_id, "parts": len(ranges), "rows": state.rows}
	except Exception as e:
		jobs.failed(HEALTH, run_id, e)
		_release_lock(run_id)
		raise


def run_part(state: Run, after: str, upto: str | None):
	"""One part of a split run: score the snapshot rows with names in (after, upto]."""
	try:
		with read_committed():
			score_range(state, after=after, upto=upto, commit=True)
	except Exception as e:
		jobs.failed(HEALTH, state.run_id, e)
		raise
	if frappe.cache.decr(_remaining_key(state.run_id)) <= 0:
		finish(state)


def finish(state: Run) -> dict:
	try:
		renew_lease(state.run_id)
		jobs.fault_point("scoring@finish")  # test-only (CRM_PLUS_FAULT): before the last step
		with read_committed():
			changed = copy_to_customers(state.period)
		frappe.db.set_single_value(
			SETTINGS,
			{
				"last_scoring_started": state.started,
				"last_scoring_finished": now_datetime(),
				"last_scoring_rows": state.rows,
			},
		)
		frappe.db.commit()  # nosemgrep: the job's last step
		jobs.finished(HEALTH, state.run_id, state.rows)
		frappe.cache.incr(frappe.cache.make_key("crm_plus:scoring:runs"))
		frappe.cache.set(
			frappe.cache.make_key("crm_plus:scoring:last_run"), state.run_id, ex=RUN_LOCK_SECONDS
		)
	except Exception as e:
		jobs.failed(HEALTH, state.run_id, e)
		raise
	finally:
		frappe.cache.delete(_remaining_key(state.run_id))
		_release_lock(state.run_id)
	return {"run_id": state.run_id, "period": state.period, "rows": state.rows, "customers_changed": changed}


def split(period: str, parts: int) -> list[tuple[str, str | None]]:
	"""Ranges (after, upto] of snapshot names with about the same number of rows each."""
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
	rows = frappe.db.count(HEALTH_SNAPSHOT, {"period": period})
	bounds = []
	for k in range(1, parts):
		name = (
			frappe.qb.from_(s)
			.select(s.name)
			.where(s.period == period)
			.orderby(s.name)
			.limit(1)
			.offset(k * rows // parts)
			.run()
		)
		if name and (not bounds or name[0][0] > bounds[-1]):
			bounds.append(name[0][0])
	edges = ["", *bounds]
	return [(edges[i], edges[i + 1] if i + 1 < len(edges) else None) for i in range(len(edges))]


def _remaining_key(run_id: str) -> str:
	return frappe.cache.make_key(f"crm_plus:scoring:{run_id}:remaining")


def lease_seconds() -> int:
	return (
		cint(os.environ.get("CRM_PLUS_LEASE_SECONDS") or frappe.conf.get("crm_plus_lease_seconds"))
		or LEASE_SECONDS
	)


def _acquire_lock(run_id: str) -> bool:
	return bool(frappe.cache.set(frappe.cache.make_key(RUN_LOCK), run_id, nx=True, ex=lease_seconds()))


def renew_lease(run_id: str | None) -> None:
	"""Keep the lease for LEASE_SECONDS more; raise LeaseLost when another run holds it. A call without a
	run (score_all from a test or the demo) holds no lease."""
	if not run_id:
		return
	key = frappe.cache.make_key(RUN_LOCK)
	holder = frappe.cache.get(key)
	if holder is None:  # it ran out while this step ran: take it back unless another run has it
		if frappe.cache.set(key, run_id, nx=True, ex=lease_seconds()):
			return
		holder = frappe.cache.get(key)
	if holder is None or holder.decode() != run_id:
		raise LeaseLost(run_id)
	frappe.cache.expire(key, lease_seconds())


def holder() -> str | None:
	"""The run holding the lease now, if any."""
	value = frappe.cache.get(frappe.cache.make_key(RUN_LOCK))
	return value.decode() if value else None


def lease_held() -> bool:
	"""Whether a live run holds the lease (CRM Job Health asks, to tell a running run from a dead one)."""
	return holder() is not None


def _forget_dead_job():
	"""RQ keeps a job "started" when its worker was killed (until the job's timeout), and deduplication
	would then refuse every new run for hours: with no live run holding the lease, that job is dead."""
	from frappe.utils.background_jobs import get_job

	job = get_job(JOB_ID)
	if job and job.get_status(refresh=True) == "started" and holder() is None:
		job.delete()


def _release_lock(run_id: str):
	key = frappe.cache.make_key(RUN_LOCK)
	holder = frappe.cache.get(key)
	if holder is not None and holder.decode() == run_id:
		frappe.cache.delete(key)


def score_all(as_of=None, chunk_size: int | None = None, publish: bool = True, commit: bool = False) -> dict:
	"""Score every customer of every company as of a day; returns counts. Safe to re-run. In one
	transaction unless `commit` (the background job commits each step)."""
	settings = get_settings()
	state = prepare(as_of, settings, commit=commit, publish=publish)
	scored = score_range(state, settings=settings, chunk_size=chunk_size, commit=commit, publish=publish)
	changed = copy_to_customers(state.period)
	_progress(publish, 100, _("Done"))
	return {"period": state.period, "rows": state.rows, "scored": scored, "customers_changed": changed}


def prepare(as_of, settings, commit: bool = False, publish: bool = False, run_id: str = "") -> Run:
	as_of = getdate(as_of or today())
	period = as_of.strftime("%Y-%m")
	started = now_datetime()  # the site's time zone, as `modified` is stored (not the server's now())
	_progress(publish, 0, _("Aggregating invoices"))
	rows = aggregate(as_of, period, settings)
	renew_lease(run_id)
	_commit(commit)
	return Run(
		as_of=as_of,
		period=period,
		rows=rows,
		cutpoints=get_cutpoints(period, as_of),
		thresholds=get_pareto_thresholds(period),
		started=str(started),
	)


def score_range(
	state: Run,
	after: str = "",
	upto: str | None = None,
	settings=None,
	chunk_size: int | None = None,
	commit: bool = False,
	publish: bool = False,
) -> int:
	settings = settings or get_settings()
	chunk_size = chunk_size or cint(settings.scoring_chunk_size) or 5000
	scored = 0
	for chunk in read_chunks(state.period, chunk_size, after, upto):
		score_chunk(chunk, state.as_of, (state.cutpoints, state.thresholds), settings)
		renew_lease(state.run_id)  # before the commit: a run that lost the lease writes nothing more
		_commit(commit)
		scored += len(chunk)
		jobs.fault_point("scoring@chunk")  # test-only (CRM_PLUS_FAULT): after a chunk
		_progress(
			publish,
			10 + 85 * scored / max(state.rows, 1),
			_("Scored {0} of {1}").format(scored, state.rows),
		)
	return scored


def _commit(commit: bool):
	if commit:
		frappe.db.commit()  # nosemgrep: a long job commits each step and chunk (each is idempotent)


def _progress(publish, percent, description):
	if publish:
		frappe.publish_progress(percent, title=_("Scoring customers"), description=description)
