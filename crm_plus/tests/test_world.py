"""Figures and walls in the realistic world (`crm_plus.tests.world`): money in the company's currency
whatever the invoice's or the receivable account's currency, per company, and every read narrowed by
the User Permissions that narrow ERPNext's own lists (Territory, Customer Group, Company)."""

import json

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client, getdate, today

from crm_plus.crm_plus.report.churn_risk.churn_risk import execute as churn_risk
from crm_plus.crm_plus.report.customer_priority.customer_priority import execute as customer_priority
from crm_plus.services import customer_360
from crm_plus.services.scoring import pipeline
from crm_plus.tests import security
from crm_plus.tests import world as w


class WorldTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.world = w.build()
		frappe.db.commit()  # nosemgrep: the world's masters and invoices, like ERPNext's test records
		pipeline.score_all(as_of=getdate(today()), publish=False)

	def tearDown(self):
		frappe.set_user("Administrator")

	def customer(self, key):
		return self.world.customers[key]


class TestMoneyInTheCompanysCurrency(WorldTestCase):
	def figures(self, key, company):
		rows = [r for r in customer_360.get_figures(self.customer(key)) if r["company"] == company]
		self.assertEqual(len(rows), 1, rows)
		return rows[0]

	def test_customer_360_figures_per_company_in_its_currency(self):
		for (key, company), expected in self.world.expected.items():
			row = self.figures(key, company)
			self.assertEqual(row["currency"], frappe.get_cached_value("Company", company, "default_currency"))
			self.assertEqual({k: float(row[k]) for k in expected}, expected, f"{key} in {company}: {row}")

	def test_overdue_is_part_of_what_is_owed(self):
		for (key, company), expected in self.world.expected.items():
			row = self.figures(key, company)
			self.assertEqual(float(row["overdue"]), expected["outstanding"], key)  # all due 10 days ago

	def test_snapshot_stores_the_same_receivables(self):
		period = getdate(today()).strftime("%Y-%m")
		for (key, company), expected in self.world.expected.items():
			stored = frappe.db.get_value(
				"Customer Health Snapshot",
				{"customer": self.customer(key), "company": company, "period": period},
				["outstanding", "overdue", "monetary"],
				as_dict=True,
			)
			self.assertEqual(float(stored.outstanding), expected["outstanding"], key)
			self.assertEqual(float(stored.overdue), expected["outstanding"], key)
			self.assertEqual(float(stored.monetary), expected["net_revenue"], key)

	def test_the_same_sale_in_another_currency_at_the_same_rate_is_the_same_figure(self):
		"""Alpha bought 1,100 USD; Gamma bought 1,000 EUR at 1.10 on a USD receivable: the same revenue
		in company currency."""
		self.assertEqual(
			self.figures("usd", w.US)["net_revenue"], self.figures("eur_invoice", w.US)["net_revenue"]
		)


