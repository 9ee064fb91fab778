"""crm_plus's background jobs survive faults, and say how they are doing.

One decorator, `background_job(key)`, wraps each scheduled job. Run by the scheduler, a worker or
`bench execute`, the job:

- takes a **lease that a dead run cannot hold**: MariaDB's `GET_LOCK`, owned by the job's database
  connection. A second run of the same job (another worker, an overlapping schedule, a click) finds it
  held and returns `{"skipped": ...}`; a run killed at any point (SIGKILL, out of memory, its
  connection killed, a restart) loses its connection and with it the lock, at once, so the next run never
  waits for an expiry. Redis is not involved: a flushed cache changes nothing. The lock is taken before
  the run's first read, so the run sees everything the previous one committed.
- commits its work in **idempotent steps** (`step()`): each step holds a fact together with the record
  that says it was done (an escalation level with its notifications and ToDo, a plan with its actions),
  so a step is either all there or not at all, and the next run redoes exactly the missing steps.
- keeps **one CRM Job Health row** per job: last started, finished and succeeded, duration, rows handled,
  state. A failure (an exception, or a run found dead by the next run or by `watch_jobs`) leaves its
  traceback in the Error Log and notifies the System Managers and CRM Managers once per failure episode;
  the next success clears it.

Scoring spreads one run over several workers, so it keeps its own lease in Redis
(`crm_plus.services.scoring.pipeline`) and reports to the same health rows through `started`,
`finished` and `failed`.

Called directly inside a test's transaction (`frappe.flags.in_test`, outside a worker), a job runs as a
plain function: no lease, no commits, no health row. `run_now(key, ...)` runs it as a job anywhere."""

import contextlib
import functools
import hashlib
import os
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import cint, format_datetime, get_datetime, now_datetime, time_diff_in_seconds

from crm_plus.constants import CRM_JOB_HEALTH, CRM_MANAGER, SYSTEM_MANAGER

SCHEDULED_RUNNER = "frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job"

# The stored status of a run; what Desk shows adds "stale", "stuck" and "never run" (`describe`).
RUNNING, OK, FAILED = "Running", "OK", "Failed"
# Test-only: "<key>@<n>" stops the job at its n-th step, "<key>@end" before its last commit (see
# `fault_point`). Unset in production: the check is one dictionary look-up.
FAULT_ENV = "CRM_PLUS_FAULT"
FAULT_RESUME_ENV = "CRM_PLUS_FAULT_RESUME"


@dataclass(frozen=True)
class Job:
	key: str
	title: str
	method: str
	every_minutes: int  # how often it is scheduled
	timeout_minutes: int  # longer than this while alive: stuck
	lease: str = "database"  # or a dotted path telling whether a live run holds the job's own lease

	@property
	def stale_after(self) -> timedelta:
		"""A day without a success, plus two hours of queueing for a daily job."""
		grace = timedelta(hours=2) if self.every_minutes >= 1440 else timedelta(0)
		return max(timedelta(days=1), timedelta(minutes=self.every_minutes)) + grace


JOBS = {
	job.key: job
	for job in (
		Job("sla_watch", "SLA Watch", "crm_plus.services.complaints.sla_watch.check_slas", 15, 15),
		Job(
			"scoring",
			"Customer Scoring",
			"crm_plus.services.scoring.pipeline.run",
			1440,
			240,
			lease="crm_plus.services.scoring.pipeline.lease_held",
		),
		Job("retention_plans", "Retention Plans", "crm_plus.services.retention.update_plans", 1440, 25),
		Job("goals", "Goal Measurement", "crm_plus.services.goals.measure_all", 1440, 5),
		Job(
			"reminders",
			"Important Date Reminders",
			"crm_plus.services.important_dates.send_reminders",
			1440,
			5,
		),
	)
}


class LeaseLost(Exception):
	"""The job's connection no longer holds its lock (it reconnected): stop writing."""


# ---------------------------------------------------------------- the decorator


def background_job(key: str):
	"""Run the function as the job `key` (lease, steps, health) when a worker, the scheduler or
	`bench execute` runs it; as a plain function inside a test's transaction."""
	if key not in JOBS:
		raise ValueError(f"unknown job {key}")

	def decorate(function):
		@functools.wraps(function)
		def wrapper(*args, **kwargs):
			if _in_callers_transaction(function):
				return function(*args, **kwargs)
			return _run(JOBS[key], function, args, kwargs)

		wrapper.job_key = key
		wrapper.plain = function
		return wrapper

	return decorate


