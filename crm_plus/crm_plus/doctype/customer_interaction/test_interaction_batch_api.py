"""The batch interaction API over HTTP, with token auth, as a back-office system calls it: answered item
by item, each item idempotent by its own key, nothing half-written for a failed item."""

from unittest.mock import patch

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase, change_settings

from crm_plus.crm_plus.doctype.customer_interaction.test_customer_interaction import make_contact
from crm_plus.services.interactions import bulk, intake
from crm_plus.tests.security import token
from crm_plus.tests.utils import create_customer, create_user

INTERACTION = "Customer Interaction"
KEY_PREFIX = "crm-batch-test-"
METHOD = "crm_plus.api.interaction.log_interactions"


class TestInteractionBatchAPI(FrappeAPITestCase):
	"""Requests run in their own thread and connection, so the fixtures here are committed and removed."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM Batch Customer")
		cls.other = create_customer("_Test CRM Batch Other Customer")
		cls.billing = create_user("crm-batch-billing@example.com", "Accounts User")
		cls.outsider = create_user("crm-batch-outsider@example.com", "Blogger")
		cls.restricted = create_user("crm-batch-restricted@example.com", "Accounts User")
		if not frappe.db.exists(
			"User Permission", {"user": cls.restricted, "allow": "Customer", "for_value": cls.customer}
		):
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": cls.restricted,
					"allow": "Customer",
					"for_value": cls.customer,
				}
			).insert(ignore_permissions=True)
		cls.tokens = {user: token(user) for user in (cls.billing, cls.outsider, cls.restricted)}
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete(INTERACTION, {"external_key": ("like", f"api:{KEY_PREFIX}%")})
		frappe.db.delete("User Permission", {"user": cls.restricted})
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def send(self, user, interactions):
		return self.post(
			self.method(METHOD), {"interactions": interactions}, headers={"Authorization": self.tokens[user]}
		)

	def key(self):
		return KEY_PREFIX + frappe.generate_hash(length=10)

	def count(self, key):
		frappe.db.rollback()  # see the request thread's commits
		return frappe.db.count(INTERACTION, {"external_key": f"api:{key}"})

	def item(self, key, **values):
		return {"party": self.customer, "subject": "Batch call", "idempotency_key": key, **values}

	def test_mixed_good_and_bad_items_are_answered_one_by_one(self):
		keys = [self.key() for _ in range(6)]
		items = [
			self.item(keys[0], touchpoint="Collections"),
			self.item(keys[1], channel="Pigeon"),  # not a channel
			self.item(keys[2], party="_Test No Such Customer"),
			{"subject": "no party", "idempotency_key": keys[3]},
			self.item(keys[4], colour="blue"),  # not a field
			self.item(
				keys[5], party=self.other, next_follow_up_on=frappe.utils.add_days(frappe.utils.today(), 3)
			),
		]
		response = self.send(self.billing, items)
		self.assertEqual(response.status_code, 200, response.text)
		answer = response.json["message"]
		results = answer["results"]
		self.assertEqual([r["index"] for r in results], list(range(6)))
		self.assertEqual([r["idempotency_key"] for r in results], keys)
		self.assertEqual((answer["created"], answer["existing"], answer["failed"]), (2, 0, 4))
		self.assertTrue(results[0]["created"])
		self.assertIn("Channel", results[1]["error"])
		self.assertEqual(results[2]["exc_type"], "LinkValidationError")
		self.assertEqual(results[3]["exc_type"], "MandatoryError")
		self.assertIn("colour", results[4]["error"])
		self.assertEqual(results[5]["follow_up_status"], "Open")
		self.assertEqual([self.count(k) for k in keys], [1, 0, 0, 0, 0, 1])
		doc = frappe.get_doc(INTERACTION, results[0]["name"])
		self.assertEqual((doc.source, doc.user, doc.touchpoint), ("API", self.billing, "Collections"))
		# the follow-up's assignment came with it, through the doctype's hooks
		todo = frappe.db.get_value(INTERACTION, results[5]["name"], "follow_up_todo")
		self.assertEqual(frappe.db.get_value("ToDo", todo, "status"), "Open")

	def test_retried_keys_are_never_duplicated(self):
		keys = [self.key() for _ in range(3)]
		first = self.send(self.billing, [self.item(k) for k in keys[:2]])
		self.assertEqual(first.status_code, 200, first.text)
		names = [r["name"] for r in first.json["message"]["results"]]
		# a retry of the whole call with one more item, and a key twice within the same call
		retry = self.send(self.billing, [self.item(k) for k in (*keys, keys[2])])
		self.assertEqual(retry.status_code, 200, retry.text)
		answer = retry.json["message"]
		self.assertEqual((answer["created"], answer["existing"], answer["failed"]), (1, 3, 0))
		results = answer["results"]
		self.assertEqual([r["created"] for r in results], [False, False, True, False])
		self.assertEqual([r["name"] for r in results[:2]], names)
		self.assertEqual(results[3]["name"], results[2]["name"])
		self.assertEqual([self.count(k) for k in keys], [1, 1, 1])

	def test_a_failed_item_leaves_nothing_behind(self):
		"""An item that fails after its row was written (here in its after_insert hook) is rolled back to
		its savepoint: its row is gone, the items before and after it stay."""
		keys = [self.key() for _ in range(3)]
		from crm_plus.overrides import customer_interaction as hooks

		original = hooks.record_interaction

		def failing(doc):
			if doc.subject == "Fails late":
				frappe.throw("Campaign bookkeeping failed")
			return original(doc)

		with patch.object(hooks, "record_interaction", failing):
			response = self.send(
				self.billing,
				[self.item(keys[0]), self.item(keys[1], subject="Fails late"), self.item(keys[2])],
			)
		self.assertEqual(response.status_code, 200, response.text)
		results = response.json["message"]["results"]
		self.assertEqual([("error" in r) for r in results], [False, True, False])
		self.assertIn("Campaign bookkeeping failed", results[1]["error"])
		self.assertEqual([self.count(k) for k in keys], [1, 0, 1])
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists(INTERACTION, {"subject": "Fails late", "party": self.customer}))

	def test_users_without_rights_are_refused(self):
		key = self.key()
		response = self.send(self.outsider, [self.item(key)])
		self.assertEqual(response.status_code, 403, response.text)
		self.assertEqual(self.count(key), 0)
		# a user restricted to one customer: their items are logged, the other customer's refused
		keys = [self.key(), self.key()]
		response = self.send(self.restricted, [self.item(keys[0]), self.item(keys[1], party=self.other)])
		self.assertEqual(response.status_code, 200, response.text)
		results = response.json["message"]["results"]
		self.assertTrue(results[0]["created"])
		self.assertEqual(results[1]["exc_type"], "PermissionError")
		self.assertEqual([self.count(k) for k in keys], [1, 0])
		# nor may they read, through a retried key, an interaction of a customer they may not read
		other_key = self.key()
		self.send(self.billing, [self.item(other_key, party=self.other)])
		response = self.send(self.restricted, [self.item(other_key, party=self.other)])
		self.assertEqual(response.json["message"]["results"][0]["exc_type"], "PermissionError")

	def test_more_than_the_limit_is_refused_with_a_clear_error(self):
		keys = [self.key() for _ in range(intake.MAX_BATCH + 1)]
		response = self.send(self.billing, [self.item(k) for k in keys])
		self.assertEqual(response.status_code, 417, response.text)
		self.assertIn(str(intake.MAX_BATCH), response.text)
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.count(INTERACTION, {"external_key": ("in", [f"api:{k}" for k in keys])}), 0
		)
		response = self.send(self.billing, "not a list")
		self.assertTrue(400 <= response.status_code < 500, response.status_code)


class TestInteractionBatchFastPath(FrappeTestCase):
	"""The batch's fast path (services.interactions.bulk) in process, in the test's transaction: the same
	records as the per-document path, a fixed number of queries, and the per-document path wherever the
	fast one would not be equivalent."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM Fast Customer")
		cls.other = create_customer("_Test CRM Fast Other Customer")
		cls.contact = make_contact("_Test CRM Fast Contact", cls.customer).name
		cls.billing = create_user("crm-fast-billing@example.com", "Accounts User", "Sales User")
		lead = frappe.get_doc(
			{"doctype": "Lead", "lead_name": "_Test CRM Fast Lead", "company_name": "Fast Co"}
		)
		lead.flags.ignore_crm_duplicate_warning = True
		cls.lead = lead.insert(ignore_permissions=True).name

	def setUp(self):
		frappe.set_user(self.billing)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.cache.hdel("notifications", INTERACTION)  # a test's Notification is rolled back

	def items(self, n, prefix=None, **values):
		prefix = prefix or KEY_PREFIX + frappe.generate_hash(length=6)
		return [
			{"party": self.customer, "subject": f"Fast {i}", "idempotency_key": f"{prefix}-{i}", **values}
			for i in range(n)
		]

	def log(self, items):
		"""The answer of log_interactions, and how many documents the fast path wrote."""
		written = []
		insert = bulk.insert

		def spy(docs, *args, **kwargs):
			result = insert(docs, *args, **kwargs)
			written.extend(result[0])
			return result

		with patch.object(bulk, "insert", spy):
			return intake.log_interactions(items), len(written)

	def test_fast_path_gives_the_same_records_as_the_per_document_path(self):
		variants = [
			{},
			{"party": self.other, "channel": "Email", "direction": "Inbound", "sentiment": "Positive"},
			{"contact": self.contact, "touchpoint": "Support", "duration": 95, "outcome": "Solved"},
			{
				"notes": "<p>Asked for a <b>discount</b></p><script>alert(1)</script>",
				"interaction_type": "Care",
			},
			{
				"interaction_at": "2026-03-01 10:15:00",
				"reference_doctype": "Customer",
				"reference_name": self.other,
			},
			{"party_type": "Lead", "party": self.lead, "sale_stage": "Pre-sale"},
		]
		n = len(variants)
		fast, fast_written = self.log(
			[{**item, **v} for v, item in zip(variants, self.items(n), strict=True)]
		)
		with patch.object(bulk, "allowed", return_value=False):
			slow, slow_written = self.log(
				[{**item, **v} for v, item in zip(variants, self.items(n), strict=True)]
			)
		self.assertEqual((fast["created"], fast_written, slow["created"], slow_written), (n, n, n, 0))
		self.assertEqual([r["party"] for r in fast["results"]][:2], [self.customer, self.other])
		ignored = {"name", "creation", "modified", "external_key", "interaction_at"}
		for a, b, variant in zip(fast["results"], slow["results"], variants, strict=True):
			one = frappe.get_doc(INTERACTION, a["name"]).as_dict()
			other = frappe.get_doc(INTERACTION, b["name"]).as_dict()
			self.assertEqual(
				{k: v for k, v in one.items() if k not in ignored},
				{k: v for k, v in other.items() if k not in ignored},
			)
			self.assertEqual(a.keys(), b.keys())
			if "interaction_at" in variant:
				self.assertEqual(one.interaction_at, other.interaction_at)
			self.assertRegex(a["name"], r"^CRM-INT-\d{4}-\d{5,}$")
		self.assertNotIn("<script>", frappe.db.get_value(INTERACTION, fast["results"][3]["name"], "notes"))

	def test_the_single_method_takes_the_fast_path_with_the_same_record(self):
		values = {"party": self.customer, "subject": "One", "contact": self.contact, "channel": "Email"}
		with patch.object(bulk, "insert", wraps=bulk.insert) as spy:
			fast = intake.log_interaction(dict(values), self.key())
		self.assertEqual(spy.call_count, 1)
		with patch.object(bulk, "allowed", return_value=False), patch.object(bulk, "insert") as unused:
			slow = intake.log_interaction(dict(values), self.key())
		unused.assert_not_called()
		ignored = {"name", "creation", "modified", "external_key", "interaction_at"}
		one, other = (frappe.get_doc(INTERACTION, r["name"]).as_dict() for r in (fast, slow))
		self.assertEqual(
			{k: v for k, v in one.items() if k not in ignored},
			{k: v for k, v in other.items() if k not in ignored},
		)
		self.assertEqual(fast.keys(), slow.keys())
		# an error is raised as Document.insert raises it, and nothing is written
		count = frappe.db.count(INTERACTION)
		with self.assertRaises(frappe.LinkValidationError):
			intake.log_interaction({"party": "_Test No Such Customer", "subject": "x"}, self.key())
		with self.assertRaises(frappe.ValidationError):
			intake.log_interaction({**values, "channel": "Pigeon"}, self.key())
		self.assertEqual(frappe.db.count(INTERACTION), count)

	def key(self):
		return KEY_PREFIX + frappe.generate_hash(length=10)

	def test_bad_items_leave_nothing_and_the_others_land(self):
		items = self.items(5)
		items[1]["channel"] = "Pigeon"
		items[2]["party"] = "_Test No Such Customer"
		items[3]["contact"] = make_contact("_Test CRM Fast Stranger", self.other).name  # not the party's
		frappe.local.message_log = []
		answer, written = self.log(items)
		self.assertEqual((answer["created"], answer["failed"], written), (2, 3, 2))
		results = answer["results"]
		self.assertIn("Channel", results[1]["error"])
		self.assertEqual(results[2]["exc_type"], "LinkValidationError")
		self.assertIn("is not linked to Customer", results[3]["error"])
		for item, result in zip(items, results, strict=True):
			count = frappe.db.count(INTERACTION, {"external_key": f"api:{item['idempotency_key']}"})
			self.assertEqual(count, 0 if "error" in result else 1)
		self.assertEqual(frappe.local.message_log, [])  # the items' errors are not the call's

	def test_duplicate_keys_within_a_call_and_across_calls(self):
		items = self.items(3)
		answer, written = self.log([*items, items[0], {**items[1], "subject": "Changed"}])
		self.assertEqual((answer["created"], answer["existing"], written), (3, 2, 3))
		results = answer["results"]
		self.assertEqual([r["name"] for r in results[3:]], [results[0]["name"], results[1]["name"]])
		again, written = self.log(items)
		self.assertEqual((again["created"], again["existing"], written), (0, 3, 0))
		self.assertEqual([r["name"] for r in again["results"]], [r["name"] for r in results[:3]])
		keys = [f"api:{item['idempotency_key']}" for item in items]
		self.assertEqual(frappe.db.count(INTERACTION, {"external_key": ("in", keys)}), 3)

	def test_a_key_taken_by_a_concurrent_call_is_answered_with_its_record(self):
		"""A key written after the call read the keys already logged (as by a concurrent call) is seen
		once the call holds the series: that item answers with the record, the others are written."""
		items = self.items(3)
		validate = bulk.validate

		def racing(docs, *args, **kwargs):
			frappe.get_doc(
				{
					"doctype": INTERACTION,
					"party": self.customer,
					"subject": "Concurrent",
					"source": "API",
					"external_key": f"api:{items[1]['idempotency_key']}",
				}
			).insert(ignore_permissions=True)
			return validate(docs, *args, **kwargs)

		with patch.object(bulk, "validate", racing):
			answer, written = self.log(items)
		self.assertEqual((answer["created"], answer["existing"], answer["failed"], written), (2, 1, 0, 2))
		self.assertFalse(answer["results"][1]["created"])
		keys = [f"api:{item['idempotency_key']}" for item in items]
		self.assertEqual(frappe.db.count(INTERACTION, {"external_key": ("in", keys)}), 3)
		self.assertEqual(frappe.db.get_value(INTERACTION, {"external_key": keys[1]}, "subject"), "Concurrent")

	def test_a_notification_on_interactions_makes_every_item_take_the_per_document_path(self):
		self.assertTrue(bulk.allowed())
		frappe.set_user("Administrator")
		frappe.get_doc(
			{
				"doctype": "Notification",
				"name": "_Test CRM Fast Notification",
				"subject": "Logged",
				"document_type": INTERACTION,
				"event": "New",
				"channel": "System Notification",
				"recipients": [{"receiver_by_document_field": "owner"}],
				"message": "Logged",
			}
		).insert()
		self.addCleanup(self._delete_notification)
		frappe.set_user(self.billing)
		self.assertFalse(bulk.allowed())
		answer, written = self.log(self.items(3))
		self.assertEqual((answer["created"], written), (3, 0))

	def test_another_apps_doc_events_on_interactions_keep_the_per_document_path(self):
		get_hooks = frappe.get_hooks

		def hooks(hook=None, *args, **kwargs):
			value = get_hooks(hook, *args, **kwargs)
			if hook == "doc_events":
				value = {**value, INTERACTION: {"on_update": ["other_app.events.on_update"]}}
			return value

		with patch.object(frappe, "get_hooks", hooks):
			self.assertFalse(bulk.allowed())
		self.assertTrue(bulk.allowed())

	def _delete_notification(self):
		frappe.set_user("Administrator")
		frappe.delete_doc("Notification", "_Test CRM Fast Notification", force=True)
		frappe.cache.hdel("notifications", INTERACTION)

	def test_a_restricted_user_gets_an_error_for_each_party_they_may_not_read(self):
		frappe.set_user("Administrator")
		restricted = create_user("crm-fast-restricted@example.com", "Accounts User")
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": restricted,
				"allow": "Customer",
				"for_value": self.customer,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(restricted)
		items = self.items(4)
		items[1]["party"] = items[3]["party"] = self.other
		answer, written = self.log(items)
		self.assertEqual((answer["created"], answer["failed"], written), (2, 2, 2))
		self.assertEqual([r.get("exc_type") for r in answer["results"]][1::2], ["PermissionError"] * 2)

	# crm_plus's own statements: with energy points on (a demo site), each new interaction also gets
	# its Energy Point Log from Frappe's rules, a document per item by design
	@change_settings("Energy Point Settings", {"enabled": 0})
	def test_the_queries_of_a_batch_do_not_grow_with_its_items(self):
		customers = [self.customer, self.other]
		self.log(self.items(2))  # the caches a first call fills (meta, settings, permissions)
		counts = []
		for n in (10, intake.MAX_BATCH):
			items = self.items(n)
			for i, item in enumerate(items):
				item["party"] = customers[i % 2]
			queries = []
			sql = frappe.db.sql

			def counting(*args, **kwargs):
				queries.append(args[0])
				return sql(*args, **kwargs)

			with patch.object(frappe.db, "sql", counting):
				answer, written = self.log(items)
			self.assertEqual((answer["created"], written), (n, n))
			counts.append(len(queries))
		self.assertEqual(counts[0], counts[1])
		self.assertLessEqual(counts[1], 15)
