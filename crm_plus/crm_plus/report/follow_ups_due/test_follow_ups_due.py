import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from crm_plus.crm_plus.report.follow_ups_due.follow_ups_due import execute
from crm_plus.tests.utils import create_customer, create_user


class TestFollowUpsDue(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM Follow-up Customer")
		cls.rep = create_user("crm-followup-rep@example.com", "Sales User")
		cls.names = {}
		for label, offset in (("overdue", -3), ("today", 0), ("soon", 4), ("later", 30)):
			doc = frappe.get_doc(
				{
					"doctype": "Customer Interaction",
					"party_type": "Customer",
					"party": cls.customer,
					"subject": f"Follow-up {label}",
					"next_follow_up_on": add_days(today(), offset),
					"follow_up_by": cls.rep,
				}
			).insert()
			cls.names[label] = doc.name

	def states(self, **filters):
		_columns, rows, _msg, chart, summary = execute({"follow_up_by": self.rep, **filters})
		return {r.interaction: r.state_key for r in rows}, chart, summary

	def test_states_window_and_summary(self):
		states, chart, summary = self.states(days_ahead=7)
		self.assertEqual(
			states,
			{
				self.names["overdue"]: "Overdue",
				self.names["today"]: "Due Today",
				self.names["soon"]: "Upcoming",
			},
		)
		self.assertEqual([s["value"] for s in summary], [1, 1, 3])
		self.assertEqual(chart["data"]["labels"], [self.rep])

	def test_only_overdue_and_done_follow_ups_leave(self):
		states, _chart, _summary = self.states(only_overdue=1)
		self.assertEqual(set(states.values()), {"Overdue"})
		late = frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"party_type": "Customer",
				"party": self.customer,
				"subject": "Follow-up done late",
				"next_follow_up_on": add_days(today(), -1),
				"follow_up_by": self.rep,
			}
		).insert()
		self.assertIn(late.name, self.states(only_overdue=1)[0])
		late.complete_follow_up()
		self.assertNotIn(late.name, self.states(only_overdue=1)[0])