def run_now(key: str, **kwargs):
	"""Run a job as a job (lease, steps, health) from anywhere: a test's child process, the console. A job
	with a lease of its own (scoring) runs as it is: it takes its lease and reports its health itself."""
	job = JOBS[key]
	function = frappe.get_attr(job.method)
	if job.lease != "database":
		return function(**kwargs)
	return _run(job, getattr(function, "plain", function), (), kwargs)


def _in_callers_transaction(function) -> bool:
	if not frappe.flags.in_test:
		return False
	running = getattr(frappe.local, "job", None)  # set by RQ's execute_job (and left set by now=True)
	own = f"{function.__module__}.{function.__qualname__}"
	return not (running and running.get("method") in (SCHEDULED_RUNNER, own))


def _run(job: Job, function, args, kwargs):
	if not _acquire(job.key):
		return {"skipped": _("{0} is already running").format(_(job.title))}
	run_id = uuid.uuid4().hex
	frappe.local.crm_plus_job = frappe._dict(key=job.key, run_id=run_id, steps=0, rows=0)
	try:
		frappe.db.commit()  # nosemgrep: the run's reads start after the lock, past the last run's commit
		started(job.key, run_id)
		try:
			result = function(*args, **kwargs)
			fault_point(f"{job.key}@end")
			_check_lease(job.key)
			frappe.db.commit()  # nosemgrep: the job's last step
		except BaseException as e:
			failed(job.key, run_id, e)
			raise
		rows = frappe.local.crm_plus_job.rows or (result if isinstance(result, int) else 0)
		finished(job.key, run_id, rows)
		return result
	finally:
		frappe.local.crm_plus_job = None
		_release(job.key)


def step(rows: int = 0):
	"""The end of one idempotent step of a running job: count its rows, check the lease, commit. Inside
	a test's transaction (no job running), only counts."""
	current = getattr(frappe.local, "crm_plus_job", None)
	if not current:
		return
	current.rows += rows
	current.steps += 1
	fault_point(f"{current.key}@{current.steps}")
	_check_lease(current.key)
	frappe.db.commit()  # nosemgrep: a background job commits each idempotent step


def handled(rows: int):
	"""Count rows the running job handled without ending a step."""
	current = getattr(frappe.local, "crm_plus_job", None)
	if current:
		current.rows += rows


def fault_point(name: str):
	"""Test-only: when the environment names this point (CRM_PLUS_FAULT), print it with the connection id
	and wait there, for the fault suite to kill the process or its connection; resume when the file
	CRM_PLUS_FAULT_RESUME exists. Does nothing otherwise."""
	if os.environ.get(FAULT_ENV) != name:
		return
	connection = frappe.db.sql("select connection_id()")[0][0]
	print(f"fault {name} {connection}", flush=True)
	resume = os.environ.get(FAULT_RESUME_ENV)
	deadline = time.monotonic() + 600
	while time.monotonic() < deadline and not (resume and os.path.exists(resume)):
		time.sleep(0.1)


# ---------------------------------------------------------------- the lease (MariaDB's named locks)


def _lock_name(key: str) -> str:
	name = f"crm_plus:{frappe.conf.db_name}:{key}"  # named locks are server-wide: one per site
	return name if len(name) <= 64 else name[:32] + hashlib.md5(name.encode()).hexdigest()  # 64 at most


def _acquire(key: str) -> bool:
	return bool(frappe.db.sql("select get_lock(%s, 0)", _lock_name(key))[0][0])


def _release(key: str):
	try:
		frappe.db.sql("select release_lock(%s)", _lock_name(key))
	except Exception:
		pass  # a lost connection released it with itself


@contextlib.contextmanager
def exclusive(name: str):
	"""The same lease for work that is not a scheduled job (a call list of one campaign, a survey of one
	complaint): yields whether this connection holds it; a second holder gets False and should skip.
	`with jobs.exclusive(f"call_list:{campaign}") as mine: if mine: ...`"""
	mine = _acquire(name)
	try:
		yield mine
	finally:
		if mine:
			_release(name)


def _check_lease(key: str):
	if not frappe.db.sql("select is_used_lock(%s) = connection_id()", _lock_name(key))[0][0]:
		raise LeaseLost(key)


def alive(keys) -> dict[str, bool]:
	"""Whether a live run holds each job's lease: one statement for the database locks."""
	keys = list(keys)
	result = {}
	database = [k for k in keys if JOBS[k].lease == "database"]
	if database:
		held = frappe.db.sql(
			"select " + ", ".join(["is_used_lock(%s) is not null"] * len(database)),
			[_lock_name(k) for k in database],
		)[0]
		result.update(zip(database, (bool(h) for h in held), strict=True))
	for key in keys:
		if key not in result:
			result[key] = bool(frappe.get_attr(JOBS[key].lease)())
	return result


