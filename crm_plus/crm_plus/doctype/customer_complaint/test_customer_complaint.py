# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import datetime
from urllib.parse import parse_qs, urlparse

import frappe
from frappe.model.workflow import apply_workflow
from frappe.tests.utils import FrappeTestCase, change_settings

from crm_plus.services.complaints import remedies, sla_watch
from crm_plus.services.complaints import survey as complaint_survey
from crm_plus.tests.utils import create_customer, create_item, create_sales_invoice, create_user

# The runner would make test records for every linked doctype; these links reach doctypes of apps this
# site may not have (Payment Gateway). These tests build their own records.
test_ignore = [
	"Sales Invoice",
	"Sales Order",
	"Delivery Note",
	"Customer",
	"Contact",
	"Service Level Agreement",
]

COMPLAINT = "Customer Complaint"
FRIDAY = datetime.datetime(2030, 3, 1, 15, 0)  # Monday 4 March 2030 is a holiday below


def ensure_sla():
	"""Mon-Fri 09:00-17:00, a holiday on Monday 4 March 2030, response 4 h and resolution 16 h."""
	frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
	for priority in ("Low", "Medium", "High"):
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	if not frappe.db.exists("Holiday List", "_Test CRM Complaint Holidays"):
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": "_Test CRM Complaint Holidays",
				"from_date": "2030-01-01",
				"to_date": "2030-12-31",
				"holidays": [{"description": "Spring holiday", "holiday_date": "2030-03-04"}],
			}
		).insert()
	name = "_Test Complaint SLA"
	# ERPNext allows one default agreement per doctype; on a site that has its own (the demo's), this
	# one applies to every complaint anyway: an agreement that is not the default, with no condition
	# and no customer, goes before the default (inside the tests' transaction only)
	other_default = frappe.db.exists(
		"Service Level Agreement",
		{"document_type": COMPLAINT, "default_service_level_agreement": 1, "service_level": ("!=", name)},
	)
	if not frappe.db.exists("Service Level Agreement", {"service_level": name, "document_type": COMPLAINT}):
		frappe.get_doc(
			{
				"doctype": "Service Level Agreement",
				"service_level": name,
				"document_type": COMPLAINT,
				"enabled": 1,
				"default_service_level_agreement": 0 if other_default else 1,
				"default_priority": "Medium",
				"holiday_list": "_Test CRM Complaint Holidays",
				"apply_sla_for_resolution": 1,
				"priorities": [
					{
						"priority": "Medium",
						"response_time": 4 * 3600,
						"resolution_time": 16 * 3600,
						"default_priority": 1,
					},
					{"priority": "High", "response_time": 3600, "resolution_time": 8 * 3600},
				],
				"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
				"pause_sla_on": [{"status": "Awaiting Customer"}],
				"support_and_resolution": [
					{"workday": day, "start_time": "09:00:00", "end_time": "17:00:00"}
					for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
				],
			}
		).insert()
	return name


def make_complaint(customer, opened=FRIDAY, **values):
	doc = frappe.get_doc(
		{
			"doctype": COMPLAINT,
			"subject": "Broken on arrival",
			"customer": customer,
			"category": "Product",
			"opened_on": opened,
			**values,
		}
	)
	doc.service_level_agreement_creation = opened
	frappe.flags.current_time = opened
	try:
		doc.insert()
	finally:
		frappe.flags.current_time = None
	return doc


