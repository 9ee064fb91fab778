import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.report.interaction_activity.interaction_activity import execute
from crm_plus.tests.utils import create_customer, create_user


class TestInteractionActivity(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = create_customer("_Test CRM Activity Customer")
		cls.restricted_customer = create_customer("_Test CRM Activity Other")
		cls.agent = create_user("crm-activity-agent@example.com", "Customer Service Agent")
		for when, channel, sentiment, customer in (
			("2031-01-05 10:00:00", "Phone", "Negative", cls.customer),
			("2031-01-20 10:00:00", "Email", "Neutral", cls.customer),
			("2031-02-03 10:00:00", "Phone", "Positive", cls.restricted_customer),
		):
			frappe.get_doc(
				{
					"doctype": "Customer Interaction",
					"party_type": "Customer",
					"party": customer,
					"subject": "Activity test",
					"interaction_at": when,
					"channel": channel,
					"sentiment": sentiment,
					"user": cls.agent,
				}
			).insert()

	def run_report(self, **filters):
		return execute(frappe._dict({"from_date": "2031-01-01", "to_date": "2031-03-31", **filters}))

	def test_counts_by_channel_and_month_with_chart(self):
		columns, rows, _msg, chart, summary = self.run_report(group_by="Channel", period="Monthly")
		counts = {(r.period, r.group_value): r.interactions for r in rows}
		self.assertEqual(counts, {("2031-01", "Email"): 1, ("2031-01", "Phone"): 1, ("2031-02", "Phone"): 1})
		self.assertEqual(chart["data"]["labels"], ["2031-01", "2031-02"])
		self.assertEqual(summary[0]["value"], 3)
		self.assertEqual([c["fieldname"] for c in columns][:2], ["period", "group_value"])

	def test_by_user_totals_and_negative_share(self):
		_c, rows, _m, _chart, _s = self.run_report(group_by="User", period="")
		(row,) = [r for r in rows if r.group_value == self.agent]
		self.assertEqual((row.interactions, row.negative, row.customers), (3, 1, 2))
		self.assertAlmostEqual(row.negative_share, 100 / 3)

	def test_user_permission_on_customer_restricts_rows(self):
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": self.agent,
				"allow": "Customer",
				"for_value": self.customer,
			}
		).insert(ignore_permissions=True)
		with self.set_user(self.agent):
			_c, rows, _m, _chart, _s = self.run_report(group_by="User", period="")
		self.assertEqual(sum(r.interactions for r in rows), 2)

	def test_bad_filters_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.run_report(group_by="Nonsense")
		with self.assertRaises(frappe.ValidationError):
			execute({"from_date": "2031-03-01", "to_date": "2031-01-01"})
