# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import json
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, today

from crm_plus.constants import CRM_GOAL, SETTINGS
from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.domain.attribution import FIRST_TOUCH, LAST_TOUCH, LINEAR
from crm_plus.domain.goals import (
	CAMPAIGN_ROI,
	CHURN_RATE,
	METRICS,
	NEW_CUSTOMER_RETURN_RATE,
	REPURCHASE_RATE,
	RETENTION_RATE,
	TOP20_REVENUE_SHARE,
)
from crm_plus.patches.v1 import select_labels
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
			for metric in (REPURCHASE_RATE, RETENTION_RATE, CHURN_RATE, NEW_CUSTOMER_RETURN_RATE)
		}
		# buyers in the period: champion (6 days), newcomer (1), small 1 and small 4 (2 each)
		self.assertEqual(values[REPURCHASE_RATE], Decimal("75.0"))
		# bought in the 180 days before: champion, lapsed, small 2; of them only the champion again
		self.assertEqual(values[RETENTION_RATE], Decimal("33.3"))
		self.assertEqual(values[CHURN_RATE], Decimal("66.7"))
		# new in the period: newcomer (once), small 1 and small 4 (twice)
		self.assertEqual(values[NEW_CUSTOMER_RETURN_RATE], Decimal("66.7"))
		share = goals.metric_value(TOP20_REVENUE_SHARE, self.company, self.start, AS_OF)
		self.assertGreater(share, Decimal(90))

	def test_goal_measures_itself_with_a_trend(self):
		goal = frappe.get_doc(
			{
				"doctype": "CRM Goal",
				"goal_name": "Keep more customers",
				"metric": RETENTION_RATE,
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
					"metric": CHURN_RATE,
					"company": self.company,
					"period_start": AS_OF,
					"period_end": add_days(AS_OF, -1),
					"target": 5,
				}
			).insert()


class TestGoalLabels(FrappeTestCase):
	"""A goal's metric is stored and shown as its label; an unnamed goal is titled by it."""

	def goal(self, **values):
		return frappe.get_doc(
			{
				"doctype": CRM_GOAL,
				"company": frappe.db.get_value("Company", {}, "name"),
				"period_start": today(),
				"period_end": add_days(today(), 30),
				"target": 5,
				**values,
			}
		).insert()

	def test_an_unnamed_goal_is_titled_by_its_metric(self):
		goal = self.goal(metric=REPURCHASE_RATE)
		self.assertEqual((goal.metric, goal.goal_name), (REPURCHASE_RATE, "Repurchase Rate"))
		self.assertTrue(goal.name.startswith("CRM-GOAL-"))
		self.assertEqual(frappe.get_meta(CRM_GOAL).title_field, "goal_name")
		self.assertEqual(self.goal(metric=CHURN_RATE, goal_name="Lose fewer").goal_name, "Lose fewer")

	def test_the_metric_options_are_the_domains_labels(self):
		options = frappe.get_meta(CRM_GOAL).get_field("metric").options.split("\n")
		self.assertEqual(options, list(METRICS))
		model = frappe.get_meta(SETTINGS).get_field("attribution_model")
		self.assertEqual(
			(model.options.split("\n"), model.default), ([LAST_TOUCH, FIRST_TOUCH, LINEAR], LAST_TOUCH)
		)

	def test_a_former_internal_name_is_stored_as_its_label_and_nonsense_refused(self):
		self.assertEqual(self.goal(metric="churn_rate").metric, CHURN_RATE)  # an older script or client
		with self.assertRaises(frappe.ValidationError) as refused:
			self.goal(metric="Churn")
		self.assertIn(RETENTION_RATE, str(refused.exception))


