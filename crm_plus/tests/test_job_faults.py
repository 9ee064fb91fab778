"""Faults survived by the scheduled jobs (crm_plus.services.jobs): the SLA watch, the retention plans and
the reminders run as real jobs in child processes (`bench execute`, each with its own database
connection), stopped at a fault point (CRM_PLUS_FAULT: after the first step, mid-way, before the last
step, before the last commit) and then

- killed with SIGKILL, or
- their database connection killed (`KILL <id>` from this process) before they go on, or
- the site's Redis keys deleted before they go on;

then the job runs again, and everything it writes (the complaints' levels and breaches, notifications,
ToDos, comments, e-mails; plans, their actions and ToDos, control records) must equal what a clean run
wrote, with nothing twice. Two runs of the same job at once give one result. The data is committed (the
children must see it) and reset before each case.

No waiting on leases: a dead run's lock goes with its connection."""

import datetime
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from typing import ClassVar

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

from crm_plus.constants import CRM_JOB_HEALTH, RETENTION_CONTROL, RETENTION_PLAN
from crm_plus.crm_plus.doctype.customer_complaint.test_customer_complaint import ensure_sla, make_complaint
from crm_plus.services import jobs, retention
from crm_plus.tests.utils import create_customer, create_user, get_company

test_ignore = ["Company", "Customer", "Service Level Agreement", "Sales Invoice"]

COMPLAINT = "Customer Complaint"
SUBJECT = "_Test Fault Complaint"
AGENT, MANAGER, CRM_MANAGER = (
	"fault.agent@example.com",
	"fault.cs.manager@example.com",
	"fault.crm.manager@example.com",
)


# ---------------------------------------------------------------- the child process


def child(key: str, **kwargs):
	"""Run in a child process (`bench execute`): the job as a job; prints its result."""
	frappe.set_user("Administrator")
	result = jobs.run_now(key, **kwargs)
	print("result " + json.dumps(result, default=str), flush=True)


def spawn(key: str, fault: str | None = None, resume: str | None = None, **kwargs) -> subprocess.Popen:
	env = {**os.environ, "CI": "1"}
	env.pop(jobs.FAULT_ENV, None)
	if fault:
		env[jobs.FAULT_ENV] = f"{key}@{fault}"
	if resume:
		env[jobs.FAULT_RESUME_ENV] = resume
	return subprocess.Popen(
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			frappe.local.site,
			"execute",
			"crm_plus.tests.test_job_faults.child",
			"--kwargs",
			json.dumps({"key": key, **kwargs}),
		],
		cwd=frappe.local.sites_path,
		stdout=subprocess.PIPE,
		stderr=subprocess.STDOUT,
		text=True,
		env=env,
	)


def read_until(process: subprocess.Popen, prefix: str, timeout: float = 120) -> str:
	"""The first line of the child's output that starts with `prefix` (fails with all of its output)."""
	seen, deadline = [], time.monotonic() + timeout
	while time.monotonic() < deadline:
		ready, _w, _x = select.select([process.stdout], [], [], 1)
		if not ready:
			continue
		line = process.stdout.readline()
		if not line:
			break
		if line.startswith(prefix):
			return line.strip()
		seen.append(line)
	raise AssertionError(f"no line {prefix!r} from the child:\n{''.join(seen[-40:])}")


def skipped(result) -> bool:
	return isinstance(result, dict) and "skipped" in result


def kill(process: subprocess.Popen):
	os.kill(process.pid, signal.SIGKILL)
	process.wait(timeout=30)


def finish(process: subprocess.Popen) -> str:
	output, _e = process.communicate(timeout=300)
	return output


def wait_until_released(key: str):
	"""MariaDB drops a dead client's connection (and its lock) as soon as it sees the socket closed."""
	deadline = time.monotonic() + 30
	while jobs.alive([key])[key]:
		if time.monotonic() > deadline:
			raise AssertionError("the dead run's lock was never released")
		time.sleep(0.1)


def health(key: str):
	frappe.db.rollback()
	return frappe.db.get_value(
		CRM_JOB_HEALTH, key, ["status", "error", "notified", "failing_since"], as_dict=True
	)


