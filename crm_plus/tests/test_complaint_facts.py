"""The facts of a complaint hold on real sites: without a Service Level Agreement, against clients that try
to edit them, and when a complaint is resolved late between two runs of the SLA watch."""

import datetime
import json
import pickle
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import frappe
from frappe.model.workflow import apply_workflow
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, get_test_client, now_datetime

from crm_plus.constants import CS_AGENT, CS_MANAGER, CUSTOMER_COMPLAINT, CUSTOMER_INTERACTION
from crm_plus.crm_plus.doctype.customer_complaint.test_customer_complaint import ensure_sla, make_complaint
from crm_plus.services.complaints import sla_watch
from crm_plus.services.complaints.facts import COMPLAINT_FACTS
from crm_plus.tests.security import token
from crm_plus.tests.utils import create_customer, create_user

AGENT = "crm-facts-agent@example.com"
OTHER_AGENT = "crm-facts-agent-2@example.com"
MANAGER = "crm-facts-manager@example.com"
APP = Path(__file__).resolve().parents[1]
SLA_APPLY = "erpnext.support.doctype.service_level_agreement.service_level_agreement.apply"


def erpnext_sla_fields() -> set[str]:
	from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
		get_service_level_agreement_fields,
	)

	return {f["fieldname"] for f in get_service_level_agreement_fields()}


@contextmanager
def without_sla():
	"""Customer Complaint as on a site where no Service Level Agreement was ever set up: without the
	fields ERPNext adds with the first one, and without ERPNext's SLA hook. (Once a test has made an SLA,
	its fields stay on the site: the columns come with DDL, which commits.)"""
	import frappe.model.meta

	get_meta = frappe.model.meta.get_meta
	stripped = pickle.loads(pickle.dumps(get_meta(CUSTOMER_COMPLAINT)))
	stripped.fields = [df for df in stripped.fields if df.fieldname not in erpnext_sla_fields()]
	stripped.init_field_caches()
	stripped.__dict__.pop("_valid_columns", None)

	def meta_without_sla(doctype, cached=True):
		return stripped if doctype == CUSTOMER_COMPLAINT else get_meta(doctype, cached=cached)

	columns = frappe.local.valid_columns  # the documents' own cache of the meta's columns
	columns.pop(CUSTOMER_COMPLAINT, None)
	try:
		with (
			patch("frappe.model.meta.get_meta", meta_without_sla),
			patch(SLA_APPLY, lambda doc, method=None: None),
		):
			yield
	finally:
		columns.pop(CUSTOMER_COMPLAINT, None)


def load_without_sla(name: str):
	"""The complaint as loaded where the SLA columns do not exist."""
	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	for fieldname in erpnext_sla_fields():
		doc.__dict__.pop(fieldname, None)
	return doc