class TestSelectLabelsPatch(FrappeTestCase):
	"""`crm_plus.patches.v1.select_labels` on a site that stored the former internal names."""

	USER = "crm-labels-patch@example.com"

	def setUp(self):
		frappe.db.savepoint("select_labels")

	def tearDown(self):
		frappe.db.rollback(save_point="select_labels")
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		frappe.cache.delete_key("_user_settings")

	def test_stored_values_and_saved_filters_become_labels(self):
		company = frappe.db.get_value("Company", {}, "name")
		goal, kept = (
			frappe.get_doc(
				{
					"doctype": CRM_GOAL,
					"metric": RETENTION_RATE,
					"company": company,
					"period_start": today(),
					"period_end": add_days(today(), 30),
					"target": 5,
				}
			).insert()
			for _n in range(2)
		)  # the first as stored before, the second already a label: left alone
		frappe.db.set_value(CRM_GOAL, goal.name, "metric", "repurchase_rate", update_modified=False)
		frappe.db.set_single_value(SETTINGS, "attribution_model", "first_touch")
		saved = frappe.get_doc(
			{
				"doctype": "List Filter",
				"filter_name": "_Test old metric",
				"reference_doctype": CRM_GOAL,
				"filters": json.dumps([[CRM_GOAL, "metric", "=", "churn_rate", False]]),
			}
		)
		saved.db_insert()
		report = frappe.get_doc(
			{
				"doctype": "Report",
				"report_name": "_Test Campaign ROI by linear",
				"ref_doctype": "Campaign",
				"report_type": "Custom Report",
				"reference_report": "Campaign ROI",
				"is_standard": "No",
				"module": "CRM Plus",
				"json": json.dumps({"filters": {"model": "linear", "company": company}, "columns": []}),
			}
		)
		report.db_insert()
		frappe.db.sql(
			"insert into `__UserSettings` (`user`, doctype, data) values (%s, %s, %s)",
			(
				self.USER,
				CRM_GOAL,
				json.dumps(
					{"List": {"filters": [[CRM_GOAL, "metric", "in", ["sla_compliance", "Churn Rate"]]]}}
				),
			),
		)

		select_labels.execute()

		self.assertEqual(frappe.db.get_value(CRM_GOAL, goal.name, "metric"), REPURCHASE_RATE)
		self.assertEqual(frappe.db.get_value(CRM_GOAL, kept.name, "metric"), RETENTION_RATE)
		self.assertEqual(frappe.db.get_single_value(SETTINGS, "attribution_model"), FIRST_TOUCH)
		self.assertEqual(
			json.loads(frappe.db.get_value("List Filter", saved.name, "filters")),
			[[CRM_GOAL, "metric", "=", CHURN_RATE, False]],
		)
		self.assertEqual(
			json.loads(frappe.db.get_value("Report", report.name, "json"))["filters"],
			{"model": LINEAR, "company": company},
		)
		[[data]] = frappe.db.sql(
			"select data from `__UserSettings` where `user` = %s and doctype = %s", (self.USER, CRM_GOAL)
		)
		self.assertEqual(
			json.loads(data)["List"]["filters"],
			[[CRM_GOAL, "metric", "in", ["Complaint SLA Compliance", CHURN_RATE]]],
		)

	def test_filters_in_each_shape_frappe_saves_them(self):
		names = {"churn_rate": CHURN_RATE, "sla_compliance": "Complaint SLA Compliance"}
		relabel = select_labels.relabel
		self.assertEqual(
			relabel({"metric": "churn_rate", "x": "churn_rate"}, "metric", names)["x"], "churn_rate"
		)
		self.assertEqual(
			relabel({"metric": ["in", ["churn_rate"]]}, "metric", names), {"metric": ["in", [CHURN_RATE]]}
		)
		self.assertEqual(
			relabel([["metric", "=", "churn_rate"]], "metric", names), [["metric", "=", CHURN_RATE]]
		)
		self.assertEqual(
			relabel([["CRM Goal", "metric", "in", "churn_rate, sla_compliance"]], "metric", names),
			[["CRM Goal", "metric", "in", f"{CHURN_RATE},Complaint SLA Compliance"]],
		)
		self.assertEqual(
			relabel([["CRM Goal", "company", "=", "churn_rate"]], "metric", names)[0][3], "churn_rate"
		)


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
		self.assertEqual(goals.metric_value(CAMPAIGN_ROI, self.us, start, end), Decimal("2200.0"))
		self.assertIsNone(goals.metric_value(CAMPAIGN_ROI, self.eu, start, end))
