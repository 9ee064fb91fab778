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

	def test_first_page_is_the_top_of_the_whole_list(self):
		from unittest.mock import patch

		from frappe.utils import fmt_money

		from crm_plus.crm_plus.report.customer_priority import customer_priority

		_c, every, message, chart, _s = execute({"company": self.company, "show": "All"})
		self.assertIsNone(message)
		ranked = len([r for r in every if r.get("profit_rank")])
		# a page within the ranked customers, and one that runs on into the unranked ones
		for size in (3, ranked + 1):
			with patch.object(customer_priority, "FIRST_PAGE", size):
				_c, page, message, page_chart, _s = execute({"company": self.company})
			self.assertEqual(page, every[:size])
			if len(every) > size:
				self.assertIn(fmt_money(len(every), precision=0), message)
			self.assertEqual(page_chart, chart)