class TestComplaintWithoutSLA(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test Facts Customer")
		create_user(AGENT, CS_AGENT)
		create_user(OTHER_AGENT, CS_AGENT)
		create_user(MANAGER, CS_MANAGER)

	def test_assigning_and_reassigning(self):
		with without_sla():
			self.assertFalse(frappe.get_meta(CUSTOMER_COMPLAINT).has_field("sla_resolution_by"))
			doc = frappe.get_doc(
				{
					"doctype": CUSTOMER_COMPLAINT,
					"subject": "Facts: assigned on a site without SLA",
					"customer": self.customer,
					"assigned_to": AGENT,
				}
			).insert()
			self.assertFalse(hasattr(doc, "sla_resolution_by"))
			todo = {"reference_type": CUSTOMER_COMPLAINT, "reference_name": doc.name, "status": "Open"}
			self.assertEqual(frappe.get_all("ToDo", filters=todo, pluck="allocated_to"), [AGENT])
			doc = load_without_sla(doc.name)
			doc.assigned_to = OTHER_AGENT
			with self.set_user(AGENT):
				doc.save()
			self.assertEqual(frappe.get_all("ToDo", filters=todo, pluck="allocated_to"), [OTHER_AGENT])

	def test_workflow_and_watch_without_sla(self):
		with without_sla():
			doc = frappe.get_doc(
				{
					"doctype": CUSTOMER_COMPLAINT,
					"subject": "Facts: worked without SLA",
					"customer": self.customer,
				}
			).insert()
			with self.set_user(MANAGER):
				doc = apply_workflow(load_without_sla(doc.name), "Escalate")
				doc = apply_workflow(load_without_sla(doc.name), "Resume Investigation")
				doc.resolution_type = "Explanation"
				doc.save()
				doc = apply_workflow(load_without_sla(doc.name), "Resolve")
			self.assertEqual(doc.status, "Resolved")
			self.assertTrue(doc.resolved_on)
			# no deadline: not resolved within an SLA, whatever the breach flag says
			self.assertEqual(doc.resolved_within_sla, 0)
			self.assertFalse(doc.sla_breach)
			self.assertEqual(sla_watch.check_slas(), {"breached": 0, "warned": 0, "escalated": 0})
			with self.set_user(AGENT):
				doc = apply_workflow(load_without_sla(doc.name), "Reopen")
			self.assertEqual((doc.status, doc.times_reopened, doc.resolved_on), ("Reopened", 1, None))


class TestComplaintFactsOverHTTP(FrappeAPITestCase):
	"""Over REST, as an agent (token auth). Requests run in their own connection: fixtures are committed."""

	TEST_CLIENT = get_test_client(use_cookies=False)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test Facts Customer")
		create_user(AGENT, CS_AGENT)
		create_user(OTHER_AGENT, CS_AGENT)
		cls.auth = {"Authorization": token(AGENT)}
		cls.complaint = (
			frappe.get_doc(
				{"doctype": CUSTOMER_COMPLAINT, "subject": "Facts: REST", "customer": cls.customer}
			)
			.insert()
			.name
		)
		cls.interaction = (
			frappe.get_doc(
				{
					"doctype": CUSTOMER_INTERACTION,
					"party_type": "Customer",
					"party": cls.customer,
					"subject": "Facts: follow-up",
					"user": AGENT,
					"next_follow_up_on": add_days(now_datetime(), 3).date(),
				}
			)
			.insert()
			.name
		)
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		names = frappe.get_all(CUSTOMER_COMPLAINT, filters={"subject": ("like", "Facts:%")}, pluck="name")
		frappe.db.delete("ToDo", {"reference_type": CUSTOMER_COMPLAINT, "reference_name": ("in", names)})
		frappe.db.delete(CUSTOMER_COMPLAINT, {"name": ("in", names)})
		frappe.db.delete("ToDo", {"reference_type": CUSTOMER_INTERACTION, "reference_name": cls.interaction})
		frappe.db.delete(CUSTOMER_INTERACTION, {"name": cls.interaction})
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def put_complaint(self, values):
		return self.put(self.resource(CUSTOMER_COMPLAINT, self.complaint), values, headers=self.auth)

	def stored(self, *fields):
		frappe.db.rollback()  # see what the request committed
		return frappe.db.get_value(CUSTOMER_COMPLAINT, self.complaint, ["modified", *fields], as_dict=True)

	def test_assigning_answers_200_with_or_without_an_sla(self):
		response = self.put_complaint({"assigned_to": OTHER_AGENT})
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value(CUSTOMER_COMPLAINT, self.complaint, "assigned_to"), OTHER_AGENT)
		self.assertTrue(
			frappe.db.exists(
				"ToDo", {"reference_name": self.complaint, "allocated_to": OTHER_AGENT, "status": "Open"}
			)
		)

	def test_clearing_the_breach_and_moving_opened_on_is_refused(self):
		breached_on = datetime.datetime(2030, 3, 5, 11, 0)
		frappe.db.set_value(
			CUSTOMER_COMPLAINT,
			self.complaint,
			{"sla_breach": "First Response", "sla_breached_on": breached_on},
			update_modified=False,
		)
		frappe.db.commit()  # nosemgrep: the SLA watch's write, as the request will see it
		before = self.stored("opened_on")
		tomorrow = str(add_days(now_datetime(), 1).replace(microsecond=0))
		response = self.put_complaint({"sla_breach": "", "opened_on": tomorrow, "corrective_action": "x"})
		self.assertEqual(response.status_code, 417, response.text)
		message = json.loads(response.json["_server_messages"])[0]
		self.assertIn("cannot be changed", message)
		self.assertIn("SLA Breached", message)
		self.assertIn("Opened On", message)
		after = self.stored("opened_on", "sla_breach", "sla_breached_on", "corrective_action")
		self.assertEqual(
			(
				after.modified,
				after.opened_on,
				after.sla_breach,
				after.sla_breached_on,
				after.corrective_action,
			),
			(before.modified, before.opened_on, "First Response", breached_on, None),
		)

	def test_every_server_set_field_is_refused(self):
		values = {
			"Datetime": "2030-01-01 10:00:00",
			"Int": 3,
			"Check": 1,
			"Select": "Resolution",
		}
		meta = frappe.get_meta(CUSTOMER_COMPLAINT)
		fields = [f for f in COMPLAINT_FACTS if meta.has_field(f)]
		self.assertIn("resolved_on", fields)
		written = []
		for fieldname in fields:
			before = self.stored(fieldname)
			response = self.put_complaint({fieldname: values[meta.get_field(fieldname).fieldtype]})
			after = self.stored(fieldname)
			if response.status_code != 417 or after != before:
				written.append(f"{fieldname}: {response.status_code}")
		self.assertEqual(written, [])
		# other fields are still the agent's to write
		response = self.put_complaint({"corrective_action": "Checked the batch"})
		self.assertEqual(response.status_code, 200, response.text)

	def test_filing_with_a_server_set_field_is_refused(self):
		count = frappe.db.count(CUSTOMER_COMPLAINT)
		path = self.resource(CUSTOMER_COMPLAINT)
		refused = self.post(
			path,
			{
				"subject": "Facts: filed resolved",
				"customer": self.customer,
				"resolved_on": "2030-01-01 10:00:00",
			},
			headers=self.auth,
		)
		self.assertEqual(refused.status_code, 417, refused.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count(CUSTOMER_COMPLAINT), count)
		# when it was opened may be given when it is filed (a call taken earlier), and is fixed after
		filed = self.post(
			path,
			{"subject": "Facts: filed late", "customer": self.customer, "opened_on": "2026-01-05 09:30:00"},
			headers=self.auth,
		)
		self.assertEqual(filed.status_code, 200, filed.text)
		self.assertEqual(filed.json["data"]["opened_on"], "2026-01-05 09:30:00")

	def test_follow_up_facts_are_refused(self):
		path = self.resource(CUSTOMER_INTERACTION, self.interaction)
		for values in ({"follow_up_on_time": 1}, {"follow_up_done_on": "2026-01-05 09:30:00"}):
			response = self.put(path, values, headers=self.auth)
			self.assertEqual(response.status_code, 417, f"{values}: {response.text}")
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value(
				CUSTOMER_INTERACTION, self.interaction, ["follow_up_on_time", "follow_up_done_on"]
			),
			(0, None),
		)
		# completing the follow-up sets them
		response = self.post(
			self.method("crm_plus.api.interaction.complete_follow_up"),
			{"name": self.interaction},
			headers=self.auth,
		)
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		on_time, done_on = frappe.db.get_value(
			CUSTOMER_INTERACTION, self.interaction, ["follow_up_on_time", "follow_up_done_on"]
		)
		self.assertEqual(on_time, 1)
		self.assertTrue(done_on)