def failure_notifications(key: str, since) -> int:
	return frappe.db.count(
		"Notification Log",
		{
			"document_type": CRM_JOB_HEALTH,
			"document_name": key,
			"creation": (">=", since),
			"for_user": CRM_MANAGER,
		},
	)


class JobFaultTests:
	"""What every job's fault tests share (a mixin: a test class of its own with FrappeTestCase): `seed` resets the job's data, `capture` reads what the job
	wrote, `kwargs` are the job's arguments (a fixed day, so every run sees the same facts)."""

	key = ""
	kwargs: ClassVar[dict] = {}
	points: tuple = ()  # where the SIGKILL test stops the job
	pause_at = ""  # where the other tests pause it (mid-way)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for email, role in (
			(AGENT, "Customer Service Agent"),
			(MANAGER, "Customer Service Manager"),
			(CRM_MANAGER, "CRM Manager"),
		):
			create_user(email, role)
		cls.prepare()
		frappe.db.commit()  # nosemgrep: the children read this data
		jobs.run_now(cls.key, **cls.kwargs)  # settles what other tests left on the site for this day
		cls.seed()
		result = jobs.run_now(cls.key, **cls.kwargs)
		assert not skipped(result), result
		frappe.db.rollback()
		cls.clean = cls.capture()

	def setUp(self):
		self.seed()
		frappe.db.rollback()
		self.assertNotEqual(self.capture(), self.clean, "the reset left the clean run's effects")

	def run_again_and_compare(self):
		wait_until_released(self.key)
		result = jobs.run_now(self.key, **self.kwargs)
		self.assertFalse(skipped(result), result)
		frappe.db.rollback()
		self.assertEqual(self.capture(), self.clean)
		self.assertEqual(health(self.key).status, jobs.OK)

	def test_sigkill_at_each_point_then_the_next_run_completes_as_a_clean_run(self):
		for point in self.points:
			with self.subTest(point=point):
				self.seed()
				since = frappe.utils.now_datetime()
				process = spawn(self.key, fault=point, **self.kwargs)
				read_until(process, "fault ")
				kill(process)
				self.assertEqual(health(self.key).status, jobs.RUNNING)  # it died running
				self.run_again_and_compare()
				# the dead run was found by the next one: logged and notified, once
				self.assertEqual(failure_notifications(self.key, since), 1)
				self.assertTrue(
					frappe.db.exists("Error Log", {"reference_name": self.key, "creation": (">=", since)})
				)

	def test_a_killed_database_connection_fails_the_run_once_and_the_next_run_completes(self):
		self.seed()
		since = frappe.utils.now_datetime()
		resume = os.path.join(tempfile.mkdtemp(), "resume")
		process = spawn(self.key, fault=self.pause_at, resume=resume, **self.kwargs)
		connection = int(read_until(process, "fault ").split()[-1])
		frappe.db.sql(f"kill {connection}")
		open(resume, "w").close()
		output = finish(process)
		self.assertNotEqual(process.returncode, 0, output)
		row = health(self.key)
		self.assertEqual(row.status, jobs.FAILED, output)
		self.assertTrue(row.error)
		self.assertEqual(failure_notifications(self.key, since), 1)
		jobs.watch_jobs()  # the watch finds nothing new: no second notification
		self.assertEqual(failure_notifications(self.key, since), 1)
		self.run_again_and_compare()
		self.assertFalse(health(self.key).failing_since)  # the episode is over

	def test_a_flushed_cache_mid_run_changes_nothing(self):
		self.seed()
		resume = os.path.join(tempfile.mkdtemp(), "resume")
		process = spawn(self.key, fault=self.pause_at, resume=resume, **self.kwargs)
		read_until(process, "fault ")
		frappe.cache.delete_keys("")  # this site's keys only
		open(resume, "w").close()
		output = finish(process)
		self.assertEqual(process.returncode, 0, output)
		frappe.db.rollback()
		self.assertEqual(self.capture(), self.clean)

	def test_a_second_run_while_one_holds_the_job_is_skipped_and_says_so(self):
		self.seed()
		resume = os.path.join(tempfile.mkdtemp(), "resume")
		first = spawn(self.key, fault=self.pause_at, resume=resume, **self.kwargs)
		read_until(first, "fault ")
		second = spawn(self.key, **self.kwargs)
		self.assertIn("skipped", read_until(second, "result "))
		finish(second)
		open(resume, "w").close()
		output = finish(first)
		self.assertEqual(first.returncode, 0, output)
		frappe.db.rollback()
		self.assertEqual(self.capture(), self.clean)

	def test_two_runs_started_at_once_give_one_result(self):
		self.seed()
		processes = [spawn(self.key, **self.kwargs) for _ in range(2)]
		outputs = [finish(p) for p in processes]
		self.assertEqual([p.returncode for p in processes], [0, 0], outputs)
		frappe.db.rollback()
		self.assertEqual(self.capture(), self.clean)


