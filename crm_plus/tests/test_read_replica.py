"""Reads through Frappe's replica support: with `read_from_replica`, the Customer 360 and crm_plus's
reports run on the read replica, and what they show is what the replica has.

Needs a replica of the site's database: the site config's `replica_host` (and `replica_db_port`), as
docs/scaling.md explains (`scripts/local_replica.sh` makes one on this machine). Without one the
tests are skipped, saying so.
"""

import time
import unittest
from contextlib import contextmanager

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from crm_plus.api.customer import get_360
from crm_plus.tests.utils import create_customer

CUSTOMER = "_Test Replica Customer"


@contextmanager
def reading_from_replica():
	"""As a site with `read_from_replica: 1` in its config; records the server each statement reached."""
	servers = []
	original = frappe.database.mariadb.database.MariaDBDatabase.sql

	def recording(db, *args, **kwargs):
		servers.append((db.host, int(db.port or 3306)))
		return original(db, *args, **kwargs)

	frappe.local.conf.read_from_replica = 1
	frappe.database.mariadb.database.MariaDBDatabase.sql = recording
	try:
		yield servers
	finally:
		frappe.database.mariadb.database.MariaDBDatabase.sql = original
		frappe.local.conf.read_from_replica = 0
		# Frappe switches to the replica once per request (frappe.local); each call here is one
		for attribute in ("replica_db", "primary_db"):
			if hasattr(frappe.local, attribute):
				delattr(frappe.local, attribute)


class TestReadReplica(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not frappe.conf.replica_host:
			raise unittest.SkipTest("no read replica configured (docs/scaling.md, scripts/local_replica.sh)")
		cls.replica = (frappe.conf.replica_host, int(frappe.conf.replica_db_port or 3306))
		create_customer(CUSTOMER)
		frappe.db.commit()  # nosemgrep: the replica copies only what is committed

	def interaction(self, subject: str) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "Customer Interaction",
					"party_type": "Customer",
					"party": CUSTOMER,
					"subject": subject,
					"interaction_at": now_datetime(),
				}
			)
			.insert()
			.name
		)

	def test_the_360_reads_from_the_replica(self):
		committed = self.interaction("Committed: reaches the replica")
		frappe.db.commit()  # nosemgrep
		pending = self.interaction("Not committed: only this connection sees it")

		names = {row["name"] for row in get_360(CUSTOMER, kinds="interaction")["timeline"]}
		self.assertIn(pending, names)  # the primary, inside this transaction

		deadline = time.monotonic() + 30
		while True:
			with reading_from_replica() as servers:
				names = {row["name"] for row in get_360(CUSTOMER, kinds="interaction")["timeline"]}
			if committed in names or time.monotonic() > deadline:
				break
			time.sleep(0.5)  # replication lag
		self.assertIn(committed, names)
		self.assertNotIn(pending, names)
		self.assertTrue(servers)
		self.assertEqual(set(servers), {self.replica})
		frappe.db.rollback()
		frappe.db.delete("Customer Interaction", {"name": committed})
		frappe.db.commit()  # nosemgrep

	def test_reports_read_from_the_replica(self):
		from frappe.desk.query_report import run

		from crm_plus.tests.utils import get_company

		filters = {"company": get_company()}
		with reading_from_replica() as servers:
			result = run("Churn Risk", filters=filters, ignore_prepared_report=True)
		self.assertIn("result", result)
		self.assertTrue(servers)
		self.assertEqual(set(servers), {self.replica})
