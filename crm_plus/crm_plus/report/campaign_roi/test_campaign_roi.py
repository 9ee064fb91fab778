from decimal import Decimal

from frappe.tests.utils import FrappeTestCase, change_settings

from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import build_roi_campaign
from crm_plus.crm_plus.report.campaign_roi.campaign_roi import execute


class TestCampaignROIReport(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		build_roi_campaign(cls)

	@change_settings("CRM Plus Settings", roi_basis="Margin", attribution_window_days=90)
	def test_row_matches_the_figures(self):
		_columns, rows, _m, chart, summary = execute({"model": "last_touch"})
		row = next(r for r in rows if r["campaign"] == self.c)
		self.assertEqual(
			(row["revenue"], row["margin"], row["cost"]),
			(Decimal("1300.00"), Decimal("520.00"), Decimal("500")),
		)
		self.assertAlmostEqual(row["roi"], 36.0)
		self.assertEqual((row["members"], row["attributed_revenue"]), (2, Decimal("400.00")))
		self.assertIn(self.c, chart["data"]["labels"])
