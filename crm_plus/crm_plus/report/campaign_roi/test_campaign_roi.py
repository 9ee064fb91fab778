from decimal import Decimal

from frappe.tests.utils import FrappeTestCase, change_settings

from crm_plus.crm_plus.doctype.campaign_member.test_campaign_member import (
	build_roi_campaign,
	build_world_campaign,
)
from crm_plus.crm_plus.report.campaign_roi.campaign_roi import execute
from crm_plus.domain.attribution import LAST_TOUCH
from crm_plus.tests.utils import get_company


class TestCampaignROIReport(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		build_roi_campaign(cls)
		build_world_campaign(cls)

	@change_settings("CRM Plus Settings", roi_basis="Margin", attribution_window_days=90)
	def test_row_matches_the_figures(self):
		_columns, rows, _m, chart, summary = execute({"model": LAST_TOUCH})
		[row] = [r for r in rows if r["campaign"] == self.c]  # all its invoices are of one company
		self.assertEqual((row["company"], row["currency"]), (get_company(), "USD"))
		self.assertEqual(
			(row["revenue"], row["margin"], row["cost"]),
			(Decimal("1300.00"), Decimal("520.00"), Decimal("500")),
		)
		self.assertAlmostEqual(row["roi"], 36.0)
		self.assertEqual((row["members"], row["attributed_revenue"]), (2, Decimal("400.00")))
		self.assertTrue(any(label.startswith(self.c) for label in chart["data"]["labels"]))

	@change_settings("CRM Plus Settings", roi_basis="Revenue", attribution_window_days=90)
	def test_a_row_per_company_in_its_currency(self):
		columns, rows, _m, _chart, summary = execute({"model": LAST_TOUCH})
		us, eu = [r for r in rows if r["campaign"] == self.w]
		self.assertEqual(
			[(r["company"], r["currency"], r["revenue"], r["paid"]) for r in (us, eu)],
			[
				(self.us, "USD", Decimal("2200.00"), Decimal("500.00")),
				(self.eu, "EUR", Decimal("500.00"), Decimal("0.00")),
			],
		)
		# the campaign's budget and members once, on its own company's row
		self.assertEqual((us["budget"], us["budget_currency"], us["members"]), (Decimal(100), "USD", 1))
		self.assertEqual((eu["budget"], eu["members"]), (None, None))
		self.assertAlmostEqual(us["roi"], 2200.0)  # (2,200 + 100 attributed - 100) / 100
		# every amount column names the currency column its row is in
		for column in columns:
			if column["fieldtype"] == "Currency":
				self.assertIn(column["options"], ("currency", "budget_currency"), column)
				self.assertIn(column["options"], us)
		# totals per currency, never across
		totals = {(s["label"], s["currency"]): s["value"] for s in summary}
		self.assertIn(eu["revenue"], [v for (_label, currency), v in totals.items() if currency == "EUR"])
		self.assertEqual({currency for _label, currency in totals}, {r["currency"] for r in rows})

	@change_settings("CRM Plus Settings", roi_basis="Revenue", attribution_window_days=90)
	def test_company_filter_keeps_that_companys_rows(self):
		_columns, rows, _m, _chart, summary = execute({"company": self.us, "model": LAST_TOUCH})
		self.assertEqual({r["company"] for r in rows}, {self.us})
		self.assertEqual([r["revenue"] for r in rows if r["campaign"] == self.w], [Decimal("2200.00")])
		self.assertEqual({s["currency"] for s in summary}, {"USD"})

	@change_settings("CRM Plus Settings", roi_basis="Revenue", attribution_window_days=90)
	def test_a_user_kept_to_one_company_sees_only_its_rows(self):
		import frappe

		from crm_plus.tests.utils import create_user

		user = create_user("crm-roi-us-only@example.com", "Sales Manager", "Accounts User")
		if not frappe.db.exists("User Permission", {"user": user, "allow": "Company", "for_value": self.us}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": self.us}
			).insert(ignore_permissions=True)
		frappe.clear_cache(user=user)
		try:
			frappe.set_user(user)
			_columns, rows, *_rest = execute({"model": LAST_TOUCH})
			self.assertEqual([r["company"] for r in rows if r["campaign"] == self.w], [self.us])
			with self.assertRaises(frappe.PermissionError):
				execute({"company": self.eu})
		finally:
			frappe.set_user("Administrator")
