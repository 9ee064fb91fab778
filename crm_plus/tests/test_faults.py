"""Faults survived: a scoring run killed at any point (here SIGKILL after its first step) never leaves
crm_plus stuck. Its lease runs out within `LEASE_SECONDS`, a live run still keeps others out (and says
so), a run that lost its lease stops writing, and the next run leaves exactly what a clean run leaves.
The runs here hold a 10-second lease (CRM_PLUS_LEASE_SECONDS), so the dead run's runs out quickly; the
scheduled jobs' faults are in test_job_faults.py."""

import os
import signal
import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, today

from crm_plus.constants import CRM_JOB_HEALTH
from crm_plus.services import jobs
from crm_plus.services.scoring import pipeline
from crm_plus.tests import world as w
from crm_plus.tests.test_job_faults import read_until
from crm_plus.tests.test_scoring_scale import start
from crm_plus.tests.utils import create_user

TEST_LEASE_SECONDS = "10"
MANAGER = "faults.crm.manager@example.com"
FIGURES = ("monetary", "outstanding", "overdue", "profit_rank", "risk_score", "risk_band", "segment", "rfm")


def score(parts: int = 1):
	"""In a child process (`bench execute`, CRM_PLUS_FAULT naming a point of the run): the scoring job."""
	frappe.set_user("Administrator")
	print("result", pipeline.run(parts=parts), flush=True)


def stored(period: str) -> dict:
	return {
		row.name: tuple(row[f] for f in FIGURES)
		for row in frappe.get_all(
			"Customer Health Snapshot", filters={"period": period}, fields=["name", *FIGURES]
		)
	}


class TestScoringLease(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		w.build()  # a committed population, visible to the other processes
		create_user(MANAGER, "CRM Manager")
		frappe.db.commit()  # nosemgrep
		cls.lease_before = os.environ.get("CRM_PLUS_LEASE_SECONDS")
		os.environ["CRM_PLUS_LEASE_SECONDS"] = TEST_LEASE_SECONDS  # here and in the child processes

	@classmethod
	def tearDownClass(cls):
		if cls.lease_before is None:
			os.environ.pop("CRM_PLUS_LEASE_SECONDS", None)
		else:
			os.environ["CRM_PLUS_LEASE_SECONDS"] = cls.lease_before
		super().tearDownClass()

	def tearDown(self):
		frappe.cache.delete(frappe.cache.make_key(pipeline.RUN_LOCK))

	def test_a_live_run_keeps_others_out_and_a_dead_runs_lease_runs_out(self):
		self.assertTrue(pipeline._acquire_lock("a-run-that-died"))
		self.assertIn("skipped", pipeline.run(parts=1))  # says so
		frappe.cache.expire(frappe.cache.make_key(pipeline.RUN_LOCK), 1)  # its lease, near its end
		time.sleep(1.5)
		result = pipeline.run(parts=1)
		self.assertNotIn("skipped", result)
		self.assertIsNone(pipeline.holder())  # released at the end

	def test_a_run_that_lost_its_lease_stops_writing(self):
		self.assertTrue(pipeline._acquire_lock("the-new-run"))
		with self.assertRaises(pipeline.LeaseLost):
			pipeline.renew_lease("the-old-run")
		pipeline.renew_lease("the-new-run")  # the holder renews
		self.assertEqual(pipeline.holder(), "the-new-run")

	def test_a_run_killed_after_its_first_step_is_followed_by_a_complete_run(self):
		"""SIGKILL of a real process holding the lease: the next run is refused while the lease lives,
		then completes, within LEASE_SECONDS of the fault, and leaves what a clean run leaves."""
		period = getdate(today()).strftime("%Y-%m")
		os.environ[jobs.FAULT_ENV] = "scoring@prepared"  # the real job, stopped after its first step
		try:
			process = start("execute", "crm_plus.tests.test_faults.score")
		finally:
			os.environ.pop(jobs.FAULT_ENV)
		read_until(process, "fault ")
		dead_run = pipeline.holder()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value(CRM_JOB_HEALTH, pipeline.HEALTH, "run_id"), dead_run)
		since = frappe.utils.now_datetime()
		os.kill(process.pid, signal.SIGKILL)
		process.wait(timeout=30)
		killed_at = time.monotonic()
		self.assertEqual(pipeline.holder(), dead_run)  # it died holding the lease
		self.assertIn("skipped", pipeline.run(parts=1))
		while pipeline.holder() is not None:
			self.assertLess(
				time.monotonic() - killed_at, pipeline.lease_seconds() + 10, "the lease never ran out"
			)
			time.sleep(1)
		result = pipeline.run(parts=1)
		self.assertNotIn("skipped", result)
		self.assertLess(time.monotonic() - killed_at, 120, "within two minutes of the fault")
		frappe.db.rollback()
		# CRM Job Health: the dead run was found by the next one, logged and notified once; then OK
		self.assertEqual(frappe.db.get_value(CRM_JOB_HEALTH, pipeline.HEALTH, "status"), jobs.OK)
		notified = frappe.get_all(
			"Notification Log",
			filters={
				"document_type": CRM_JOB_HEALTH,
				"document_name": pipeline.HEALTH,
				"creation": (">=", since),
			},
			pluck="for_user",
		)
		self.assertIn(MANAGER, notified)
		self.assertEqual(len(notified), len(set(notified)))  # once each
		after_fault = stored(period)
		self.assertTrue(after_fault)
		pipeline.run(parts=1)  # a clean run over the same data
		frappe.db.rollback()
		self.assertEqual(stored(period), after_fault)
