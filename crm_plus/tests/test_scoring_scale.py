"""The scoring job under load: its plan, its locks, real RQ workers and concurrent users.

These tests work on committed data in a company of their own (other processes must see it) and start
real processes: `bench worker` (RQ, burst mode) and `bench execute` writers. They need the site's
Redis queue, which `run-tests` already needs.
"""

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import frappe
import pymysql
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today
from frappe.utils.background_jobs import get_job, get_queue

from crm_plus.constants import HEALTH_SNAPSHOT
from crm_plus.install.indexes import INDEXES
from crm_plus.services import sql
from crm_plus.services.scoring import aggregate as scoring_aggregate
from crm_plus.services.scoring import chunks as scoring_chunks
from crm_plus.services.scoring import customers as scoring_customers
from crm_plus.services.scoring import pipeline
from crm_plus.services.settings import get_settings
from crm_plus.tests import concurrency
from crm_plus.tests.utils import create_company, create_customer, create_sales_invoice, pay_invoice

test_ignore = ["Company"]
FIGURES = (  # every stored figure of a snapshot row: its facts, ranks and scores
	*(column for column in scoring_chunks.FACT_COLUMNS if column != "name"),
	"is_main_company",
	"profit_rank",
	"usual_gap_days",
	"recency_days",
	"rfm",
	"segment",
	"value_class",
	"risk_score",
	"risk_band",
	"reasons",
)
CUSTOMER_FIGURES = tuple(field for field, _column in scoring_customers.COPIED)


def start(*args, site: bool = True) -> subprocess.Popen:
	"""A bench (Frappe) command in a process of its own, as a user's request or a worker would run."""
	return subprocess.Popen(
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			*(["--site", frappe.local.site] if site else []),
			*args,
		],
		cwd=frappe.local.sites_path,
		stdout=subprocess.PIPE,
		stderr=subprocess.STDOUT,
		text=True,
		env={**os.environ, "CI": "1"},
	)


def start_workers(count: int, burst: bool = True) -> list[subprocess.Popen]:
	"""Real RQ workers on the long queue; in burst mode they stop when the queue is empty."""
	return [
		start("worker", "--queue", "long", *(["--burst"] if burst else []), site=False) for _ in range(count)
	]


def wait_until(condition, timeout: float, message: str):
	deadline = time.monotonic() + timeout
	while not condition():
		if time.monotonic() > deadline:
			raise AssertionError(message)
		time.sleep(0.2)


def idle_workers(processes) -> int:
	"""How many of these worker processes have registered with RQ and wait for a job."""
	from rq import Worker

	pids = {process.pid for process in processes}
	workers = Worker.all(queue=get_queue("long"))
	return sum(1 for worker in workers if worker.pid in pids and worker.get_state() == "idle")


def stop(processes) -> list[str]:
	for process in processes:
		process.terminate()  # RQ's warm shutdown: a job under way finishes first
	return wait(processes, timeout=120)


def wait(processes, timeout=300) -> list[str]:
	outputs = []
	for process in processes:
		out, _err = process.communicate(timeout=timeout)
		outputs.append(out or "")
	return outputs


def last_json(output: str) -> dict:
	lines = [line for line in output.splitlines() if line.startswith("{")]
	if not lines:
		raise AssertionError(f"no result printed:\n{output[-3000:]}")
	return json.loads(lines[-1])


def stored_figures(company: str) -> tuple[list, list]:
	period = getdate(today()).strftime("%Y-%m")
	snapshot = frappe.get_all(
		HEALTH_SNAPSHOT,
		filters={"company": company, "period": period},
		fields=list(FIGURES),
		order_by="customer",
	)
	customers = frappe.get_all(
		"Customer",
		filters={"name": ("in", concurrency.CUSTOMERS)},
		fields=["name", *CUSTOMER_FIGURES],
		order_by="name",
	)
	return snapshot, customers


@contextmanager
def raw_connection(lock_wait_timeout: int = 2):
	"""A second, plain connection to the site's database, as another user's request would have."""
	connection = pymysql.connect(
		host=frappe.conf.db_host or "127.0.0.1",
		port=int(frappe.conf.db_port or 3306),
		user=frappe.conf.db_name,
		password=frappe.conf.db_password,
		database=frappe.conf.db_name,
		autocommit=False,
	)
	try:
		with connection.cursor() as cursor:
			cursor.execute("set session innodb_lock_wait_timeout = %s", lock_wait_timeout)
		yield connection
	finally:
		connection.rollback()
		connection.close()


class ScaleTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.tests.utils import create_item, ensure_fiscal_years

		ensure_fiscal_years(add_days(today(), -400), today())
		cls.company = create_company(concurrency.COMPANY, concurrency.ABBR)
		create_item()
		for n, customer in enumerate(concurrency.CUSTOMERS):
			create_customer(customer)
			if not frappe.db.exists("Sales Invoice", {"customer": customer, "docstatus": 1}):
				for k in range(2 + n):
					invoice = create_sales_invoice(
						customer,
						rate=100 * (n + 1),
						company=cls.company,
						posting_date=add_days(today(), -40 * k),
					)
					if k % 2:
						pay_invoice(invoice.name)
		frappe.db.commit()  # nosemgrep: other processes (workers, writers) must see the population

	def tearDown(self):
		frappe.db.rollback()
		frappe.cache.delete(frappe.cache.make_key(pipeline.RUN_LOCK))
		frappe.cache.delete(frappe.cache.make_key(concurrency.STOP_KEY))


class TestScoringPlanAndLocks(ScaleTestCase):
	def test_the_aggregate_writes_each_row_once_reading_each_source_through_its_index(self):
		"""EXPLAIN of the statements the job really sends: ONE statement writes the month's rows; in it the
		invoices are one pass over crm_plus_scoring in group order, no table rows ("Using index") and no
		temporary table or sort, the items of the profit period come through crm_plus_profit, the ledger
		through crm_plus_receivables, and every other source joins the invoice facts by key (never a
		scan per row)."""
		for doctype, indexes in INDEXES.items():
			for name in indexes:
				self.assertTrue(frappe.db.has_index(f"tab{doctype}", name), f"{doctype}: {name}")
		sent = []
		original = frappe.db.sql

		def recording(query, values=(), *args, **kwargs):
			sent.append((query, values))
			return original(query, values, *args, **kwargs)

		frappe.db.sql = recording
		try:
			scoring_aggregate.aggregate(getdate(today()), getdate(today()).strftime("%Y-%m"), get_settings())
		finally:
			frappe.db.sql = original
		writes = [q for q, _v in sent if q.strip().split()[0].lower() in ("insert", "update", "replace")]
		self.assertEqual(len(writes), 1, "one statement writes the rows")
		query, values = next((q, v) for q, v in sent if q in writes)
		plan = frappe.db.sql("explain " + query, values, as_dict=True)
		invoices = [row for row in plan if row.table == "si"]
		self.assertEqual(len(invoices), 1, plan)  # the invoices are read once
		self.assertEqual(invoices[0].key, "crm_plus_scoring", plan)
		self.assertIn("Using index", invoices[0].Extra, plan)
		self.assertNotIn("temporary", invoices[0].Extra, plan)
		self.assertNotIn("filesort", invoices[0].Extra, plan)
		items = [row for row in plan if row.table == "sii"]
		self.assertEqual(
			[(row.key, "Using index" in row.Extra) for row in items], [("crm_plus_profit", True)]
		)
		ledger = [row for row in plan if row.table == "tabPayment Ledger Entry"]
		self.assertEqual(len(ledger), 2, "what is owed, and what is overdue")
		for row in ledger:
			self.assertEqual(row.key, "crm_plus_receivables", plan)
			self.assertIn("Using index", row.Extra, plan)
		# the facts of the other sources, materialized, join the invoice facts through a key: never a
		# block nested loop of one derived table against another
		joined = [
			row for row in plan if row.id == 1 and row.table.startswith("<derived") and row is not plan[0]
		]
		self.assertEqual(len(joined), 4, plan)  # owed, overdue, negative interactions, complaints
		for row in joined:
			# a source of a handful of rows (a new site's complaints) may be joined by a block nested
			# loop, which MariaDB rightly finds cheaper than building its key; any larger one by key
			if int(row.rows or 0) > 10:
				self.assertEqual((row.type, row.key), ("ref", "key0"), plan)
				self.assertNotIn("join buffer", row.Extra or "", plan)

	def test_the_job_reads_invoices_without_locking_them(self):
		"""Under the job's READ COMMITTED, a user can update and insert invoices while the job's
		aggregate transaction is still open; under REPEATABLE READ the same user would wait (the
		control, which shows that this test can fail)."""
		invoice = frappe.get_all(
			"Sales Invoice", filters={"company": self.company, "docstatus": 1}, pluck="name", limit=1
		)[0]
		as_of, period = getdate(today()), getdate(today()).strftime("%Y-%m")

		def other_user_writes():
			with raw_connection(lock_wait_timeout=2) as other, other.cursor() as cursor:
				# a payment lowers an invoice's outstanding amount; a submit adds an invoice
				cursor.execute(
					"update `tabSales Invoice` set outstanding_amount = outstanding_amount - 1 where name = %s",
					invoice,
				)
				cursor.execute(
					"""insert into `tabSales Invoice` (name, customer, company, posting_date, docstatus)
					values ('_Test Lock Probe', %s, %s, %s, 1)""",
					(concurrency.CUSTOMERS[0], self.company, as_of),
				)
				other.rollback()

		with sql.read_committed():
			scoring_aggregate.aggregate(as_of, period, get_settings())
			other_user_writes()  # must not wait for the open transaction
			frappe.db.rollback()

		# The control: under REPEATABLE READ, InnoDB share-locks the index entries an INSERT ... SELECT
		# reads, and the same user would wait for the job's transaction.
		frappe.db.commit()  # nosemgrep: a fresh REPEATABLE READ transaction
		self.assertEqual(frappe.db.sql("select @@tx_isolation")[0][0], "REPEATABLE-READ")
		scoring_aggregate.aggregate(as_of, period, get_settings())
		with self.assertRaises(pymysql.err.OperationalError) as waited:
			other_user_writes()
		self.assertEqual(waited.exception.args[0], 1205)  # Lock wait timeout exceeded
		frappe.db.rollback()

	def test_a_form_opened_before_a_run_does_not_write_old_scores_back(self):
		customer = concurrency.CUSTOMERS[0]
		form = frappe.get_doc("Customer", customer)  # opened before the run
		# the run copies its figures without touching `modified`, so Frappe sees no conflict
		frappe.db.set_value(
			"Customer", customer, {"crm_churn_risk": 77, "crm_segment": "Lost"}, update_modified=False
		)
		form.customer_details = "Edited in the form"
		form.flags.ignore_crm_duplicate_warning = True
		form.save(ignore_permissions=True)
		self.assertEqual(
			frappe.db.get_value("Customer", customer, ["crm_churn_risk", "crm_segment", "customer_details"]),
			(77, "Lost", "Edited in the form"),
		)

	def test_rescore_if_changed_queues_a_run_only_after_changes(self):
		frappe.db.set_single_value("CRM Plus Settings", "last_scoring_started", frappe.utils.now_datetime())
		queue = get_queue("long")
		queue.remove(f"{frappe.local.site}::{pipeline.JOB_ID}")
		self.assertFalse(pipeline.rescore_if_changed())
		frappe.db.set_single_value("CRM Plus Settings", "last_scoring_started", add_days(today(), -1))
		self.assertTrue(pipeline.changed_since(add_days(today(), -1)))
		self.assertTrue(pipeline.rescore_if_changed())
		job = get_job(pipeline.JOB_ID)
		self.assertIsNotNone(job)
		job.delete()