class TestComplaintWorkflowAndSLA(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_sla()
		cls.customer = create_customer("_Test Complaint Customer")
		cls.agent = create_user("crm-cs-agent@example.com", "Customer Service Agent")
		cls.manager = create_user("crm-cs-manager@example.com", "Customer Service Manager")
		cls.crm_manager = create_user("crm-crm-manager@example.com", "CRM Manager")

	def test_deadlines_skip_the_weekend_and_the_holiday(self):
		doc = make_complaint(self.customer)
		# Friday 15:00 + 4 working hours: 2 on Friday, Monday is a holiday, 2 on Tuesday
		self.assertEqual(doc.response_by, datetime.datetime(2030, 3, 5, 11, 0))
		# 16 working hours: 2 on Friday, 8 on Tuesday, 6 on Wednesday
		self.assertEqual(doc.sla_resolution_by, datetime.datetime(2030, 3, 6, 15, 0))
		self.assertEqual(doc.agreement_status, "First Response Due")

	def test_workflow_by_role(self):
		doc = make_complaint(self.customer, assigned_to=self.agent)
		with self.set_user(self.agent):
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Acknowledge")
			self.assertEqual(doc.status, "Acknowledged")
			self.assertTrue(doc.first_responded_on)
			with self.assertRaises(frappe.ValidationError):  # only a manager escalates
				apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Escalate")
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Start Investigation")
			doc.resolution_type = "Explanation"
			doc.save()
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Resolve")
			self.assertEqual(doc.status, "Resolved")
			with self.assertRaises(frappe.ValidationError):  # only a manager closes
				apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Close")
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Reopen")
		self.assertEqual((doc.status, doc.times_reopened), ("Reopened", 1))
		with self.set_user(self.manager):
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Escalate")
		self.assertEqual(doc.status, "Escalated")

	def test_quick_path_for_small_complaints(self):
		doc = make_complaint(self.customer, resolution_type="Explanation")
		with self.set_user(self.agent):
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Resolve on First Contact")
		self.assertEqual(doc.status, "Resolved")
		self.assertTrue(doc.first_responded_on and doc.resolved_on)

	def test_resolving_needs_a_resolution_type(self):
		doc = make_complaint(self.customer)
		with self.assertRaises(frappe.MandatoryError):
			apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Resolve on First Contact")

	@change_settings(
		"CRM Plus Settings",
		sla_warn_percent=75,
		escalate_to_manager_percent=100,
		escalate_to_crm_manager_percent=150,
	)
	def test_scheduled_warning_breach_and_escalation(self):
		doc = make_complaint(self.customer, assigned_to=self.agent)
		# response target: 4 working hours from Friday 15:00
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 1, 16, 0))  # 1 h: 25 %
		self.assertEqual(frappe.db.get_value(COMPLAINT, doc.name, "escalation_level"), 0)
		counts = sla_watch.check_slas(now=datetime.datetime(2030, 3, 5, 10, 0))  # 3 h: 75 %
		self.assertGreaterEqual(counts["warned"], 1)
		level, warned, breach = frappe.db.get_value(
			COMPLAINT, doc.name, ["escalation_level", "sla_warning_sent", "sla_breach"]
		)
		self.assertEqual((level, warned), (1, 1))
		self.assertFalse(breach)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.agent, "document_name": doc.name})
		)
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 5, 10, 30))  # the same level is not sent twice
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": self.agent, "document_name": doc.name}), 1
		)

		sla_watch.check_slas(now=datetime.datetime(2030, 3, 5, 11, 30))  # past 100 %: breached, manager
		values = frappe.db.get_value(
			COMPLAINT, doc.name, ["escalation_level", "sla_breach", "status"], as_dict=True
		)
		self.assertEqual(
			(values.escalation_level, values.sla_breach, values.status), (2, "First Response", "Escalated")
		)
		self.assertTrue(frappe.db.exists("ToDo", {"reference_name": doc.name, "allocated_to": self.manager}))

		sla_watch.check_slas(now=datetime.datetime(2030, 3, 5, 13, 30))  # 6 h: 150 %, CRM Manager
		self.assertEqual(frappe.db.get_value(COMPLAINT, doc.name, "escalation_level"), 3)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.crm_manager, "document_name": doc.name})
		)

	@change_settings(
		"CRM Plus Settings",
		sla_warn_percent=75,
		escalate_to_manager_percent=100,
		escalate_to_crm_manager_percent=150,
	)
	def test_each_stage_warns_escalates_and_breaches_on_its_own(self):
		doc = make_complaint(self.customer, assigned_to=self.agent)
		# nobody responds: the response deadline (Tuesday 11:00) passes, the watch sees it at 11:30
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 5, 11, 30))
		values = frappe.db.get_value(COMPLAINT, doc.name, ["*"], as_dict=True)
		self.assertEqual(
			(values.response_escalation_level, values.resolution_escalation_level, values.status),
			(2, 0, "Escalated"),
		)
		# stamped with the deadline it missed, not with when the job noticed
		self.assertEqual(values.response_breached_on, datetime.datetime(2030, 3, 5, 11, 0))
		self.assertEqual(
			(values.sla_breach, values.sla_breached_on), ("First Response", values.response_breached_on)
		)
		# the resolution clock runs on though nobody responded: 13 of 16 working hours by Wednesday noon
		counts = sla_watch.check_slas(now=datetime.datetime(2030, 3, 6, 12, 0))
		self.assertGreaterEqual(counts["warned"], 1)
		self.assertEqual(frappe.db.get_value(COMPLAINT, doc.name, "resolution_escalation_level"), 1)
		self.assertEqual(
			frappe.db.count(
				"Notification Log",
				{"for_user": self.agent, "document_name": doc.name, "subject": ("like", "%resolution%")},
			),
			1,
		)
		# past the resolution deadline (Wednesday 15:00): its own breach, the first one stays the summary
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 6, 15, 30))
		values = frappe.db.get_value(COMPLAINT, doc.name, ["*"], as_dict=True)
		self.assertEqual(values.resolution_breached_on, datetime.datetime(2030, 3, 6, 15, 0))
		self.assertEqual(values.resolution_escalation_level, 2)
		self.assertEqual((values.sla_breach, values.escalation_level), ("First Response", 3))

	def test_escalated_from_new_gets_its_first_response_when_worked(self):
		doc = make_complaint(self.customer)
		with self.set_user(self.manager):
			doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Escalate")
			self.assertFalse(doc.first_responded_on)  # an escalation is not a response
			frappe.flags.current_time = datetime.datetime(2030, 3, 5, 10, 0)
			try:
				doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Resume Investigation")
			finally:
				frappe.flags.current_time = None
		self.assertEqual(doc.first_responded_on, datetime.datetime(2030, 3, 5, 10, 0))
		self.assertFalse(doc.response_breached_on)  # before Tuesday 11:00

	@change_settings(
		"CRM Plus Settings",
		sla_warn_percent=75,
		escalate_to_manager_percent=100,
		escalate_to_crm_manager_percent=150,
	)
	def test_reopening_rearms_the_resolution_clock(self):
		doc = make_complaint(self.customer, assigned_to=self.agent, resolution_type="Explanation")

		def act(at, action):
			frappe.flags.current_time = at
			try:
				with self.set_user(self.agent):
					return apply_workflow(frappe.get_doc(COMPLAINT, doc.name), action)
			finally:
				frappe.flags.current_time = None

		act(datetime.datetime(2030, 3, 1, 16, 0), "Acknowledge")
		act(datetime.datetime(2030, 3, 1, 16, 5), "Start Investigation")
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 6, 12, 0))  # 13 of 16 h: the agent is warned
		self.assertEqual(frappe.db.get_value(COMPLAINT, doc.name, "resolution_escalation_level"), 1)
		resolved = act(datetime.datetime(2030, 3, 6, 12, 30), "Resolve")
		self.assertEqual(resolved.resolved_within_sla, 1)
		reopened = act(datetime.datetime(2030, 3, 6, 13, 0), "Reopen")
		self.assertEqual((reopened.resolution_escalation_level, reopened.resolved_within_sla), (0, 0))
		act(datetime.datetime(2030, 3, 6, 13, 5), "Start Investigation")
		# ERPNext moved the deadline by the half hour it was resolved (to 15:30): warned again at 14:00
		sla_watch.check_slas(now=datetime.datetime(2030, 3, 6, 14, 0))
		self.assertEqual(frappe.db.get_value(COMPLAINT, doc.name, "resolution_escalation_level"), 1)
		self.assertEqual(
			frappe.db.count(
				"Notification Log", {"for_user": self.agent, "document_name": doc.name, "type": "Alert"}
			),
			2,  # the SLA warnings (a site with energy points also notifies the points)
		)

	def test_clock_pauses_while_awaiting_customer(self):
		doc = make_complaint(self.customer)
		doc = apply_workflow(doc, "Acknowledge")
		doc = apply_workflow(frappe.get_doc(COMPLAINT, doc.name), "Request Customer Info")
		self.assertTrue(doc.on_hold_since)
		sla_watch.check_slas(now=datetime.datetime(2030, 4, 30, 12, 0))  # weeks later
		self.assertEqual(
			frappe.db.get_value(COMPLAINT, doc.name, ["sla_breach", "escalation_level"]), ("", 0)
		)


