import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.crm_plus.report.churn_risk.churn_risk import execute
from crm_plus.services.scoring import pipeline
from crm_plus.tests.utils import create_user


class TestChurnRisk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)
		pipeline.score_all(as_of=AS_OF, publish=False)

	def test_sorted_by_risk_with_reasons_and_chart(self):
		_columns, rows, _m, chart, summary = execute({"company": self.company})
		scores = [r.risk_score for r in rows]
		self.assertEqual(scores, sorted(scores, reverse=True))
		lapsed = next(r for r in rows if r.customer == self.customers["Lapsed"])
		self.assertIn("days since last purchase", lapsed.reasons)
		self.assertEqual(sum(chart["data"]["datasets"][0]["values"]), len(rows))
		# one colour per band, from green (Low) to red (Critical)
		self.assertEqual(chart["colors"][0], "#29cd42")
		self.assertEqual(len(set(chart["colors"])), len(chart["data"]["labels"]))
		self.assertGreaterEqual(summary[0]["value"], 1)

	def test_filters(self):
		_c, rows, _m, _chart, _s = execute({"company": self.company, "risk_band": "Low"})
		self.assertTrue(rows)
		self.assertEqual({r.risk_band for r in rows}, {"Low"})
		_c, rows, _m, _chart, _s = execute({"company": self.company, "min_score": 101})
		self.assertEqual(rows, [])
		with self.assertRaises(frappe.ValidationError):
			execute({"company": self.company, "risk_band": "Huge"})

	def test_user_without_rights_is_refused(self):
		user = create_user("crm-churn-outsider@example.com", "Blogger")
		with self.set_user(user), self.assertRaises(frappe.PermissionError):
			execute({"company": self.company})

	def test_first_page_is_the_top_of_the_whole_list(self):
		from unittest.mock import patch

		from frappe.utils import fmt_money

		from crm_plus.crm_plus.report.churn_risk import churn_risk

		_c, every, message, chart, summary = execute({"company": self.company, "show": "All"})
		self.assertIsNone(message)
		self.assertGreater(len(every), 3)
		with patch.object(churn_risk, "FIRST_PAGE", 3):
			_c, page, message, page_chart, page_summary = execute({"company": self.company})
		self.assertEqual([r.customer for r in page], [r.customer for r in every[:3]])
		self.assertEqual(page, every[:3])
		# the message counts the whole list; the chart and the summary are of the whole list too
		self.assertIn(fmt_money(len(every), precision=0), message)
		self.assertEqual(page_chart, chart)
		self.assertEqual(page_summary, summary)
		self.assertEqual(sum(chart["data"]["datasets"][0]["values"]), len(every))
