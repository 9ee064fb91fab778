from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.doctype.customer_health_snapshot.test_customer_health_snapshot import (
	AS_OF,
	build_population,
)
from crm_plus.crm_plus.report.customer_priority.customer_priority import execute
from crm_plus.services.scoring import pipeline
from crm_plus.tests.utils import create_customer


class TestCustomerPriority(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company, cls.customers = build_population(cls)
		cls.prospect = create_customer("_Test Priority Prospect", crm_manual_priority=1)
		pipeline.score_all(as_of=AS_OF, publish=False)

	def test_profit_rank_then_manual_priority(self):
		_c, rows, _m, chart, _s = execute({"company": self.company})
		self.assertEqual(rows[0].customer, self.customers["Champion"])
		self.assertEqual(rows[0].profit_rank, 1)
		ranked = [r for r in rows if r.get("profit_rank")]
		self.assertEqual(len(ranked), len(self.customers))
		unranked = rows[len(ranked) :]
		self.assertEqual(unranked[0].customer, self.prospect)  # priority 1 comes first among the new
		self.assertEqual([r.position for r in rows], list(range(1, len(rows) + 1)))
		self.assertEqual(chart["data"]["labels"][0], "_Test Scoring Champion")
