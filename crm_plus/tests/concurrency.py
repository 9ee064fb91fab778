"""Work that the scale and concurrency tests run in other processes (`bench --site SITE execute ...`),
against committed data, the way users and RQ workers reach a site: each call has its own connection.
Not a test module itself (bench imports only test_*.py)."""

import json
import random
import time

import frappe
from frappe.utils import add_days, nowdate

from crm_plus.tests.utils import create_sales_invoice, pay_invoice

COMPANY = "_Test CRM Concurrency Co"
ABBR = "TCCC"
CUSTOMERS = tuple(f"_Test Concurrency Customer {n}" for n in range(1, 5))
STOP_KEY = "crm_plus:tests:concurrency:stop"


def write(seed: int, invoices: int = 6):
	"""A user's day: submit invoices for the shared customers, pay some, return some. Each document in
	its own transaction, as a request would. Prints what happened as JSON (errors included)."""
	frappe.set_user("Administrator")
	rng = random.Random(seed)
	done = {"invoices": 0, "payments": 0, "credit_notes": 0, "errors": []}
	for _ in range(invoices):
		customer = rng.choice(CUSTOMERS)
		try:
			invoice = create_sales_invoice(
				customer,
				rate=rng.choice((80, 120, 300, 900)),
				qty=rng.randint(1, 3),
				company=COMPANY,
				posting_date=add_days(nowdate(), -rng.randint(0, 20)),
			)
			frappe.db.commit()  # nosemgrep: one request's worth of work
			done["invoices"] += 1
			if rng.random() < 0.5:
				pay_invoice(invoice.name)
				frappe.db.commit()  # nosemgrep
				done["payments"] += 1
			elif rng.random() < 0.5:
				from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

				credit = make_sales_return(invoice.name)
				credit.insert(ignore_permissions=True)
				credit.submit()
				frappe.db.commit()  # nosemgrep
				done["credit_notes"] += 1
		except Exception as e:
			frappe.db.rollback()
			done["errors"].append(f"{type(e).__name__}: {e}")
	print(json.dumps(done))


def score_until_stopped(seconds: int = 120):
	"""The scoring job, run again and again (as the background job runs it) until the test says stop.
	Prints how many runs finished and any error."""
	from crm_plus.services.scoring import pipeline

	frappe.set_user("Administrator")
	runs, errors, started = 0, [], time.monotonic()
	while time.monotonic() - started < seconds and not frappe.cache.get(frappe.cache.make_key(STOP_KEY)):
		try:
			result = pipeline.run(parts=1)
			if "skipped" not in result:
				runs += 1
		except Exception as e:
			frappe.db.rollback()
			errors.append(f"{type(e).__name__}: {e}")
	print(json.dumps({"runs": runs, "errors": errors}))


def score_then_hang(seconds: int = 300):
	"""A scoring run that takes the lease and does its first step (aggregate and statistics), then hangs
	as a long chunk would, for the fault tests to kill it there. Prints "prepared <run id>"."""
	import uuid

	from crm_plus.services.scoring import pipeline
	from crm_plus.services.settings import get_settings
	from crm_plus.services.sql import read_committed

	frappe.set_user("Administrator")
	run_id = uuid.uuid4().hex
	if not pipeline._acquire_lock(run_id):
		print("skipped", flush=True)
		return
	with read_committed():
		pipeline.prepare(None, get_settings(), commit=True, run_id=run_id)
	print(f"prepared {run_id}", flush=True)
	time.sleep(seconds)
