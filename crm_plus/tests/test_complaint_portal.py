"""Portal isolation over HTTP: a customer's portal user sees only their own complaints."""

import frappe
from frappe.tests.test_api import FrappeAPITestCase, make_request
from frappe.utils import get_test_client

from crm_plus.constants import CS_AGENT
from crm_plus.tests.security import token
from crm_plus.tests.utils import create_customer, create_user

PORTAL_USER = "crm-portal-customer@example.com"
PASSWORD = "Crm-Portal-Test-2026!"
AGENT = "crm-portal-desk-agent@example.com"
# What the customer service works with, not what the customer sees (permission level 1)
INTERNAL = {
	"assigned_to": AGENT,
	"root_cause_category": "Product Defect",
	"root_cause_analysis": "Supplier batch 42 had thin lids",
	"corrective_action": "Replaced the lid",
	"preventive_action": "Lids checked at goods receipt",
	"compensation": 25,
	"cost": 26,
	"escalation_level": 2,
	"sla_breach": "First Response",
	"sla_warning_sent": 1,
	"resolution_escalation_level": 1,
}


class TestComplaintPortal(FrappeAPITestCase):
	"""Requests run in their own connection: fixtures are committed here and removed afterwards."""

	TEST_CLIENT = get_test_client()  # its own cookie jar: the portal login must not leak into other tests

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.mine = create_customer("_Test Portal Customer Mine")
		cls.theirs = create_customer("_Test Portal Customer Theirs")
		if not frappe.db.exists("User", PORTAL_USER):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": PORTAL_USER,
					"first_name": "Portal",
					"user_type": "Website User",
					"send_welcome_email": 0,
					"new_password": PASSWORD,
				}
			)
			user.flags.ignore_password_policy = True
			user.insert(ignore_permissions=True)
			user.add_roles("Customer")
		customer = frappe.get_doc("Customer", cls.mine)
		if not any(row.user == PORTAL_USER for row in customer.portal_users):
			customer.append("portal_users", {"user": PORTAL_USER})
			customer.save(ignore_permissions=True)
		cls.my_complaint = cls._complaint(cls.mine, "Mine: broken lid")
		cls.their_complaint = cls._complaint(cls.theirs, "Theirs: secret")
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def _complaint(cls, customer, subject):
		return (
			frappe.get_doc({"doctype": "Customer Complaint", "subject": subject, "customer": customer})
			.insert()
			.name
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		names = frappe.get_all(
			"Customer Complaint", filters={"customer": ("in", (cls.mine, cls.theirs))}, pluck="name"
		)
		frappe.db.delete("Customer Complaint Remedy", {"parent": ("in", names or [""])})
		frappe.db.delete("Customer Complaint", {"customer": ("in", (cls.mine, cls.theirs))})
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def login(self):
		response = self.post(self.method("login"), {"usr": PORTAL_USER, "pwd": PASSWORD})
		self.assertEqual(response.status_code, 200, response.text)

	def test_rest_api_returns_only_own_complaints(self):
		self.login()
		own = self.get(self.resource("Customer Complaint", self.my_complaint))
		self.assertEqual(own.status_code, 200, own.text)
		other = self.get(self.resource("Customer Complaint", self.their_complaint))
		self.assertEqual(other.status_code, 403, other.text)
		self.assertNotIn("secret", other.text)
		listing = self.get(
			self.resource("Customer Complaint"), {"fields": '["name", "subject"]', "limit_page_length": 100}
		)
		self.assertEqual(listing.status_code, 200, listing.text)
		names = {row["name"] for row in listing.json["data"]}
		self.assertIn(self.my_complaint, names)
		self.assertNotIn(self.their_complaint, names)
		update = self.put(self.resource("Customer Complaint", self.my_complaint), {"status": "Closed"})
		self.assertEqual(update.status_code, 403, update.text)

	def test_portal_page_refuses_another_customers_complaint(self):
		self.login()
		own = self.get(f"/complaints?name={self.my_complaint}")
		self.assertEqual(own.status_code, 200)
		self.assertIn("Mine: broken lid", own.text)
		other = self.get(f"/complaints?name={self.their_complaint}")
		self.assertNotEqual(other.status_code, 200)
		self.assertNotIn("Theirs: secret", other.text)
		listing = self.get("/complaints")
		self.assertIn(self.my_complaint, listing.text)
		self.assertNotIn(self.their_complaint, listing.text)

	def test_filing_from_the_portal(self):
		self.login()
		response = self.post(
			self.method("crm_plus.api.complaint.file_from_portal"),
			{"subject": "Filed on the portal", "description": "<script>alert(1)</script> it broke"},
		)
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		doc = frappe.get_doc("Customer Complaint", response.json["message"])
		self.assertEqual((doc.customer, doc.channel, doc.raised_by), (self.mine, "Portal", PORTAL_USER))
		self.assertNotIn("<script>", doc.description)

	def test_rating_a_resolved_complaint_from_the_portal(self):
		frappe.db.set_value(
			"Customer Complaint", self.my_complaint, {"status": "Resolved", "resolution_type": "Explanation"}
		)
		frappe.db.set_value(
			"Customer Complaint",
			self.their_complaint,
			{"status": "Resolved", "resolution_type": "Explanation"},
		)
		frappe.db.commit()  # nosemgrep
		self.login()
		method = self.method("crm_plus.api.complaint.rate_from_portal")
		theirs = self.post(method, {"complaint": self.their_complaint, "rating": 1})
		self.assertEqual(theirs.status_code, 403, theirs.text)
		mine = self.post(method, {"complaint": self.my_complaint, "rating": 5, "comment": "Great"})
		self.assertEqual(mine.status_code, 200, mine.text)
		again = self.post(method, {"complaint": self.my_complaint, "rating": 1})
		self.assertEqual(again.status_code, 417, again.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer Complaint", self.my_complaint, "satisfaction"), 5)
		self.assertFalse(frappe.db.get_value("Customer Complaint", self.their_complaint, "satisfaction"))

	def test_portal_reads_customer_facing_fields_only(self):
		create_user(AGENT, CS_AGENT)
		frappe.db.set_value(
			"Customer Complaint",
			self.my_complaint,
			{**INTERNAL, "resolution": "We sent a new lid", "resolution_type": "Replacement"},
		)
		remedy = frappe.get_doc(
			{
				"doctype": "Customer Complaint Remedy",
				"parent": self.my_complaint,
				"parenttype": "Customer Complaint",
				"parentfield": "remedies",
				"remedy_type": "Refund",
				"amount": 1,
				"document_status": "Draft",
				"idx": 1,
			}
		)
		remedy.db_insert()
		agent = {"Authorization": token(AGENT)}
		frappe.db.commit()  # nosemgrep: visible to the request threads

		# the desk reads everything (permission level 1 goes with level 0 for the staff's roles)
		desk = make_request(  # a client of its own: the portal user's session cookie would win over a token
			target=get_test_client(use_cookies=False).get,
			args=(self.resource("Customer Complaint", self.my_complaint),),
			kwargs={"headers": agent},
		)
		self.assertEqual(desk.status_code, 200, desk.text)
		self.assertEqual({f: desk.json["data"].get(f) for f in INTERNAL}, INTERNAL)
		self.assertEqual([r["name"] for r in desk.json["data"]["remedies"]], [remedy.name])

		self.login()
		own = self.get(self.resource("Customer Complaint", self.my_complaint))
		self.assertEqual(own.status_code, 200, own.text)
		data = own.json["data"]
		self.assertEqual(
			(data["subject"], data["resolution"], data["resolution_type"]),
			("Mine: broken lid", "We sent a new lid", "Replacement"),
		)
		# Frappe leaves the fields out or answers their empty value (0 for a number)
		self.assertEqual({f: data[f] for f in INTERNAL if data.get(f)}, {})
		self.assertFalse(data.get("remedies"))
		self.assertNotIn("Supplier batch", own.text)
		listing = self.get(
			self.resource("Customer Complaint"),
			{"fields": '["name", "subject", "root_cause_analysis", "assigned_to", "cost"]'},
		)
		self.assertEqual(listing.status_code, 200, listing.text)
		(row,) = [r for r in listing.json["data"] if r["name"] == self.my_complaint]
		self.assertEqual(
			{f: v for f, v in row.items() if v}, {"name": self.my_complaint, "subject": "Mine: broken lid"}
		)
		row = self.get(self.resource("Customer Complaint Remedy", remedy.name))
		self.assertEqual(row.status_code, 403, row.text)
