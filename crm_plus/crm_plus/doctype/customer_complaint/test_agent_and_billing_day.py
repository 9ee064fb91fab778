# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

"""A complaint's day as the roles that work it (docs/roles.md), signed in as each: the agent (Customer
Service Agent only: no read on invoices) names the customer's invoice and keeps it, and is refused a
credit note at once; the billing clerk (Accounts User only) credits exactly the chosen quantities; a
complaint raised from an invoice gets its items."""

import json
from unittest.mock import patch

import frappe
from frappe.client import validate_link
from frappe.tests.utils import FrappeTestCase, change_settings

from crm_plus.api import complaint as api
from crm_plus.constants import ACCOUNTS_USER, CRM_MANAGER, CS_AGENT, CUSTOMER_COMPLAINT
from crm_plus.tests.utils import create_customer, create_item, create_sales_invoice, create_user

# the runner would make test records for every linked doctype (some need apps this site may not have)
test_ignore = ["Sales Invoice", "Sales Order", "Delivery Note", "Customer", "Contact"]

AGENT = "crm-day-agent@example.com"
RESTRICTED_AGENT = "crm-day-agent-restricted@example.com"  # User Permission: the first customer only
BILLING = "crm-day-billing@example.com"
CRM = "crm-day-crm-manager@example.com"
RETURN_DOC = "erpnext.controllers.sales_and_purchase_return.make_return_doc"


def _search(customer, txt="", doctype="Sales Invoice"):
	rows = api.search_references(doctype, txt, "name", 0, 20, json.dumps({"customer": customer}))
	return [row[0] for row in rows]