class TestComplaintRemedies(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test Complaint Remedy Customer")
		cls.item = create_item("_Test Complaint Item", rate=100, valuation_rate=40)
		cls.invoice = create_sales_invoice(cls.customer, qty=5, rate=100, item_code=cls.item).name

	def complaint(self):
		return frappe.get_doc(
			{
				"doctype": COMPLAINT,
				"subject": "Two units faulty",
				"customer": self.customer,
				"sales_invoice": self.invoice,
				"items": [{"item_code": self.item, "qty": 2}],
				"compensation": 10,
			}
		).insert()

	@change_settings("CRM Plus Settings", submit_remedies=1)
	def test_credit_note_for_chosen_items_links_both_ways(self):
		doc = self.complaint()
		credit = remedies.make_credit_note(doc.name, items=[{"item_code": self.item, "qty": 2}])
		self.assertEqual((credit.is_return, credit.return_against, credit.docstatus), (1, self.invoice, 1))
		self.assertEqual(credit.grand_total, -200)
		self.assertEqual(credit.crm_customer_complaint, doc.name)
		doc.reload()
		self.assertEqual(
			[(r.remedy_type, r.reference_name, r.amount, r.document_status) for r in doc.remedies],
			[("Credit Note", credit.name, 200, "Submitted")],
		)
		self.assertEqual(doc.cost, 210)
		credit.cancel()
		doc.reload()
		self.assertEqual((doc.remedies[0].document_status, doc.cost), ("Cancelled", 10))

	@change_settings("CRM Plus Settings", submit_remedies=0)
	def test_credit_note_for_an_amount_stays_draft(self):
		doc = self.complaint()
		credit = remedies.make_credit_note(doc.name, amount=150)
		self.assertEqual((credit.docstatus, credit.grand_total), (0, -150))
		with self.assertRaises(frappe.ValidationError):
			remedies.make_credit_note(doc.name, amount=10_000)

	@change_settings("CRM Plus Settings", submit_remedies=1)
	def test_refund_and_replacement(self):
		doc = self.complaint()
		refund = remedies.make_refund(doc.name, 75)
		self.assertEqual(
			(refund.payment_type, refund.party, refund.paid_amount, refund.docstatus),
			("Pay", self.customer, 75, 1),
		)
		order = remedies.make_replacement(doc.name)
		self.assertEqual(
			(order.customer, order.items[0].qty, order.grand_total, order.docstatus), (self.customer, 2, 0, 1)
		)
		doc.reload()
		self.assertEqual([r.remedy_type for r in doc.remedies], ["Refund", "Replacement"])
		self.assertEqual(doc.remedies[1].amount, 80)  # two units at a valuation of 40
		self.assertEqual(doc.cost, 10 + 75 + 80)
		with self.assertRaises(frappe.ValidationError):
			remedies.make_refund(doc.name, 0)

	def test_reference_must_belong_to_the_customer(self):
		other = create_customer("_Test Complaint Other")
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": COMPLAINT, "subject": "x", "customer": other, "sales_invoice": self.invoice}
			).insert()