class TestResolvedWithinSLA(FrappeTestCase):
	"""In time is computed from the timestamps against the deadline, never from the absence of a breach."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_sla()  # Fri 1 March 2030 15:00 + 16 working hours: resolution due Wed 6 March 15:00
		cls.customer = create_customer("_Test Facts SLA Customer")
		create_user(AGENT, CS_AGENT)

	def move(self, name, at, *actions):
		frappe.flags.current_time = at
		try:
			doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
			doc.resolution_type = "Explanation"
			doc.save()
			for action in actions:
				doc = apply_workflow(frappe.get_doc(CUSTOMER_COMPLAINT, name), action)
			return doc
		finally:
			frappe.flags.current_time = None

	def shipped_rule(self):
		"""The energy point rule as shipped (a site keeps the version it was installed with)."""
		records = json.loads((APP / "install/records/50_energy_point_rules.json").read_text())
		rule = next(r for r in records if r["reference_doctype"] == CUSTOMER_COMPLAINT)
		if frappe.db.exists("Energy Point Rule", rule["rule_name"]):
			frappe.db.set_value("Energy Point Rule", rule["rule_name"], "condition", rule["condition"])
		else:
			frappe.get_doc(rule).insert(ignore_permissions=True)
		return rule["rule_name"]

	@change_settings("Energy Point Settings", enabled=1)
	def test_resolved_late_between_two_watch_runs(self):
		rule = self.shipped_rule()
		late = make_complaint(self.customer, assigned_to=AGENT)
		self.move(late.name, datetime.datetime(2030, 3, 1, 16, 0), "Acknowledge", "Start Investigation")
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 6, 14, 50))  # 10 minutes before the deadline
		self.assertFalse(frappe.db.get_value(CUSTOMER_COMPLAINT, late.name, "sla_breach"))
		late = self.move(late.name, datetime.datetime(2030, 3, 6, 15, 10), "Resolve")  # 10 minutes after
		self.assertEqual(late.resolved_within_sla, 0)
		# the breach the watch did not see, stamped with the deadline it missed
		self.assertEqual(
			(late.sla_breach, late.sla_breached_on, late.resolution_breached_on, late.response_breached_on),
			("Resolution", datetime.datetime(2030, 3, 6, 15, 0), datetime.datetime(2030, 3, 6, 15, 0), None),
		)
		self.assertFalse(frappe.db.exists("Energy Point Log", {"reference_name": late.name, "rule": rule}))

		in_time = make_complaint(self.customer, assigned_to=AGENT)
		in_time = self.move(in_time.name, datetime.datetime(2030, 3, 1, 16, 0), "Resolve on First Contact")
		self.assertEqual(in_time.resolved_within_sla, 1)
		self.assertFalse(in_time.sla_breach)
		self.assertTrue(
			frappe.db.exists(
				"Energy Point Log", {"reference_name": in_time.name, "rule": rule, "user": AGENT}
			)
		)

	def test_the_shipped_rule_reads_the_computed_fact(self):
		records = json.loads((APP / "install/records/50_energy_point_rules.json").read_text())
		rule = next(r for r in records if r["reference_doctype"] == CUSTOMER_COMPLAINT)
		self.assertIn("doc.resolved_within_sla", rule["condition"])
		self.assertNotIn("sla_breach", rule["condition"])