class TestRestrictedReps(WorldTestCase):
	"""A rep restricted by Territory, Customer Group or Company sees exactly their customers' rows
	through the reports, the lists and the 360, as in ERPNext's own customer list."""

	def visible(self, user):
		frappe.set_user(user)
		return set(frappe.get_list("Customer", pluck="name", filters={"name": ("like", "_Test World%")}))

	def world_rows(self, rows):
		return {r["customer"] for r in rows if (r.get("customer") or "").startswith("_Test World")}

	def test_erpnext_restricts_the_customer_list(self):
		c = self.customer
		self.assertEqual(self.visible(w.REP_NORTH), {c("usd"), c("eur_invoice")})
		self.assertEqual(self.visible(w.REP_RETAIL), {c("usd"), c("eu")})

	def test_reports_show_only_the_reps_customers(self):
		for user in (w.REP_NORTH, w.REP_RETAIL):
			allowed = self.visible(user)
			frappe.set_user(user)
			_columns, rows, *_ = churn_risk({"company": w.US})
			self.assertEqual(self.world_rows(rows), allowed & self.world_customers_of(w.US), user)
			# even when filtered to another territory
			_columns, rows, *_ = churn_risk({"company": w.US, "territory": w.SOUTH})
			self.assertEqual(self.world_rows(rows) - allowed, set(), user)
			_columns, rows, *_ = customer_priority({"company": w.US})
			self.assertEqual(self.world_rows(rows) - allowed, set(), user)

	def world_customers_of(self, company):
		return {
			key_customer
			for (key, c), _e in self.world.expected.items()
			if c == company
			for key_customer in [self.customer(key)]
		}

	def test_snapshot_list_and_documents_follow_the_customer(self):
		frappe.set_user(w.REP_NORTH)
		allowed = {self.customer("usd"), self.customer("eur_invoice")}
		listed = set(
			frappe.get_list(
				"Customer Health Snapshot", pluck="customer", filters={"customer": ("like", "_Test World%")}
			)
		)
		self.assertEqual(listed, allowed)
		south = frappe.get_all(
			"Customer Health Snapshot", filters={"customer": self.customer("eur_account")}, pluck="name"
		)
		self.assertTrue(south)
		self.assertFalse(frappe.has_permission("Customer Health Snapshot", "read", south[0]))

	def test_the_360_refuses_a_customer_outside_the_reps_territory(self):
		frappe.set_user(w.REP_NORTH)
		page = customer_360.get_360(self.customer("usd"))
		self.assertEqual(page["customer"], self.customer("usd"))
		# a Sales User may not read invoices: told so, not shown "no invoices" as a fact
		self.assertEqual((page["figures"], page["figures_available"]), ([], False))
		with self.assertRaises(frappe.PermissionError):
			customer_360.get_360(self.customer("eur_account"))

	def test_a_segment_preview_lists_only_the_reps_customers(self):
		from crm_plus.services.campaigns.segments import preview_segment

		campaign = frappe.db.get_value("Campaign", {"name": "_Test World Campaign"}) or (
			frappe.get_doc({"doctype": "Campaign", "campaign_name": "_Test World Campaign"}).insert().name
		)
		allowed = self.visible(w.REP_NORTH)  # signs the rep in
		preview = preview_segment(campaign, sample=1000)
		seen = {r["customer"] for r in preview["sample"] if r["customer"].startswith("_Test World")}
		self.assertEqual(seen, allowed)

	def test_number_cards_count_only_the_reps_customers(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		for key in ("usd", "eur_account"):  # North, South
			frappe.get_doc(
				{"doctype": "Customer Complaint", "subject": "Card", "customer": self.customer(key)}
			).insert()
		card = frappe.get_doc("Number Card", "Open Complaints").as_dict()
		world = [["Customer Complaint", "customer", "like", "_Test World%"]]
		everyone = get_result(card, world)
		self.visible(w.REP_NORTH)  # signs the rep in
		north = get_result(card, world)
		frappe.set_user("Administrator")
		self.assertEqual(north, frappe.db.count("Customer Complaint", {"customer": self.customer("usd")}))
		self.assertLess(north, everyone)

	def test_a_company_restricted_rep_sees_only_that_company(self):
		frappe.set_user(w.REP_EU)
		with self.assertRaises(frappe.PermissionError):
			churn_risk({"company": w.US})
		_columns, rows, *_ = churn_risk({"company": w.EU})
		self.assertEqual(self.world_rows(rows), {self.customer("eu")})
		listed = set(
			frappe.get_list(
				"Customer Health Snapshot", pluck="company", filters={"customer": ("like", "_Test World%")}
			)
		)
		self.assertEqual(listed, {w.EU})
		figures = customer_360.get_figures(self.customer("usd"))
		self.assertEqual([r["company"] for r in figures], [])


class TestRestrictedRepsOverHTTP(FrappeAPITestCase):
	"""The same walls over HTTP, as the reps' browsers and integrations meet them: every report a Sales
	User may run, the REST list of snapshots, and the 360."""

	TEST_CLIENT = get_test_client(use_cookies=False)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.world = w.build()
		pipeline.score_all(as_of=getdate(today()), publish=False)
		cls.tokens = {user: security.token(user) for user in (w.REP_NORTH, w.REP_RETAIL, w.REP_EU)}
		frappe.db.commit()  # nosemgrep: visible to the request threads

	def call(self, user, verb, path, data=None):
		return getattr(self, verb)(path, data, headers={"Authorization": self.tokens[user]})

	def allowed(self, user):
		frappe.set_user(user)
		try:
			return set(frappe.get_list("Customer", pluck="name", filters={"name": ("like", "_Test World%")}))
		finally:
			frappe.set_user("Administrator")

	def world_rows(self, rows) -> set:
		return {
			r.get("customer") or r.get("party")
			for r in rows
			if isinstance(r, dict)
			and str(r.get("customer") or r.get("party") or "").startswith("_Test World")
		}

	def test_every_report_a_rep_runs_shows_only_their_customers(self):
		reports = {
			"Churn Risk": {"company": w.US},
			"Customer Priority": {"company": w.US},
			"Follow-ups Due": {"days_ahead": 7},
		}
		for user in (w.REP_NORTH, w.REP_RETAIL):
			allowed = self.allowed(user)
			for report, filters in reports.items():
				response = self.call(
					user,
					"post",
					self.method("frappe.desk.query_report.run"),
					{"report_name": report, "filters": filters},
				)
				self.assertEqual(response.status_code, 200, f"{user} {report}: {response.text[-300:]}")
				seen = self.world_rows(response.json["message"]["result"])
				self.assertEqual(seen - allowed, set(), f"{user} sees {seen - allowed} in {report}")
		churn = self.call(
			w.REP_NORTH,
			"post",
			self.method("frappe.desk.query_report.run"),
			{"report_name": "Churn Risk", "filters": {"company": w.US}},
		)
		self.assertTrue(self.world_rows(churn.json["message"]["result"]))  # and they see their own

	def test_rest_lists_and_documents(self):
		response = self.call(
			w.REP_NORTH,
			"get",
			self.resource("Customer Health Snapshot"),
			{
				"fields": json.dumps(["customer", "name"]),
				"filters": json.dumps([["customer", "like", "_Test World%"]]),
				"limit": 100,
			},
		)
		self.assertEqual(response.status_code, 200, response.text)
		rows = response.json["data"]
		self.assertEqual(self.world_rows(rows), self.allowed(w.REP_NORTH))
		south = frappe.get_all(
			"Customer Health Snapshot",
			filters={"customer": self.world.customers["eur_account"]},
			pluck="name",
		)[0]
		self.assertEqual(
			self.call(w.REP_NORTH, "get", self.resource("Customer Health Snapshot", south)).status_code, 403
		)
		self.assertEqual(
			self.call(
				w.REP_NORTH,
				"get",
				self.method("crm_plus.api.customer.get_360"),
				{"customer": self.world.customers["eur_account"]},
			).status_code,
			403,
		)

	def test_a_company_restricted_rep_cannot_ask_for_another_company(self):
		response = self.call(
			w.REP_EU,
			"post",
			self.method("frappe.desk.query_report.run"),
			{"report_name": "Churn Risk", "filters": {"company": w.US}},
		)
		self.assertEqual(response.status_code, 403, response.text[-300:])


class TestComplaintsPerCompany(WorldTestCase):
	def complaint(self, key, **values):
		return frappe.get_doc(
			{"doctype": "Customer Complaint", "subject": "World", "customer": self.customer(key), **values}
		).insert()

	def test_a_complaint_takes_the_company_of_its_documents_else_the_chosen_one(self):
		invoice = frappe.db.get_value("Sales Invoice", {"customer": self.customer("eu"), "docstatus": 1})
		self.assertEqual(self.complaint("eu", sales_invoice=invoice).company, w.EU)
		# without documents: the company chosen, else the user's default, as ERPNext fills a new form
		self.assertEqual(self.complaint("eu", company=w.EU).company, w.EU)
		self.assertEqual(self.complaint("eu").company, frappe.defaults.get_user_default("Company"))
		# the invoice decides, whatever default the form started with
		self.assertEqual(self.complaint("eu", sales_invoice=invoice, company=w.US).company, w.EU)

	def test_figures_of_one_company_count_its_complaints_only(self):
		from crm_plus.crm_plus.report.complaint_ageing.complaint_ageing import execute as ageing

		self.complaint("eu")
		self.complaint("usd")
		_c, rows, *_ = ageing({"company": w.EU, "group_by": "Status"})
		_c, all_rows, *_ = ageing({"group_by": "Status"})
		eu = frappe.db.count(
			"Customer Complaint", {"company": w.EU, "status": ("not in", ("Resolved", "Closed"))}
		)
		self.assertEqual(sum(r["total"] for r in rows), eu)
		self.assertGreater(sum(r["total"] for r in all_rows), eu)

	def test_a_remedy_is_billed_by_the_complaints_company_never_a_guess(self):
		from crm_plus.services.complaints import remedies

		doc = self.complaint("usd")
		frappe.db.set_value("Customer Complaint", doc.name, "company", None)
		with self.assertRaises(frappe.MandatoryError):
			remedies.make_refund(doc.name, 10)

	def test_goal_metrics_of_a_company_count_its_complaints_and_customers_only(self):
		from frappe.utils import add_days, now_datetime

		from crm_plus.services import goals

		eu, us = self.complaint("eu", company=w.EU), self.complaint("usd", company=w.US)
		for doc, rating in ((eu, 5), (us, 1)):
			frappe.db.set_value(
				"Customer Complaint", doc.name, {"satisfaction": rating, "satisfaction_on": now_datetime()}
			)
		start, end = getdate(add_days(today(), -60)), getdate(today())
		self.assertEqual(goals.average_satisfaction(w.EU, start, end), 5)
		self.assertEqual(goals.average_satisfaction(w.US, start, end), 1)
		# interactions per active customer: the EU company's one buyer, with no interaction
		self.assertEqual(goals.interactions_per_active_customer(w.EU, start, end), 0)