class TestSatisfactionLink(FrappeTestCase):
	def test_valid_tampered_and_reused(self):
		customer = create_customer("_Test Complaint Survey Customer")
		doc = frappe.get_doc({"doctype": COMPLAINT, "subject": "Late", "customer": customer}).insert()
		args = {k: v[0] for k, v in parse_qs(urlparse(complaint_survey.survey_link(doc.name)).query).items()}
		with self.assertRaises(frappe.PermissionError):  # tampered signature
			last = args["signature"][-1]
			complaint_survey.verify_survey(
				doc.name, args["nonce"], args["signature"][:-1] + ("1" if last == "0" else "0")
			)
		with self.assertRaises(frappe.PermissionError):  # the signature of another complaint
			complaint_survey.verify_survey("CRM-CMP-OTHER", args["nonce"], args["signature"])
		from crm_plus.api.complaint import submit_feedback

		self.assertEqual(
			submit_feedback(doc.name, args["nonce"], args["signature"], 4, "Quick fix"), {"ok": True}
		)
		self.assertEqual(
			frappe.db.get_value(COMPLAINT, doc.name, ["satisfaction", "satisfaction_comment"]),
			(4, "Quick fix"),
		)
		with self.assertRaises(frappe.PermissionError):  # reused
			submit_feedback(doc.name, args["nonce"], args["signature"], 1)
		with self.assertRaises(frappe.ValidationError):
			complaint_survey.record_satisfaction(doc.name, 9)