# ---------------------------------------------------------------- the SLA watch

FRIDAY = datetime.datetime(2030, 3, 1, 15, 0)
# Mon-Fri 09:00-17:00, Monday 4 March a holiday, response 4 h, resolution 16 h (ensure_sla). At the watch's
# `now`, Wednesday 16:00, the first four have levels to reach; the fifth is within its times.
OPENED = (
	FRIDAY,
	datetime.datetime(2030, 3, 5, 9, 0),
	datetime.datetime(2030, 3, 6, 9, 0),
	datetime.datetime(2030, 3, 6, 13, 0),
	datetime.datetime(2030, 3, 6, 15, 30),
)
SLA_FIELDS = (
	"status",
	"response_escalation_level",
	"resolution_escalation_level",
	"response_breached_on",
	"resolution_breached_on",
	"sla_breach",
	"sla_breached_on",
	"escalation_level",
	"sla_warning_sent",
)


class TestSLAWatchFaults(JobFaultTests, FrappeTestCase):
	key = "sla_watch"
	kwargs: ClassVar[dict] = {"now": "2030-03-06 16:00:00"}
	points = ("2", "3", "4", "end")  # step n is checked before its commit: "2" = after the first step
	pause_at = "3"

	@classmethod
	def prepare(cls):
		ensure_sla()
		cls.customer = create_customer("_Test Fault Customer")

	@classmethod
	def seed(cls):
		frappe.db.rollback()
		names = frappe.get_all(COMPLAINT, filters={"subject": ("like", f"{SUBJECT}%")}, pluck="name")
		if names:
			for doctype, field in (
				("Notification Log", "document_name"),
				("ToDo", "reference_name"),
				("Comment", "reference_name"),
				("Version", "docname"),
			):
				frappe.db.delete(doctype, {field: ("in", names)})
			frappe.db.delete(COMPLAINT, {"name": ("in", names)})
		for number, opened in enumerate(OPENED, start=1):
			make_complaint(cls.customer, opened=opened, subject=f"{SUBJECT} {number}", assigned_to=AGENT)
		frappe.db.commit()  # nosemgrep

	@classmethod
	def capture(cls) -> dict:
		complaints = {
			row.name: row
			for row in frappe.get_all(
				COMPLAINT,
				filters={"subject": ("like", f"{SUBJECT}%")},
				fields=["name", "subject", *SLA_FIELDS],
			)
		}
		subject = {name: row.subject for name, row in complaints.items()}
		names = list(complaints) or [""]

		def text(value) -> str:  # each run makes new complaints: their subjects stand for their names
			value = str(value)
			for name, label in subject.items():
				value = value.replace(name, label)
			return value

		def rows(doctype, fields, reference):
			return sorted(
				(subject[r[reference]], *(text(r[f]) for f in fields if f != reference))
				for r in frappe.get_all(doctype, filters={reference: ("in", names)}, fields=fields)
			)

		return {
			"complaints": sorted(
				tuple([row.subject, *(str(row[f]) for f in SLA_FIELDS)]) for row in complaints.values()
			),
			"notifications": rows(
				"Notification Log", ["document_name", "for_user", "subject", "type"], "document_name"
			),
			"todos": rows(
				"ToDo", ["reference_name", "allocated_to", "description", "status"], "reference_name"
			),
			"comments": rows("Comment", ["reference_name", "comment_type", "content"], "reference_name"),
			"emails": frappe.db.count("Email Queue", {"reference_name": ("in", names)}),
		}

	def test_the_clean_run_did_something_to_compare(self):
		levels = [row for row in self.clean["complaints"] if row[-1] == "1"]  # sla_warning_sent
		self.assertGreaterEqual(len(levels), 4)
		self.assertTrue(self.clean["notifications"])


