# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, today

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.services import goals

test_ignore = ["Company"]


class TestCRMGoal(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)
		cls.start = add_days(AS_OF, -179)

	def test_metrics_from_known_purchases(self):
		values = {
			metric: goals.metric_value(metric, self.company, self.start, AS_OF)
			for metric in ("repurchase_rate", "retention_rate", "churn_rate", "new_customer_return_rate")
		}
		# buyers in the period: champion (6 days), newcomer (1), small 1 and small 4 (2 each)
		self.assertEqual(values["repurchase_rate"], Decimal("75.0"))
		# bought in the 180 days before: champion, lapsed, small 2; of them only the champion again
		self.assertEqual(values["retention_rate"], Decimal("33.3"))
		self.assertEqual(values["churn_rate"], Decimal("66.7"))
		# new in the period: newcomer (once), small 1 and small 4 (twice)
		self.assertEqual(values["new_customer_return_rate"], Decimal("66.7"))
		share = goals.metric_value("top20_revenue_share", self.company, self.start, AS_OF)
		self.assertGreater(share, Decimal(90))

	def test_goal_measures_itself_with_a_trend(self):
		goal = frappe.get_doc(
			{
				"doctype": "CRM Goal",
				"goal_name": "Keep more customers",
				"metric": "retention_rate",
				"company": self.company,
				"period_start": self.start,
				"period_end": add_days(AS_OF, 186),
				"target": 50,
			}
		).insert()
		self.assertEqual(goal.direction, "Higher")
		goals.measure(goal.name, as_of=AS_OF)
		goals.measure(goal.name, as_of=AS_OF)  # the same day twice: one point
		goal.reload()
		self.assertEqual((goal.current_value, goal.progress, goal.status), (33.3, 66.6, "On Track"))
		self.assertEqual(len(goal.measurements), 1)
		# every goal whose period is running or ended in the last week (a demo site holds older ones)
		self.assertEqual(
			goals.measure_all(as_of=AS_OF),
			frappe.db.count(
				"CRM Goal",
				{"period_start": ("<=", AS_OF), "period_end": (">=", add_days(AS_OF, -7))},
			),
		)

	def test_bad_period_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "CRM Goal",
					"goal_name": "Backwards",
					"metric": "churn_rate",
					"company": self.company,
					"period_start": AS_OF,
					"period_end": add_days(AS_OF, -1),
					"target": 5,
				}
			).insert()


class TestCampaignROIGoal(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import build_world_campaign

		build_world_campaign(cls)

	@change_settings("CRM Plus Settings", roi_basis="Revenue", attribution_window_days=90)
	def test_campaign_roi_counts_only_the_goals_company(self):
		start, end = add_days(today(), -90), today()
		# W is of the US company: its US sales (2,200 + 100 attributed, USD) against its 100 USD of cost;
		# its 500 EUR sold by the EU company are another currency and another company's
		self.assertEqual(goals.metric_value("campaign_roi", self.us, start, end), Decimal("2200.0"))
		self.assertIsNone(goals.metric_value("campaign_roi", self.eu, start, end))
