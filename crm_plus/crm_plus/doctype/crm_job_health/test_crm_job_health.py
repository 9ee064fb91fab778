# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

"""The jobs' health rows (crm_plus.services.jobs): a run records its start, end, duration and rows; a
failure is logged and notified to System Managers and CRM Managers once per episode, and cleared by the
next success; Desk reads the states. These runs commit, as jobs do, on the "goals" row."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from crm_plus.constants import CRM_JOB_HEALTH
from crm_plus.services import jobs
from crm_plus.tests.utils import create_user

KEY = "goals"
MANAGER = "health.crm.manager@example.com"
SALES = "health.sales@example.com"


def notifications(since) -> int:
	return frappe.db.count(
		"Notification Log",
		{
			"document_type": CRM_JOB_HEALTH,
			"document_name": KEY,
			"for_user": MANAGER,
			"creation": (">=", since),
		},
	)


class Boom(Exception):
	pass


def failing(rows: int = 0):
	jobs.handled(rows)
	frappe.db.set_value("CRM Plus Settings", None, "important_date_reminder_days", 99)  # rolled back
	raise Boom("the database went away")


def working(rows: int = 3):
	for _ in range(rows):
		jobs.step(1)
	return {"done": rows}


class TestCRMJobHealth(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_user(MANAGER, "CRM Manager")
		create_user(SALES, "Sales User")
		frappe.db.commit()  # nosemgrep: the runs below commit

	def run_job(self, function, **kwargs):
		return jobs._run(jobs.JOBS[KEY], function, (), kwargs)

	def test_a_success_records_the_run(self):
		self.assertEqual(self.run_job(working, rows=3), {"done": 3})
		row = frappe.get_doc(CRM_JOB_HEALTH, KEY)
		self.assertEqual((row.status, row.rows_handled, row.notified), (jobs.OK, 3, 0))
		self.assertTrue(row.last_started <= row.last_finished == row.last_success)
		self.assertGreaterEqual(row.duration, 0)
		self.assertFalse(jobs.alive([KEY])[KEY])  # the lock went with the run

	def test_a_failure_is_logged_and_notified_once_per_episode_and_cleared_by_a_success(self):
		self.run_job(working)
		reminder_days = frappe.db.get_single_value("CRM Plus Settings", "important_date_reminder_days")
		since = now_datetime()
		for _ in range(3):  # a failing job retried: one notification
			with self.assertRaises(Boom):
				self.run_job(failing)
		frappe.db.rollback()
		self.assertEqual(notifications(since), 1)
		self.assertEqual(frappe.db.count("Error Log", {"reference_name": KEY, "creation": (">=", since)}), 3)
		row = frappe.get_doc(CRM_JOB_HEALTH, KEY)
		self.assertEqual((row.status, row.notified), (jobs.FAILED, 1))
		self.assertIn("the database went away", row.error)
		self.assertTrue(row.error_log and row.failing_since)
		# the work of the failed run was rolled back
		self.assertEqual(
			frappe.db.get_single_value("CRM Plus Settings", "important_date_reminder_days"), reminder_days
		)
		self.run_job(working)  # the episode ends
		row.reload()
		self.assertEqual((row.status, row.notified, row.failing_since, row.error), (jobs.OK, 0, None, None))
		with self.assertRaises(Boom):  # a new episode: notified again
			self.run_job(failing)
		frappe.db.rollback()
		self.assertEqual(notifications(since), 2)
		self.run_job(working)

	def test_a_run_while_another_holds_the_job_is_skipped(self):
		self.assertTrue(frappe.db.sql("select get_lock(%s, 0)", jobs._lock_name(KEY))[0][0])
		try:
			# the same connection may take its own lock again: ask from a second one
			other = frappe.database.get_db(
				host=frappe.conf.db_host,
				port=frappe.conf.db_port,
				user=frappe.conf.db_user or frappe.conf.db_name,
				password=frappe.conf.db_password,
				cur_db_name=frappe.conf.db_name,
			)
			other.connect()
			try:
				self.assertFalse(other.sql("select get_lock(%s, 0)", jobs._lock_name(KEY))[0][0])
			finally:
				other.close()
			self.assertTrue(jobs.alive([KEY])[KEY])
		finally:
			jobs._release(KEY)

	def test_the_watch_finds_a_dead_run_once(self):
		self.run_job(working)
		since = now_datetime()
		# a run that died: its row says running, and no connection holds the job's lock
		frappe.db.set_value(
			CRM_JOB_HEALTH,
			KEY,
			{"status": jobs.RUNNING, "run_id": "a-dead-run", "last_started": now_datetime()},
		)
		frappe.db.commit()  # nosemgrep
		self.assertEqual({r["key"]: r for r in jobs.get_job_health()}[KEY]["state"], "failed")
		jobs.watch_jobs()
		jobs.watch_jobs()
		frappe.db.rollback()
		row = frappe.get_doc(CRM_JOB_HEALTH, KEY)
		self.assertEqual((row.status, row.notified), (jobs.FAILED, 1))
		self.assertIn("stopped without finishing", row.error)
		self.assertEqual(notifications(since), 1)
		self.run_job(working)

	def test_called_inside_a_tests_transaction_a_job_is_a_plain_function(self):
		from crm_plus.services import goals

		before = frappe.db.get_value(CRM_JOB_HEALTH, KEY, "last_started")
		self.assertIsInstance(goals.measure_all(as_of="2031-01-01"), int)
		self.assertEqual(frappe.db.get_value(CRM_JOB_HEALTH, KEY, "last_started"), before)

	def test_states_desk_shows(self):
		job = jobs.JOBS[KEY]
		now = now_datetime()
		row = frappe._dict(
			status=jobs.OK, last_started=now - timedelta(hours=1), last_success=now - timedelta(hours=1)
		)
		self.assertEqual(jobs.state_of(job, row, False, now)[0], "ok")
		row.last_success = now - timedelta(days=2)
		self.assertEqual(jobs.state_of(job, row, False, now)[0], "stale")
		row.status, row.last_started = jobs.RUNNING, now - timedelta(minutes=1)
		self.assertEqual(jobs.state_of(job, row, True, now)[0], "running")
		self.assertEqual(jobs.state_of(job, row, False, now)[0], "failed")  # died running
		row.last_started = now - timedelta(hours=2)
		self.assertEqual(jobs.state_of(job, row, True, now)[0], "stuck")
		row.status = jobs.FAILED
		self.assertEqual(jobs.state_of(job, row, False, now)[0], "failed")
		self.assertEqual(jobs.state_of(job, frappe._dict(), False, now)[0], "never")

	def test_crm_managers_read_the_job_health_and_sales_users_do_not(self):
		self.run_job(working)
		with self.set_user(MANAGER):
			health = {row["key"]: row for row in jobs.get_job_health()}
			self.assertEqual(set(health), set(jobs.JOBS))
			self.assertEqual(health[KEY]["state"], "ok")
		with self.set_user(SALES), self.assertRaises(frappe.PermissionError):
			jobs.get_job_health()