# ---------------------------------------------------------------- the retention plans

AS_OF = getdate("2032-01-31")
PLAN_CUSTOMERS = tuple(f"_Test Fault Plan Customer {n}" for n in range(1, 9))
LOST_CUSTOMERS = tuple(f"_Test Fault Lost Customer {n}" for n in range(1, 4))


class TestRetentionPlanFaults(JobFaultTests, FrappeTestCase):
	key = "retention_plans"
	kwargs: ClassVar[dict] = {"as_of": str(AS_OF)}
	points = ("2", "6", "11", "end")  # 3 plans decided, then 8 customers get a plan or a control record
	pause_at = "6"

	@classmethod
	def prepare(cls):
		cls.company = get_company()
		for name in PLAN_CUSTOMERS + LOST_CUSTOMERS:
			create_customer(name)
		cls.settings = frappe.db.get_value(
			"CRM Plus Settings",
			None,
			["auto_open_plans", "auto_open_band", "control_group_percent"],
			as_dict=True,
		)
		for field, value in (
			("auto_open_plans", 1),
			("auto_open_band", "High"),
			("control_group_percent", 25),
		):
			frappe.db.set_single_value("CRM Plus Settings", field, value)
		period = AS_OF.strftime("%Y-%m")
		frappe.db.delete("Customer Health Snapshot", {"customer": ("in", PLAN_CUSTOMERS), "period": period})
		for number, customer in enumerate(PLAN_CUSTOMERS, start=1):
			frappe.get_doc(
				{
					"doctype": "Customer Health Snapshot",
					"customer": customer,
					"company": cls.company,
					"period": period,
					"scored_on": AS_OF,
					"is_main_company": 1,
					"risk_score": 60 + number,
					"risk_band": "High",
					"segment": "At Risk",
					"reasons": "days since last purchase",
				}
			).insert(ignore_permissions=True)

	@classmethod
	def tearDownClass(cls):
		for field, value in cls.settings.items():
			frappe.db.set_single_value("CRM Plus Settings", field, value)
		# the committed fixtures go too: on a site with real data, a snapshot period in 2032 would become
		# the company's latest scoring and empty its reports
		customers = PLAN_CUSTOMERS + LOST_CUSTOMERS
		plans = frappe.get_all(RETENTION_PLAN, filters={"customer": ("in", customers)}, pluck="name")
		if plans:
			frappe.db.delete("ToDo", {"reference_type": RETENTION_PLAN, "reference_name": ("in", plans)})
			frappe.db.delete("Retention Plan Action", {"parent": ("in", plans)})
			frappe.db.delete(RETENTION_PLAN, {"name": ("in", plans)})
		frappe.db.delete(RETENTION_CONTROL, {"customer": ("in", customers)})
		frappe.db.delete("Customer Health Snapshot", {"customer": ("in", customers)})
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	@classmethod
	def seed(cls):
		frappe.db.rollback()
		customers = PLAN_CUSTOMERS + LOST_CUSTOMERS
		plans = frappe.get_all(RETENTION_PLAN, filters={"customer": ("in", customers)}, pluck="name")
		if plans:
			frappe.db.delete("ToDo", {"reference_type": RETENTION_PLAN, "reference_name": ("in", plans)})
			frappe.db.delete("Retention Plan Action", {"parent": ("in", plans)})
			frappe.db.delete(RETENTION_PLAN, {"name": ("in", plans)})
		frappe.db.delete(RETENTION_CONTROL, {"customer": ("in", customers)})
		for customer in LOST_CUSTOMERS:  # active plans whose window ended with no purchase: lost
			plan = frappe.get_doc(
				{
					"doctype": RETENTION_PLAN,
					"customer": customer,
					"company": cls.company,
					"plan_owner": "Administrator",
					"start_date": add_days(AS_OF, -100),
					"window_days": 30,
				}
			).insert(ignore_permissions=True)
			retention.activate(plan)
		frappe.db.commit()  # nosemgrep

	@classmethod
	def capture(cls) -> dict:
		customers = PLAN_CUSTOMERS + LOST_CUSTOMERS
		plans = frappe.get_all(
			RETENTION_PLAN,
			filters={"customer": ("in", customers)},
			fields=[
				"name",
				"customer",
				"status",
				"source",
				"start_date",
				"end_date",
				"closed_on",
				"risk_band",
				"plan_owner",
			],
		)
		customer_of = {p.name: p.customer for p in plans}
		actions = {}
		for action in frappe.get_all(
			"Retention Plan Action",
			filters={"parent": ("in", list(customer_of) or [""])},
			fields=["parent", "action_type", "status", "due_date", "owner_user", "todo"],
		):
			actions.setdefault(action.parent, []).append(
				(
					action.action_type,
					action.status,
					str(action.due_date),
					action.owner_user,
					bool(action.todo),
				)
			)
		return {
			"plans": sorted(
				(
					p.customer,
					p.status,
					p.source,
					str(p.start_date),
					str(p.end_date),
					str(p.closed_on),
					p.risk_band,
					p.plan_owner,
					tuple(sorted(actions.get(p.name, []))),
				)
				for p in plans
			),
			"controls": sorted(
				(c.customer, c.status, str(c.start_date), str(c.end_date))
				for c in frappe.get_all(
					RETENTION_CONTROL,
					filters={"customer": ("in", customers)},
					fields=["customer", "status", "start_date", "end_date"],
				)
			),
			"todos": sorted(
				(customer_of[t.reference_name], t.allocated_to, t.description, t.status)
				for t in frappe.get_all(
					"ToDo",
					filters={
						"reference_type": RETENTION_PLAN,
						"reference_name": ("in", list(customer_of) or [""]),
					},
					fields=["reference_name", "allocated_to", "description", "status"],
				)
			),
		}

	def test_the_clean_run_did_something_to_compare(self):
		statuses = [p[1] for p in self.clean["plans"]]
		self.assertEqual(statuses.count("Lost"), 3)
		self.assertGreaterEqual(statuses.count("Active"), 1)
		self.assertEqual(statuses.count("Active") + len(self.clean["controls"]), len(PLAN_CUSTOMERS))
		self.assertEqual(len(self.clean["todos"]), 2 * statuses.count("Active"))


