import frappe
from frappe.tests.utils import FrappeTestCase

from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import make_campaign
from crm_plus.crm_plus.report.campaign_funnel.campaign_funnel import execute
from crm_plus.tests.utils import create_customer


class TestCampaignFunnel(FrappeTestCase):
	def test_stages_accumulate(self):
		campaign = make_campaign("_Test Funnel Campaign")
		for i, status in enumerate(
			("Targeted", "Contacted", "Responded", "Converted", "Converted", "Unsubscribed")
		):
			frappe.get_doc(
				{
					"doctype": "Campaign Member",
					"campaign": campaign.name,
					"party_type": "Customer",
					"party": create_customer(f"_Test Funnel Customer {i}"),
					"status": status,
				}
			).insert()
		_columns, rows, _m, chart, _s = execute({"campaign": campaign.name})
		(row,) = rows
		self.assertEqual(
			(row.targeted, row.contacted, row.responded, row.converted, row.lost), (6, 4, 3, 2, 1)
		)
		self.assertAlmostEqual(row.conversion_rate, 100 * 2 / 6)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [6, 4, 3, 2])
