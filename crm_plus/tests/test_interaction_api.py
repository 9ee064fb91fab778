"""The interaction API over HTTP, with token auth, as a back-office system calls it."""

import frappe
from frappe.tests.test_api import FrappeAPITestCase

from crm_plus.tests.security import token
from crm_plus.tests.utils import create_customer, create_user

INTERACTION = "Customer Interaction"
KEY_PREFIX = "crm-api-test-"


class TestInteractionAPI(FrappeAPITestCase):
	"""Requests run in their own thread and connection, so the fixtures here are committed and removed."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM API Customer")
		cls.billing = create_user("crm-api-billing@example.com", "Accounts User")
		cls.outsider = create_user("crm-api-outsider@example.com", "Blogger")
		cls.billing_token = token(cls.billing)
		cls.outsider_token = token(cls.outsider)
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete(INTERACTION, {"external_key": ("like", f"api:{KEY_PREFIX}%")})
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def log(self, token, **payload):
		return self.post(
			self.method("crm_plus.api.interaction.log_interaction"), payload, headers={"Authorization": token}
		)

	def count(self, key):
		frappe.db.rollback()  # see the request thread's commits
		return frappe.db.count(INTERACTION, {"external_key": f"api:{key}"})

	def test_retry_with_same_key_never_duplicates(self):
		key = KEY_PREFIX + frappe.generate_hash(length=8)
		payload = {
			"party": self.customer,
			"subject": "Dunning call",
			"channel": "Phone",
			"touchpoint": "Collections",
			"idempotency_key": key,
		}
		first = self.log(self.billing_token, **payload)
		self.assertEqual(first.status_code, 200, first.text)
		second = self.log(self.billing_token, **payload)
		self.assertEqual(second.status_code, 200, second.text)
		self.assertTrue(first.json["message"]["created"])
		self.assertFalse(second.json["message"]["created"])
		self.assertEqual(first.json["message"]["name"], second.json["message"]["name"])
		self.assertEqual(self.count(key), 1)
		doc = frappe.get_doc(INTERACTION, first.json["message"]["name"])
		self.assertEqual((doc.source, doc.user, doc.touchpoint), ("API", self.billing, "Collections"))

	def test_bad_payload_is_a_4xx_naming_the_field_and_writes_nothing(self):
		key = KEY_PREFIX + frappe.generate_hash(length=8)
		response = self.log(
			self.billing_token, party=self.customer, subject="x", channel="Pigeon", idempotency_key=key
		)
		self.assertTrue(400 <= response.status_code < 500, response.status_code)
		self.assertIn("Channel", response.text)
		self.assertEqual(self.count(key), 0)

		response = self.log(self.billing_token, subject="no party", idempotency_key=key)
		self.assertTrue(400 <= response.status_code < 500, response.status_code)
		self.assertIn("party", response.text)

		response = self.log(
			self.billing_token, party="_Test No Such Customer", subject="x", idempotency_key=key
		)
		self.assertTrue(400 <= response.status_code < 500, response.status_code)
		self.assertEqual(self.count(key), 0)

	def test_user_without_rights_is_refused(self):
		key = KEY_PREFIX + frappe.generate_hash(length=8)
		response = self.log(self.outsider_token, party=self.customer, subject="sneaky", idempotency_key=key)
		self.assertEqual(response.status_code, 403, response.text)
		self.assertEqual(self.count(key), 0)
		response = self.get(
			self.method("crm_plus.api.customer.get_360"),
			{"customer": self.customer},
			headers={"Authorization": self.outsider_token},
		)
		self.assertEqual(response.status_code, 403, response.text)

	def test_read_the_360_and_interactions(self):
		key = KEY_PREFIX + frappe.generate_hash(length=8)
		created = self.log(self.billing_token, party=self.customer, subject="Read me", idempotency_key=key)
		name = created.json["message"]["name"]
		response = self.get(
			self.method("crm_plus.api.interaction.get_interactions"),
			{"customer": self.customer, "limit": 5},
			headers={"Authorization": self.billing_token},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn(name, [e["name"] for e in response.json["message"]["interactions"]])
		response = self.get(
			self.method("crm_plus.api.customer.get_360"),
			{"customer": self.customer},
			headers={"Authorization": self.billing_token},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("figures", response.json["message"])
