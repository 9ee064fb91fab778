# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.services import retention
from crm_plus.services.scoring import pipeline
from crm_plus.tests.utils import create_sales_invoice, pay_invoice

PLAN = "Retention Plan"


# The runner would make test records for every linked doctype; Company's links reach doctypes of
# apps this site may not have (Payment Gateway). These tests build their own company and invoices.
test_ignore = ["Company", "Sales Invoice"]


class TestRetentionPlan(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)
		pipeline.score_all(as_of=AS_OF, publish=False)

	def setUp(self):
		# each test starts with no plans or control records for this population
		for doctype in (PLAN, "Retention Control"):
			frappe.db.delete(doctype, {"company": self.company})

	def plans(self, label, **filters):
		return frappe.get_all(
			PLAN, filters={"customer": self.customers[label], **filters}, fields=["*"], order_by="creation"
		)

	@change_settings("CRM Plus Settings", auto_open_plans=1, auto_open_band="High", control_group_percent=0)
	def test_automatic_plan_then_won_back_after_a_paid_invoice(self):
		retention.update_plans(as_of=AS_OF)
		(plan,) = self.plans("Lapsed")
		self.assertEqual((plan.status, plan.source), ("Active", "Automatic"))
		self.assertIn("days since last purchase", plan.risk_reasons)
		self.assertFalse(self.plans("Champion"))
		todos = frappe.get_all(
			"ToDo", filters={"reference_type": PLAN, "reference_name": plan.name, "status": "Open"}
		)
		self.assertEqual(len(todos), 2)

		retention.update_plans(as_of=AS_OF)  # idempotent: still one open plan
		self.assertEqual(len(self.plans("Lapsed")), 1)

		invoice = create_sales_invoice(
			self.customers["Lapsed"], rate=700, posting_date=add_days(AS_OF, 10), company=self.company
		)
		retention.update_plans(as_of=add_days(AS_OF, 11))
		self.assertEqual(self.plans("Lapsed")[0].status, "Active")  # billed is not won back: paid is
		pay_invoice(invoice.name, posting_date=add_days(AS_OF, 20))
		retention.update_plans(as_of=add_days(AS_OF, 21))
		(plan,) = self.plans("Lapsed")
		self.assertEqual(
			(plan.status, plan.won_back_invoice, str(plan.won_back_on), plan.retained_revenue),
			("Won Back", invoice.name, str(add_days(AS_OF, 20)), 700),
		)
		self.assertFalse(
			frappe.get_all(
				"ToDo", filters={"reference_type": PLAN, "reference_name": plan.name, "status": "Open"}
			)
		)

	def test_plan_is_lost_when_the_window_ends(self):
		plan = frappe.get_doc(
			{
				"doctype": PLAN,
				"customer": self.customers["Small 3"],
				"company": self.company,
				"start_date": add_days(AS_OF, -100),
				"window_days": 30,
			}
		).insert()
		retention.activate(plan)
		retention.update_plans(as_of=AS_OF)
		plan.reload()
		self.assertEqual((plan.status, str(plan.closed_on)), ("Lost", str(add_days(AS_OF, -70))))

	def test_one_open_plan_per_customer(self):
		values = {"doctype": PLAN, "customer": self.customers["Small 1"], "company": self.company}
		frappe.get_doc(values).insert()
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc(values).insert()

	@change_settings("CRM Plus Settings", auto_open_plans=1, auto_open_band="High", control_group_percent=100)
	def test_control_group_gets_no_plan(self):
		counts = retention.update_plans(as_of=AS_OF)
		self.assertEqual(counts["plans"], 0)
		self.assertGreaterEqual(counts["control"], 1)
		self.assertFalse(self.plans("Lapsed"))
		controls = frappe.get_all(
			"Retention Control", filters={"customer": self.customers["Lapsed"]}, fields=["status", "end_date"]
		)
		self.assertEqual([c.status for c in controls], ["Open"])
		retention.update_plans(as_of=add_days(AS_OF, 200))
		# the control group is judged by the plans' rule: won back only by a paid invoice in the window
		paid_after_start = frappe.db.exists(
			"Sales Invoice",
			{
				"customer": self.customers["Lapsed"],
				"docstatus": 1,
				"posting_date": (">=", AS_OF),
				"outstanding_amount": 0,
			},
		)
		self.assertEqual(
			frappe.db.get_value("Retention Control", {"customer": self.customers["Lapsed"]}, "status"),
			"Won Back" if paid_after_start else "Lost",
		)

	def test_workflow_blocks_a_sales_user_from_marking_won_back(self):
		from frappe.model.workflow import apply_workflow

		from crm_plus.tests.utils import create_user

		user = create_user("crm-retention-rep@example.com", "Sales User")
		plan = frappe.get_doc(
			{
				"doctype": PLAN,
				"customer": self.customers["Small 2"],
				"company": self.company,
				"plan_owner": user,
			}
		).insert()
		retention.activate(plan)
		frappe.share.add(PLAN, plan.name, user, write=1)
		with self.set_user(user), self.assertRaises(frappe.ValidationError):
			apply_workflow(frappe.get_doc(PLAN, plan.name), "Mark Won Back")