class TestScoringWithRealWorkers(ScaleTestCase):
	def test_split_over_workers_gives_the_same_result_and_enqueuing_twice_runs_once(self):
		pipeline.run(parts=1)
		one = stored_figures(self.company)
		self.assertEqual(len(one[0]), len(concurrency.CUSTOMERS))

		# wipe the scores so that the split run must write every one of them again
		period = getdate(today()).strftime("%Y-%m")
		frappe.db.sql(
			"""update `tabCustomer Health Snapshot` set rfm = null, segment = null, value_class = null,
			risk_score = 0, risk_band = null, reasons = null, recency_days = 0 where period = %s""",
			period,
		)
		frappe.db.set_single_value("CRM Plus Settings", {"scoring_workers": 3, "scoring_chunk_size": 2})
		frappe.db.commit()  # nosemgrep: the workers read it
		try:
			runs_key = frappe.cache.make_key("crm_plus:scoring:runs")
			runs_before = int(frappe.cache.get(runs_key) or 0)
			# two workers, both idle (other sites' jobs on the shared queue done) before the run is queued
			workers = start_workers(2, burst=False)
			outputs = []
			try:
				wait_until(
					lambda: idle_workers(workers) == 2 and not get_queue("long").count,
					timeout=300,
					message="two idle RQ workers",
				)
				pipeline.enqueue_scoring()
				pipeline.enqueue_scoring()  # deduplicated: queued or started already
				wait_until(
					lambda: int(frappe.cache.get(runs_key) or 0) > runs_before,
					timeout=300,
					message="the run to finish",
				)
				wait_until(
					lambda: idle_workers(workers) == 2 and not get_queue("long").count,
					timeout=60,
					message="the workers to be idle",
				)
			finally:
				outputs = stop(workers)
			self.assertEqual(int(frappe.cache.get(runs_key) or 0), runs_before + 1, "\n".join(outputs))
			frappe.db.rollback()
			two = stored_figures(self.company)
			self.assertEqual(one, two)

			run_id = frappe.cache.get(frappe.cache.make_key("crm_plus:scoring:last_run")).decode()
			parts = 0  # the run's part jobs are named by their number
			while get_job(f"{pipeline.JOB_ID}::{run_id}::{parts}"):
				parts += 1
			self.assertGreaterEqual(parts, 2)
			workers = {get_job(f"{pipeline.JOB_ID}::{run_id}::{n}").worker_name for n in range(parts)}
			self.assertGreaterEqual(len(workers), 2, f"the parts ran on {workers}\n" + "\n".join(outputs))
		finally:
			frappe.db.set_single_value(
				"CRM Plus Settings", {"scoring_workers": 1, "scoring_chunk_size": 5000}
			)
			frappe.db.commit()  # nosemgrep

	def test_a_second_run_while_parts_are_pending_does_nothing(self):
		self.assertTrue(pipeline._acquire_lock("another-run"))
		self.assertIn("skipped", pipeline.run(parts=1))


