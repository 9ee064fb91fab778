# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, add_to_date, getdate, now_datetime, today

from crm_plus.services import customer_360, duplicates, important_dates
from crm_plus.tests.utils import create_customer, create_sales_invoice, create_user, ensure_fiscal_years

INTERACTION = "Customer Interaction"


def make_interaction(customer, **kwargs):
	doc = frappe.get_doc(
		{
			"doctype": INTERACTION,
			"party_type": "Customer",
			"party": customer,
			"subject": kwargs.pop("subject", "Called about the renewal"),
			**kwargs,
		}
	)
	return doc.insert()


def make_contact(first_name, customer, email=None, phone=None):
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
			"phone_nos": [{"phone": phone, "is_primary_phone": 1}] if phone else [],
		}
	)
	contact.flags.ignore_crm_duplicate_warning = True
	return contact.insert(ignore_permissions=True)


class TestCustomerInteraction(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM Interaction Customer")
		cls.other_customer = create_customer("_Test CRM Other Customer")

	def test_party_sets_customer_and_name(self):
		doc = make_interaction(self.customer)
		self.assertEqual(doc.customer, self.customer)
		self.assertEqual(doc.party_name, "_Test CRM Interaction Customer")
		self.assertEqual(doc.user, frappe.session.user)

	def test_lead_interaction_has_no_customer_until_converted(self):
		lead = frappe.get_doc(
			{"doctype": "Lead", "lead_name": "_Test CRM Lead", "company_name": "_Test Lead Co"}
		)
		lead.flags.ignore_crm_duplicate_warning = True
		lead.insert()
		doc = make_interaction(None, party_type="Lead", party=lead.name)
		self.assertIsNone(doc.customer)
		self.assertEqual(doc.party_name, "_Test CRM Lead")

	def test_contact_must_belong_to_the_customer(self):
		contact = make_contact("_Test Other Contact", self.other_customer)
		with self.assertRaises(frappe.ValidationError):
			make_interaction(self.customer, contact=contact.name)

	def test_missing_party_is_refused_and_nothing_written(self):
		count = frappe.db.count(INTERACTION)
		with self.assertRaises(frappe.ValidationError):
			make_interaction("_Test No Such Customer")
		self.assertEqual(frappe.db.count(INTERACTION), count)

	def test_follow_up_creates_assignment_and_done_closes_it(self):
		doc = make_interaction(self.customer, next_follow_up_on=add_days(today(), 3))
		self.assertEqual(doc.follow_up_status, "Open")
		self.assertEqual(doc.follow_up_by, frappe.session.user)
		todo = frappe.get_doc("ToDo", doc.follow_up_todo)
		self.assertEqual(
			(todo.status, todo.reference_name, str(todo.date)), ("Open", doc.name, str(doc.next_follow_up_on))
		)

		doc.reload()
		doc.next_follow_up_on = add_days(today(), 5)
		doc.save()
		self.assertEqual(frappe.db.get_value("ToDo", todo.name, "status"), "Cancelled")
		new_todo = frappe.get_doc("ToDo", doc.follow_up_todo)
		self.assertEqual(str(new_todo.date), str(getdate(add_days(today(), 5))))

		doc.complete_follow_up("Customer agreed")
		doc.reload()
		self.assertEqual(doc.follow_up_status, "Done")
		self.assertIn("Customer agreed", doc.outcome)
		self.assertEqual(frappe.db.get_value("ToDo", new_todo.name, "status"), "Closed")
		with self.assertRaises(frappe.ValidationError):
			doc.complete_follow_up()

	def test_closing_the_todo_completes_the_follow_up(self):
		doc = make_interaction(self.customer, next_follow_up_on=today())
		todo = frappe.get_doc("ToDo", doc.follow_up_todo)
		todo.status = "Closed"
		todo.save()
		self.assertEqual(frappe.db.get_value(INTERACTION, doc.name, "follow_up_status"), "Done")

	def test_overdue_follow_ups_are_reported(self):
		from crm_plus.crm_plus.report.follow_ups_due.follow_ups_due import execute

		doc = make_interaction(self.customer, next_follow_up_on=add_days(today(), -2))
		_columns, rows, _msg, chart, summary = execute({"days_ahead": 0})
		row = next(r for r in rows if r.interaction == doc.name)
		self.assertEqual((row.state_key, row.days_overdue), ("Overdue", 2))
		self.assertTrue(chart)
		self.assertGreaterEqual(summary[0]["value"], 1)

	# ------------------------------------------------------------ capture

	def test_email_to_a_contact_is_captured_once(self):
		contact = make_contact("_Test Mail Contact", self.customer, email="crm-mail-test@example.com")
		comm = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received",
				"subject": "Invoice question",
				"content": "Why is my invoice higher?",
				"sender": "crm-mail-test@example.com",
				"reference_doctype": "Contact",
				"reference_name": contact.name,
			}
		).insert(ignore_permissions=True)
		key = f"Communication:{comm.name}:{self.customer}"
		captured = frappe.get_all(INTERACTION, filters={"external_key": key}, fields=["*"])
		self.assertEqual(len(captured), 1)
		self.assertEqual(
			(captured[0].channel, captured[0].direction, captured[0].contact, captured[0].source),
			("Email", "Inbound", contact.name, "Email"),
		)
		comm.reload()
		comm.subject = "Invoice question (edited)"
		comm.save(ignore_permissions=True)
		self.assertEqual(frappe.db.count(INTERACTION, {"external_key": key}), 1)

	def test_capture_can_be_switched_off(self):
		with change_settings("CRM Plus Settings", capture_emails=0):
			comm = frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_type": "Communication",
					"communication_medium": "Email",
					"sent_or_received": "Sent",
					"subject": "Not captured",
					"reference_doctype": "Customer",
					"reference_name": self.customer,
				}
			).insert(ignore_permissions=True)
		self.assertFalse(
			frappe.db.exists(INTERACTION, {"external_key": ("like", f"Communication:{comm.name}:%")})
		)

	def test_call_log_is_captured_once_when_finished(self):
		call = frappe.get_doc(
			{
				"doctype": "Call Log",
				"id": "crm-test-call-1",
				"from": "+15550100",
				"to": "+15550200",
				"type": "Incoming",
				"status": "Ringing",
				"customer": self.customer,
			}
		).insert(ignore_permissions=True)
		key = f"Call Log:{call.name}:{self.customer}"
		self.assertFalse(frappe.db.exists(INTERACTION, {"external_key": key}))
		call.status = "Completed"
		call.duration = 125
		call.save(ignore_permissions=True)
		call.save(ignore_permissions=True)
		rows = frappe.get_all(
			INTERACTION, filters={"external_key": key}, fields=["channel", "direction", "duration"]
		)
		self.assertEqual(rows, [{"channel": "Phone", "direction": "Inbound", "duration": 125}])

	def test_event_with_customer_participant_is_captured_once(self):
		event = frappe.get_doc(
			{
				"doctype": "Event",
				"subject": "Quarterly review",
				"event_category": "Meeting",
				"starts_on": add_to_date(now_datetime(), days=-1),
				"event_participants": [{"reference_doctype": "Customer", "reference_docname": self.customer}],
			}
		).insert(ignore_permissions=True)
		event.description = "moved"
		event.save(ignore_permissions=True)
		rows = frappe.get_all(
			INTERACTION, filters={"external_key": f"Event:{event.name}:{self.customer}"}, fields=["channel"]
		)
		self.assertEqual(rows, [{"channel": "Meeting"}])

	# ------------------------------------------------------------ duplicates and dates

	def test_duplicate_warning_matches_email_phone_and_tax_id(self):
		customer = create_customer("_Test CRM Dup Customer", tax_id="DE 123-456", email_id=None)
		make_contact("_Test Dup Contact", customer, email="Dup.Person@Example.com", phone="+49 (30) 1234567")
		lead = frappe.new_doc("Lead")
		lead.update({"lead_name": "Dup Person", "email_id": "dup.person@example.com"})
		self.assertIn("same email", [reason for _dt, _n, reason in duplicates.find_matches(lead)])
		lead = frappe.new_doc("Lead")
		lead.update({"lead_name": "Dup Phone", "mobile_no": "49301234567"})
		self.assertIn("same phone", [reason for _dt, _n, reason in duplicates.find_matches(lead)])
		new_customer = frappe.new_doc("Customer")
		new_customer.update({"customer_name": "Dup GmbH", "tax_id": "de123456"})
		self.assertIn(("Customer", customer, "same tax id"), duplicates.find_matches(new_customer))
		frappe.message_log.clear()
		duplicates.warn_on_new_party(new_customer)
		self.assertTrue(frappe.message_log)

	def test_important_date_reminder_goes_to_account_manager_once(self):
		manager = create_user("crm-account-manager@example.com", "Sales User")
		customer = frappe.get_doc("Customer", create_customer("_Test CRM Dates Customer"))
		customer.account_manager = manager
		customer.append("crm_important_dates", {"date_type": "Birthday", "date": "1980-06-10", "remind": 1})
		customer.save()
		self.assertEqual(important_dates.send_reminders(as_of="2031-06-01"), 0)
		self.assertGreaterEqual(important_dates.send_reminders(as_of="2031-06-04"), 1)
		todos = frappe.get_all(
			"ToDo", filters={"reference_name": customer.name, "allocated_to": manager}, fields=["date"]
		)
		self.assertEqual([str(t.date) for t in todos], ["2031-06-10"])
		important_dates.send_reminders(as_of="2031-06-05")
		self.assertEqual(
			frappe.db.count("ToDo", {"reference_name": customer.name, "allocated_to": manager}), 1
		)