# ---------------------------------------------------------------- the important-date reminders

DATES_CUSTOMERS = tuple(f"_Test Fault Dates Customer {n}" for n in range(1, 4))
OWNER = "fault.account.manager@example.com"


class TestReminderFaults(JobFaultTests, FrappeTestCase):
	"""One step: the ToDos and the dates' `last_reminded_on` commit together."""

	key = "reminders"
	kwargs: ClassVar[dict] = {"as_of": "2033-06-04"}
	points = ("end",)
	pause_at = "end"

	@classmethod
	def prepare(cls):
		create_user(OWNER, "Sales User")
		for number, name in enumerate(DATES_CUSTOMERS, start=1):
			customer = frappe.get_doc("Customer", create_customer(name))
			customer.account_manager = OWNER
			customer.crm_important_dates = []
			customer.append(
				"crm_important_dates",
				{"date_type": "Birthday", "date": f"1980-06-{5 + number:02d}", "remind": 1},
			)
			customer.save(ignore_permissions=True)

	@classmethod
	def seed(cls):
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"reference_type": "Customer", "reference_name": ("in", DATES_CUSTOMERS)})
		child = frappe.qb.DocType("CRM Important Date")
		frappe.qb.update(child).set(child.last_reminded_on, None).where(
			child.parent.isin(DATES_CUSTOMERS)
		).run()
		frappe.db.commit()  # nosemgrep

	@classmethod
	def capture(cls) -> dict:
		return {
			"todos": sorted(
				(t.reference_name, t.allocated_to, str(t.date), t.description, t.status)
				for t in frappe.get_all(
					"ToDo",
					filters={"reference_type": "Customer", "reference_name": ("in", DATES_CUSTOMERS)},
					fields=["reference_name", "allocated_to", "date", "description", "status"],
				)
			),
			"reminded": sorted(
				(r.parent, str(r.last_reminded_on))
				for r in frappe.get_all(
					"CRM Important Date",
					filters={"parent": ("in", DATES_CUSTOMERS), "parenttype": "Customer"},
					fields=["parent", "last_reminded_on"],
				)
			),
		}

	def test_the_clean_run_did_something_to_compare(self):
		self.assertEqual(len(self.clean["todos"]), len(DATES_CUSTOMERS))