class TestScoringWhileUsersWrite(ScaleTestCase):
	def test_concurrent_invoices_credit_notes_and_payments_converge_to_a_full_recompute(self):
		"""Three processes submit invoices, credit notes and payments for the same customers while the
		scoring job runs again and again in a fourth. No user sees an error (no deadlock, no lock wait
		timeout); afterwards, once the 15-minute check has run, every stored figure equals a full
		recompute, and ERPNext's own outstanding amounts add up."""
		frappe.cache.delete(frappe.cache.make_key(concurrency.STOP_KEY))
		scorer = start("execute", "crm_plus.tests.concurrency.score_until_stopped")
		writers = [
			start(
				"execute",
				"crm_plus.tests.concurrency.write",
				"--kwargs",
				json.dumps({"seed": seed, "invoices": 6}),
			)
			for seed in (1, 2, 3)
		]
		written = [last_json(out) for out in wait(writers, timeout=600)]
		frappe.cache.set(frappe.cache.make_key(concurrency.STOP_KEY), 1, ex=600)
		scored = last_json(wait([scorer], timeout=600)[0])

		for result in written:
			self.assertEqual(result["errors"], [], written)
			self.assertEqual(result["invoices"], 6)
		self.assertEqual(scored["errors"], [], scored)
		self.assertGreaterEqual(scored["runs"], 1, scored)

		# the 15-minute check sees what changed during the last run and queues one more
		frappe.db.rollback()
		if pipeline.rescore_if_changed():
			wait(start_workers(1), timeout=600)
		frappe.db.rollback()
		stored = stored_figures(self.company)
		pipeline.score_all(publish=False)  # the full recompute, in this transaction
		self.assertEqual(stored, stored_figures(self.company))

		# no lost update: each invoice's outstanding is its total less its payments and credit notes
		mismatched = frappe.db.sql(
			"""select si.name from `tabSales Invoice` si
			left join (select against_voucher_no, sum(amount) as balance from `tabPayment Ledger Entry`
				where delinked = 0 and against_voucher_type = 'Sales Invoice' group by against_voucher_no) ple
				on ple.against_voucher_no = si.name
			where si.company = %s and si.docstatus = 1 and si.is_return = 0
				and abs(si.outstanding_amount - ifnull(ple.balance, 0)) > 0.01""",
			self.company,
		)
		self.assertEqual(mismatched, ())
		frappe.db.rollback()
