import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from crm_plus.crm_plus.report.crm_goal_progress.crm_goal_progress import execute
from crm_plus.domain.goals import REPURCHASE_RATE
from crm_plus.tests.utils import get_company


class TestCRMGoalProgress(FrappeTestCase):
	def test_lists_running_goals(self):
		running = frappe.get_doc(
			{
				"doctype": "CRM Goal",
				"goal_name": "_Test running goal",
				"metric": REPURCHASE_RATE,
				"company": get_company(),
				"period_start": add_days(today(), -10),
				"period_end": add_days(today(), 10),
				"target": 30,
			}
		).insert()
		frappe.get_doc(
			{
				"doctype": "CRM Goal",
				"goal_name": "_Test old goal",
				"metric": REPURCHASE_RATE,
				"company": get_company(),
				"period_start": add_days(today(), -100),
				"period_end": add_days(today(), -50),
				"target": 30,
			}
		).insert()
		_c, rows, _m, chart, _s = execute({"only_running": 1})
		names = [r.goal_name for r in rows]
		self.assertIn(running.goal_name, names)
		self.assertNotIn("_Test old goal", names)
		self.assertTrue(chart)