class TestSurveySentOnce(FrappeTestCase):
	def test_a_rerun_for_the_same_resolution_sends_nothing_and_a_new_resolution_asks_again(self):
		from unittest.mock import patch

		customer = create_customer("_Test Complaint Survey Once Customer")
		doc = frappe.get_doc(
			{
				"doctype": COMPLAINT,
				"subject": "Survey once",
				"customer": customer,
				"raised_by": "once@customer.invalid",
			}
		).insert()
		resolved_at = frappe.utils.add_to_date(frappe.utils.now_datetime(), seconds=-1)
		with patch.object(complaint_survey.frappe, "sendmail") as sendmail:
			self.assertTrue(complaint_survey.send_satisfaction_survey(doc.name, resolved_at=resolved_at))
			# the job run again for the same resolution (requeued, retried): nothing more
			self.assertIsNone(complaint_survey.send_satisfaction_survey(doc.name, resolved_at=resolved_at))
			self.assertEqual(sendmail.call_count, 1)
			# reopened and resolved again: a new survey
			later = frappe.utils.add_to_date(frappe.utils.now_datetime(), seconds=1)
			self.assertTrue(complaint_survey.send_satisfaction_survey(doc.name, resolved_at=later))
			self.assertEqual(sendmail.call_count, 2)


class TestComplaintByEmail(FrappeTestCase):
	def raw_mail(self, sender, subject, body, message_id, in_reply_to=None):
		from email.message import EmailMessage

		message = EmailMessage()
		message["From"] = sender
		message["To"] = "complaints@crm-plus.invalid"
		message["Subject"] = subject
		message["Message-ID"] = message_id
		message["Date"] = "Mon, 04 Mar 2030 10:00:00 +0000"
		if in_reply_to:
			message["In-Reply-To"] = in_reply_to
		message.set_content(body)
		return message.as_string()

	def test_email_opens_a_complaint_and_replies_thread_onto_it(self):
		from frappe.email.receive import InboundMail

		customer = create_customer("_Test Mail Complaint Customer")
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Mailer",
				"email_ids": [{"email_id": "mailer@customer.invalid", "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		contact.flags.ignore_crm_duplicate_warning = True
		contact.insert()
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test CRM Complaints Inbox",
				"email_id": "complaints@crm-plus.invalid",
				"append_to": COMPLAINT,
				"enable_incoming": 0,
				"enable_outgoing": 0,
			}
		).insert(ignore_if_duplicate=True)
		first = InboundMail(
			self.raw_mail(
				"mailer@customer.invalid",
				"Parcel arrived damaged",
				"The box was crushed.",
				"<m1@customer.invalid>",
			),
			account,
			append_to=COMPLAINT,
		).process()
		self.assertEqual(first.reference_doctype, COMPLAINT)
		complaint = frappe.get_doc(COMPLAINT, first.reference_name)
		self.assertEqual(
			(complaint.subject, complaint.raised_by, complaint.customer, complaint.channel),
			("Parcel arrived damaged", "mailer@customer.invalid", customer, "Email"),
		)
		reply = InboundMail(
			self.raw_mail(
				"mailer@customer.invalid",
				"Re: Parcel arrived damaged",
				"Photos attached.",
				"<m2@customer.invalid>",
				in_reply_to="<m1@customer.invalid>",
			),
			account,
			append_to=COMPLAINT,
		).process()
		self.assertEqual((reply.reference_doctype, reply.reference_name), (COMPLAINT, complaint.name))
		self.assertEqual(frappe.db.count(COMPLAINT, {"raised_by": "mailer@customer.invalid"}), 1)


class TestComplaintAPI(FrappeTestCase):
	def test_file_complaint_and_bad_input(self):
		from crm_plus.api.complaint import file_complaint

		customer = create_customer("_Test Complaint API Customer")
		result = file_complaint(subject="Invoice charged twice", customer=customer, category="Invoice")
		doc = frappe.get_doc(COMPLAINT, result["name"])
		self.assertEqual((doc.customer, doc.channel, doc.status), (customer, "API", "New"))
		count = frappe.db.count(COMPLAINT)
		with self.assertRaises(frappe.MandatoryError):
			file_complaint(subject="No customer")
		with self.assertRaises(frappe.ValidationError):
			file_complaint(subject="Bad category", customer=customer, category="Weather")
		self.assertEqual(frappe.db.count(COMPLAINT), count)
		outsider = create_user("crm-complaint-outsider@example.com", "Blogger")
		with self.set_user(outsider), self.assertRaises(frappe.PermissionError):
			file_complaint(subject="Sneaky", customer=customer)
