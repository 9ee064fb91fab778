"""The batch interaction API over HTTP, with token auth, as a back-office system calls it: answered item
by item, each item idempotent by its own key, nothing half-written for a failed item."""

from unittest.mock import patch

import frappe
from frappe.core.doctype.user.user import generate_keys
from frappe.tests.test_api import FrappeAPITestCase

from crm_plus.services.interactions import intake
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
		cls.tokens = {user: cls._token(user) for user in (cls.billing, cls.outsider, cls.restricted)}
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def _token(cls, user):
		keys = generate_keys(user)
		return f"token {keys['api_key']}:{keys['api_secret']}"

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