class TestAgentAndBillingDay(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test Day Customer")
		cls.other = create_customer("_Test Day Other Customer")
		cls.part = create_item("_Test Day Part", rate=100, valuation_rate=40)
		cls.cable = create_item("_Test Day Cable", rate=40, valuation_rate=10)
		cls.invoice = create_sales_invoice(
			cls.customer,
			items=[
				{"item_code": cls.part, "qty": 5, "rate": 100},
				{"item_code": cls.cable, "qty": 3, "rate": 40},
			],
		)
		cls.part_line, cls.cable_line = (row.name for row in cls.invoice.items)
		cls.older = create_sales_invoice(cls.customer, qty=1, rate=100, item_code=cls.part)
		cls.draft = create_sales_invoice(cls.customer, qty=1, rate=100, item_code=cls.part, submit=False)
		cls.others = create_sales_invoice(cls.other, qty=1, rate=100, item_code=cls.part)
		# one part already returned by a submitted credit note (ERPNext's own)
		from erpnext.controllers.sales_and_purchase_return import make_return_doc

		credit = make_return_doc("Sales Invoice", cls.invoice.name)
		credit.items = [row for row in credit.items if row.sales_invoice_item == cls.part_line]
		credit.items[0].qty = -1
		credit.insert()
		credit.submit()
		cls.credit = credit.name
		create_user(AGENT, CS_AGENT)
		create_user(RESTRICTED_AGENT, CS_AGENT)
		if not frappe.db.exists(
			"User Permission", {"user": RESTRICTED_AGENT, "allow": "Customer", "for_value": cls.customer}
		):
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": RESTRICTED_AGENT,
					"allow": "Customer",
					"for_value": cls.customer,
				}
			).insert(ignore_permissions=True)
		create_user(BILLING, ACCOUNTS_USER)
		create_user(CRM, CRM_MANAGER)

	def complaint(self, **values):
		with self.set_user(AGENT):
			return frappe.get_doc(
				{
					"doctype": CUSTOMER_COMPLAINT,
					"subject": "Two parts broken",
					"customer": self.customer,
					"sales_invoice": self.invoice.name,
					**values,
				}
			).insert()

	def returns(self) -> int:
		return frappe.db.count("Sales Invoice", {"return_against": self.invoice.name})

	# ------------------------------------------------------------ the agent names the invoice

	def test_agent_searches_the_customers_submitted_invoices_only(self):
		with self.set_user(AGENT):
			self.assertFalse(frappe.has_permission("Sales Invoice", "read"))
			# what dropped the invoice: the form's link check needs read or select on Sales Invoice
			with self.assertRaises(frappe.PermissionError):
				validate_link("Sales Invoice", self.invoice.name)
			found = _search(self.customer)
			# newest first; no draft, no return, nothing of another customer
			self.assertEqual(set(found), {self.invoice.name, self.older.name})
			self.assertNotIn(self.credit, found)
			self.assertEqual(_search(self.customer, txt=self.invoice.name), [self.invoice.name])
			self.assertEqual(_search(self.other), [self.others.name])
			self.assertEqual(_search(None), [])
			self.assertEqual(_search(self.customer, doctype="Sales Order"), [])
			with self.assertRaises(frappe.ValidationError):
				_search(self.customer, doctype="Customer")
			# the invoice itself stays closed to the agent
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc("Sales Invoice", self.invoice.name).check_permission("read")

	def test_search_honours_user_permissions_on_customer(self):
		with self.set_user(RESTRICTED_AGENT):
			self.assertEqual(set(_search(self.customer)), {self.invoice.name, self.older.name})
			self.assertEqual(_search(self.other), [])

	def test_search_needs_rights_on_complaints(self):
		with self.set_user(BILLING), self.assertRaises(frappe.PermissionError):  # reads complaints only
			_search(self.customer)

	def test_agent_saves_a_complaint_with_the_invoice(self):
		doc = self.complaint()
		self.assertEqual(
			frappe.db.get_value(CUSTOMER_COMPLAINT, doc.name, "sales_invoice"), self.invoice.name
		)
		self.assertEqual(doc.company, self.invoice.company)
		with self.set_user(AGENT):
			doc = frappe.get_doc(CUSTOMER_COMPLAINT, doc.name)
			doc.resolution_type = "Credit Note"  # what billing is to do
			doc.save()
		self.assertEqual(
			frappe.db.get_value(CUSTOMER_COMPLAINT, doc.name, "sales_invoice"), self.invoice.name
		)

	def test_agent_cannot_name_a_wrong_invoice(self):
		for invoice, message in (
			(self.others.name, "does not belong to customer"),
			(self.credit, "is a return"),
			(self.draft.name, "is not submitted"),
			("NO-SUCH-INVOICE", "Could not find|does not exist"),  # Frappe's own link check
		):
			with self.subTest(invoice=invoice), self.assertRaisesRegex(frappe.ValidationError, message):
				self.complaint(sales_invoice=invoice)

	# ------------------------------------------------------------ remedies: who may make them

	def test_agent_is_refused_a_credit_note_at_once(self):
		doc = self.complaint()
		before = self.returns()
		with self.set_user(AGENT), patch(RETURN_DOC) as make_return:
			for call, role in (
				(
					lambda: api.make_credit_note(
						doc.name, items=[{"invoice_item": self.part_line, "qty": 1}]
					),
					ACCOUNTS_USER,
				),
				(lambda: api.make_credit_note(doc.name, amount=10), ACCOUNTS_USER),
				(lambda: api.make_refund(doc.name, 10), ACCOUNTS_USER),
				(lambda: api.make_replacement(doc.name), "Sales User"),
				(lambda: api.get_credit_note_items(doc.name), ACCOUNTS_USER),
			):
				with self.assertRaises(frappe.PermissionError) as refused:
					call()
				self.assertIn(role, str(refused.exception))
			make_return.assert_not_called()  # refused before any work
		self.assertEqual(self.returns(), before)
		self.assertEqual(frappe.get_all("Customer Complaint Remedy", {"parent": doc.name}), [])

	@change_settings("CRM Plus Settings", submit_remedies=1)
	def test_billing_clerk_credits_exactly_the_chosen_quantities(self):
		doc = self.complaint(resolution_type="Credit Note")
		with self.set_user(BILLING):
			complaint = frappe.get_doc(CUSTOMER_COMPLAINT, doc.name)
			complaint.check_permission("read")
			self.assertFalse(frappe.has_permission(CUSTOMER_COMPLAINT, "write", complaint))
			lines = {row["invoice_item"]: row for row in api.get_credit_note_items(doc.name)["items"]}
			self.assertEqual((lines[self.part_line]["qty"], lines[self.part_line]["returned_qty"]), (5, 1))
			self.assertEqual(lines[self.cable_line]["returnable_qty"], 3)
			result = api.make_credit_note(
				doc.name,
				items=json.dumps(
					[{"invoice_item": self.part_line, "qty": 2}, {"invoice_item": self.cable_line, "qty": 0}]
				),
			)
			credit = frappe.get_doc("Sales Invoice", result["name"])
			self.assertEqual(
				(credit.is_return, credit.return_against, credit.docstatus), (1, self.invoice.name, 1)
			)
			self.assertEqual(
				(credit.company, credit.currency, credit.customer),
				(self.invoice.company, self.invoice.currency, self.customer),
			)
			self.assertEqual(
				[(row.sales_invoice_item, row.item_code, row.qty) for row in credit.items],
				[(self.part_line, self.part, -2)],
			)
			self.assertEqual(credit.grand_total, -200)
			# the complaint records it (written by the server for a clerk who only reads complaints)
			complaint.reload()
			self.assertEqual(
				[(r.remedy_type, r.reference_name, r.amount) for r in complaint.remedies],
				[("Credit Note", credit.name, 200)],
			)
			lines = {row["invoice_item"]: row for row in api.get_credit_note_items(doc.name)["items"]}
			self.assertEqual(lines[self.part_line]["returnable_qty"], 2)  # 5 sold, 1 + 2 returned
			# never more than is still returnable: refused, nothing written
			returns = self.returns()
			with self.assertRaisesRegex(frappe.ValidationError, "can still be credited"):
				api.make_credit_note(doc.name, items=[{"invoice_item": self.part_line, "qty": 3}])
			self.assertEqual(self.returns(), returns)

	def test_zero_quantities_are_refused_and_write_nothing(self):
		doc = self.complaint()
		returns, modified = self.returns(), frappe.db.get_value(CUSTOMER_COMPLAINT, doc.name, "modified")
		with self.set_user(BILLING):
			for items, amount in (
				(
					[{"invoice_item": self.part_line, "qty": 0}, {"invoice_item": self.cable_line, "qty": 0}],
					None,
				),
				(json.dumps([{"invoice_item": self.part_line}]), None),
				(None, None),  # nothing chosen is never the whole invoice
				(None, 0),
			):
				with self.subTest(items=items, amount=amount), self.assertRaises(frappe.ValidationError):
					api.make_credit_note(doc.name, items=items, amount=amount)
		self.assertEqual(self.returns(), returns)
		self.assertEqual(frappe.db.get_value(CUSTOMER_COMPLAINT, doc.name, "modified"), modified)

	def test_a_credit_note_is_all_or_nothing(self):
		doc = self.complaint()
		returns = self.returns()
		with (
			self.set_user(BILLING),
			patch(
				"crm_plus.services.complaints.remedies._document_status",
				side_effect=frappe.ValidationError("the complaint could not record it"),
			),
			self.assertRaises(frappe.ValidationError),
		):
			api.make_credit_note(doc.name, items=[{"invoice_item": self.cable_line, "qty": 1}])
		self.assertEqual(self.returns(), returns)  # the inserted credit note is rolled back too
		self.assertFalse(frappe.db.exists("Sales Invoice", {"crm_customer_complaint": doc.name}))

	# ------------------------------------------------------------ raising a complaint from an invoice

	def test_raise_complaint_copies_the_invoice_and_its_items(self):
		with self.set_user(CRM):  # reads invoices, files complaints
			doc = api.make_complaint(self.invoice.name)
			self.assertEqual(
				(doc.doctype, doc.customer, doc.company, doc.sales_invoice),
				(CUSTOMER_COMPLAINT, self.customer, self.invoice.company, self.invoice.name),
			)
			self.assertEqual(
				[(row.item_code, row.qty) for row in doc.items], [(self.part, 5), (self.cable, 3)]
			)
			doc.subject = "Raised from the invoice"
			doc.insert()
			self.assertEqual(len(frappe.get_doc(CUSTOMER_COMPLAINT, doc.name).items), 2)
			with self.assertRaisesRegex(frappe.ValidationError, "not a return"):
				api.make_complaint(self.credit)
		with self.set_user(AGENT), self.assertRaises(frappe.PermissionError):  # may not read the invoice
			api.make_complaint(self.invoice.name)