# ---------------------------------------------------------------- the health rows


def started(key: str, run_id: str):
	"""A run took the job's lease: a row still "Running" from another run is a run that died (no live run
	can hold the lease with this one), recorded as a failure first. Commits."""
	row = _row(key, lock=True)
	if row and row.status == RUNNING and row.run_id != run_id:
		_record_failure(key, row, _dead_run(row))
	frappe.db.set_value(
		CRM_JOB_HEALTH,
		key,
		{"status": RUNNING, "run_id": run_id, "last_started": now_datetime(), "rows_handled": 0},
		update_modified=False,
	)
	frappe.db.commit()  # nosemgrep: the run's start, visible to Desk and to the next run


def _dead_run(row) -> str:
	return _(
		"The run started at {0} stopped without finishing: its worker or its database connection was lost"
	).format(format_datetime(row.last_started))


def finished(key: str, run_id: str, rows: int = 0):
	"""The run succeeded: OK, and any failure episode is over. Commits."""
	row = _row(key, lock=True)
	now = now_datetime()
	values = {
		"status": OK,
		"last_finished": now,
		"last_success": now,
		"rows_handled": cint(rows),
		"error": None,
		"failing_since": None,
		"notified": 0,
	}
	if row.run_id == run_id and row.last_started:
		values["duration"] = time_diff_in_seconds(now, row.last_started)
	frappe.db.set_value(CRM_JOB_HEALTH, key, values, update_modified=False)
	frappe.db.commit()  # nosemgrep


def failed(key: str, run_id: str, error: BaseException):
	"""The run raised: its work since the last step is rolled back; the failure is recorded (Error Log,
	one notification per episode). Works after the run's connection was killed (reconnects)."""
	trace = traceback.format_exc()
	_rollback_or_reconnect()
	row = _row(key, lock=True)
	if not row or row.run_id != run_id or row.status == FAILED:  # another run's row, or recorded already
		frappe.db.commit()  # nosemgrep
		return
	message = f"{type(error).__name__}: {error}".strip()
	_record_failure(key, row, message, trace, log=not _frappe_logs_it(key))


def _frappe_logs_it(key: str) -> bool:
	"""RQ's execute_job logs the exception of a job enqueued directly (the scoring run and its parts);
	a scheduled job's exception is caught by the Scheduled Job Type, which logs no Error Log."""
	running = getattr(frappe.local, "job", None)
	module = JOBS[key].method.rpartition(".")[0]
	return bool(running and str(running.get("method") or "").startswith(module + "."))


def _rollback_or_reconnect():
	try:
		frappe.db.rollback()
		frappe.db.sql("select 1")
	except Exception:
		try:
			frappe.db.close()
		except Exception:
			pass
		frappe.db.connect()


def _record_failure(key: str, row, message: str, trace: str | None = None, log: bool = True):
	"""Mark the row failed (it is locked by the caller), log the error, notify once. Commits."""
	job = JOBS[key]
	now = now_datetime()
	error_log = (
		frappe.log_error(
			title=_("CRM Plus job failed: {0}").format(_(job.title)),
			message=trace or message,
			reference_doctype=CRM_JOB_HEALTH,
			reference_name=key,
		)
		if log
		else None
	)
	values = {
		"status": FAILED,
		"last_finished": now,
		"error": message[:1000],
		"error_log": error_log.name if error_log else None,
		"failing_since": row.failing_since or now,
	}
	if row.last_started:
		values["duration"] = time_diff_in_seconds(now, row.last_started)
	if not row.notified:
		notify(key, _("{0} failed: {1}").format(_(job.title), message[:200]))
		values["notified"] = 1
	frappe.db.set_value(CRM_JOB_HEALTH, key, values, update_modified=False)
	frappe.db.commit()  # nosemgrep: the failure is recorded whatever happens next


def notify(key: str, subject: str):
	"""A Notification Log for every System Manager and CRM Manager, in the caller's transaction (the
	e-mails they may trigger are queued in it too)."""
	from crm_plus.services.assignments import users_with_role

	users = sorted(set(users_with_role(SYSTEM_MANAGER)) | set(users_with_role(CRM_MANAGER)))
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": CRM_JOB_HEALTH,
				"document_name": key,
				"subject": subject,
			}
		).insert(ignore_permissions=True)


