import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.crm_plus.report.retention_effectiveness.retention_effectiveness import execute
from crm_plus.domain.winback import Outcome
from crm_plus.services import retention


class TestRetentionEffectiveness(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)

	def plan(self, label, owner="Administrator", action="Call"):
		doc = frappe.get_doc(
			{
				"doctype": "Retention Plan",
				"customer": self.customers[label],
				"company": self.company,
				"plan_owner": owner,
				"start_date": AS_OF,
				"actions": [{"action_type": action, "owner_user": owner, "due_date": AS_OF}],
			}
		).insert()
		retention.activate(doc)
		return doc.name

	def test_rates_by_owner_and_action_against_control(self):
		retention.close_plan(self.plan("Lapsed"), Outcome("Won Back", None, AS_OF, 500))
		retention.close_plan(self.plan("Small 1", action="Visit"), Outcome("Lost", on=AS_OF))
		self.plan("Small 2")
		frappe.get_doc(
			{
				"doctype": "Retention Control",
				"customer": self.customers["Small 3"],
				"company": self.company,
				"start_date": AS_OF,
				"end_date": add_days(AS_OF, 90),
				"status": "Lost",
			}
		).insert()
		filters = {"company": self.company, "from_date": AS_OF, "to_date": AS_OF}
		_c, rows, _m, chart, summary = execute({**filters, "group_by": "Owner"})
		admin = next(r for r in rows if r.group_value == "Administrator")
		self.assertEqual((admin.plans, admin.won_back, admin.lost, admin.active), (3, 1, 1, 1))
		self.assertEqual((admin.win_back_rate, admin.retained_revenue), (50.0, 500))
		control = rows[-1]
		self.assertEqual((control.plans, control.lost, control.win_back_rate), (1, 1, 0.0))
		self.assertEqual([s["value"] for s in summary], [50.0, 0.0, 500])

		_c, rows, _m, _chart, _s = execute({**filters, "group_by": "Action Type"})
		by_action = {r.group_value: r for r in rows}
		self.assertEqual((by_action["Call"].won_back, by_action["Visit"].lost), (1, 1))