class TestCustomer360(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM 360 Customer")
		base = getdate("2025-03-01")
		ensure_fiscal_years(base, add_days(base, 30))  # the module may run alone on a new site
		frappe.cache.delete_value("fiscal_years")
		cls.invoices = [
			create_sales_invoice(cls.customer, rate=100 * (i + 1), posting_date=add_days(base, 10 * i)).name
			for i in range(3)
		]
		cls.interactions = [
			make_interaction(
				cls.customer, subject=f"Touch {i}", interaction_at=f"2025-03-{11 + 10 * i:02} 10:00:00"
			).name
			for i in range(2)
		]

	def test_first_page_merges_in_order(self):
		result = customer_360.get_360(self.customer, limit=50)
		names = [e["name"] for e in result["timeline"]]
		# 2025-03-21: interaction 10:00 sorts above that day's invoice (midnight)
		expected = [
			self.interactions[1],
			self.invoices[2],
			self.interactions[0],
			self.invoices[1],
			self.invoices[0],
		]
		self.assertEqual([n for n in names if n in expected], expected)
		self.assertIsNone(result["next_cursor"])

	def test_pagination_walks_everything_once(self):
		seen, before = [], None
		for _ in range(10):
			page = customer_360.get_360(self.customer, before=before, limit=2)
			seen += [e["name"] for e in page["timeline"]]
			before = page["next_cursor"]
			if not before:
				break
		full = [e["name"] for e in customer_360.get_360(self.customer, limit=200)["timeline"]]
		self.assertEqual(seen, full)
		self.assertEqual(len(seen), len(set(seen)))

	def test_filter_by_kind_and_bad_kind(self):
		result = customer_360.get_360(self.customer, kinds="sales_invoice")
		self.assertEqual({e["kind"] for e in result["timeline"]}, {"sales_invoice"})
		# what Desk sends for "Everything" and the first page: empty strings
		everything = customer_360.get_360(self.customer, kinds="", before="")
		self.assertIn("interaction", {e["kind"] for e in everything["timeline"]})
		with self.assertRaises(frappe.ValidationError):
			customer_360.get_360(self.customer, kinds=["nonsense"])
		with self.assertRaises(frappe.ValidationError):
			customer_360.get_360(self.customer, before="garbage")

	def test_figures_net_of_credit_notes(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		credit = make_sales_return(self.invoices[0])
		credit.insert()
		credit.submit()
		(figures,) = customer_360.get_360(self.customer)["figures"]
		self.assertEqual(figures["net_revenue"], 100 + 200 + 300 - 100)
		self.assertEqual(figures["returns"], 100)
		self.assertEqual(figures["last_purchase"], getdate("2025-03-21"))
		self.assertEqual(figures["usual_days_between_purchases"], 10)
		kinds = {e["kind"] for e in customer_360.get_360(self.customer)["timeline"]}
		self.assertIn("credit_note", kinds)

	def test_value_and_risk_once_scored(self):
		from crm_plus.services.scoring import pipeline

		self.assertIsNone(customer_360.get_360(self.customer)["value"])
		pipeline.score_all(publish=False)
		value = customer_360.get_360(self.customer)["value"]
		self.assertIn(value["churn_risk_band"], ("Low", "Medium", "High", "Critical"))
		self.assertTrue(value["segment"])
		self.assertEqual(len(value["trend"]), 1)
		self.assertTrue(any("days since last purchase" in r for r in value["reasons"]))

	def test_first_page_query_count_is_fixed(self):
		"""One query per kind plus the figures, whatever the number of records."""
		customer_360.get_360(self.customer)  # warm caches (meta, permissions)
		with self.assertQueryCount(25):
			customer_360.get_360(self.customer)

	def test_user_without_rights_gets_nothing(self):
		user = create_user("crm-no-rights@example.com", "Blogger")
		with self.set_user(user), self.assertRaises(frappe.PermissionError):
			customer_360.get_360(self.customer)