def _row(key: str, lock: bool = False):
	"""The job's health row, created when missing; locked for the transaction when asked."""
	if not frappe.db.exists(CRM_JOB_HEALTH, key):
		job = JOBS[key]
		try:
			frappe.get_doc(
				{"doctype": CRM_JOB_HEALTH, "job_key": key, "job": job.title, "method": job.method}
			).insert(ignore_permissions=True)
		except frappe.DuplicateEntryError:
			frappe.db.rollback()
	rows = frappe.db.sql(
		f"""select name, status, run_id, last_started, last_success, failing_since, notified
		from `tab{CRM_JOB_HEALTH}` where name = %s {"for update" if lock else ""}""",
		key,
		as_dict=True,
	)
	return rows[0] if rows else None


# ---------------------------------------------------------------- what Desk shows


def state_of(job: Job, row, is_alive: bool, now: datetime) -> tuple[str, str]:
	"""(code, label) of a job: running, stuck, failed, stale, ok or never."""
	if not row or not row.get("last_started"):
		return "never", _("Never run")
	if row.status == RUNNING:
		if not is_alive:
			return "failed", _("Failed: stopped without finishing")
		if now - get_datetime(row.last_started) > timedelta(minutes=job.timeout_minutes):
			return "stuck", _("Stuck: running for more than {0} minutes").format(job.timeout_minutes)
		return "running", _("Running")
	if row.status == FAILED:
		return "failed", _("Failed")
	if not row.get("last_success") or now - get_datetime(row.last_success) > job.stale_after:
		return "stale", _("Stale: last success more than a day ago")
	return "ok", _("OK")


def get_job_health() -> list[dict]:
	"""Every job with its last run and its state, for CRM Plus Settings and the workspace."""
	frappe.has_permission(CRM_JOB_HEALTH, "read", throw=True)
	rows = {
		row.name: row
		for row in frappe.get_all(
			CRM_JOB_HEALTH,
			fields=[
				"name",
				"status",
				"last_started",
				"last_finished",
				"last_success",
				"duration",
				"rows_handled",
				"error",
				"error_log",
				"failing_since",
			],
		)
	}
	live = alive(JOBS)
	now = now_datetime()
	result = []
	for job in JOBS.values():
		row = rows.get(job.key) or frappe._dict()
		code, label = state_of(job, row, live[job.key], now)
		result.append(
			{
				"key": job.key,
				"job": _(job.title),
				"method": job.method,
				"state": code,
				"state_label": label,
				"last_started": row.get("last_started"),
				"last_finished": row.get("last_finished"),
				"last_success": row.get("last_success"),
				"duration": row.get("duration"),
				"rows_handled": row.get("rows_handled"),
				"error": row.get("error") if code in ("failed", "stuck") else None,
				"error_log": row.get("error_log") if code in ("failed", "stuck") else None,
			}
		)
	return result


# ---------------------------------------------------------------- the watch


def watch_jobs():
	"""Scheduled (every 15 minutes): a run found dead (its row "Running", no live run holding the lease)
	is a failure; a live run past its timeout is stuck (notified once). RQ jobs of crm_plus's schedules
	left "started" by a killed worker are forgotten, so the scheduler queues them again."""
	now = now_datetime()
	for job in JOBS.values():
		row = _row(job.key, lock=True)
		if row and row.status == RUNNING:
			# asked with the row locked: a run starting now waits for it, and then sees what is recorded
			is_alive = alive([job.key])[job.key]
			if not is_alive:
				_record_failure(job.key, row, _dead_run(row))
				continue
			if not row.notified and not _recent(row, now, job.timeout_minutes):
				notify(
					job.key,
					_("{0} is stuck: running for more than {1} minutes").format(
						_(job.title), job.timeout_minutes
					),
				)
				frappe.db.set_value(CRM_JOB_HEALTH, job.key, "notified", 1, update_modified=False)
		frappe.db.commit()  # nosemgrep: the watch is a job; each row in its own transaction
	_forget_dead_rq_jobs()


def _recent(row, now: datetime, minutes: int) -> bool:
	return bool(row.last_started) and now - get_datetime(row.last_started) <= timedelta(minutes=minutes)


def _forget_dead_rq_jobs():
	"""RQ keeps a job "started" when its worker was killed, until the job's timeout and a registry
	clean-up, and the scheduler queues nothing under that id until then. With no live run holding the
	job's lock, a "started" job older than two minutes is dead."""
	from frappe.utils.background_jobs import get_job

	for job in JOBS.values():
		if job.lease != "database":
			continue
		rq_job = get_job(f"scheduled_job::{job.method}")
		if (
			rq_job
			and rq_job.get_status(refresh=True) == "started"
			and rq_job.started_at
			and (datetime.utcnow() - rq_job.started_at.replace(tzinfo=None)).total_seconds() > 120
			and not alive([job.key])[job.key]
		):
			rq_job.delete()
