# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import json
from decimal import Decimal

import frappe
from frappe.model.workflow import apply_workflow
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, now_datetime, today

from crm_plus.domain.attribution import FIRST_TOUCH, LAST_TOUCH, LINEAR
from crm_plus.services.campaigns import figures as campaign_figures
from crm_plus.services.campaigns import members as campaign_members
from crm_plus.services.campaigns import offers, outreach
from crm_plus.services.campaigns import segments as campaign_segments
from crm_plus.tests.utils import (
	create_customer,
	create_item,
	create_sales_invoice,
	create_user,
	get_company,
)

# The runner would make test records for every linked doctype; Customer's and Campaign's links reach
# doctypes of apps this site may not have. These tests build their own records.
test_ignore = ["Campaign", "Customer", "Contact", "Lead"]

DAY = getdate("2030-03-01")
ITEM = "_Test CRM Campaign Stock Item"


def make_campaign(name, budget=1000, **values):
	if frappe.db.exists("Campaign", name):
		return frappe.get_doc("Campaign", name)
	return frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": name,
			"crm_company": get_company(),
			"crm_budget": budget,
			"crm_start_date": add_days(DAY, -30),
			"crm_end_date": add_days(DAY, 60),
			**values,
		}
	).insert()


def stock_item():
	"""A stock item valued at 60 with stock to sell, so invoices carry an incoming rate (margin 40)."""
	from crm_plus.tests.utils import ensure_fiscal_years, receive_stock

	ensure_fiscal_years(add_days(DAY, -400), add_days(DAY, 30))
	frappe.cache.delete_value("fiscal_years")  # ERPNext caches the years it found before these
	warehouse = frappe.db.get_value(
		"Warehouse", {"company": get_company(), "is_group": 0, "warehouse_name": "Stores"}
	)
	receive_stock(ITEM, 100, 60, warehouse, add_days(DAY, -60))
	return warehouse


def sell(customer, qty, campaign=None, days=0, warehouse=None, submit=True):
	return create_sales_invoice(
		customer,
		qty=qty,
		rate=100,
		posting_date=add_days(DAY, days),
		item_code=ITEM,
		update_stock=1,
		set_warehouse=warehouse,
		campaign=campaign,
		submit=submit,
	)


def touch(customer, campaign, days):
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"party_type": "Customer",
			"party": customer,
			"subject": f"About {campaign}",
			"campaign": campaign,
			"direction": "Inbound",
			"channel": "Email",
			"interaction_at": f"{add_days(DAY, days)} 10:00:00",
		}
	).insert()


def build_roi_campaign(cls):
	"""Campaign C with two tagged invoices, a credit note, a cancelled invoice, cost lines and an
	untagged invoice of a member touched by C and by D (shared with the Campaign ROI report test)."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	warehouse = stock_item()
	cls.a = create_customer("_Test Campaign Customer A")
	cls.b = create_customer("_Test Campaign Customer B")
	cls.c = make_campaign("_Test Spring Promo").name
	cls.d = make_campaign("_Test Autumn Mailing").name
	for customer in (cls.a, cls.b):
		frappe.get_doc(
			{"doctype": "Campaign Member", "campaign": cls.c, "party_type": "Customer", "party": customer}
		).insert()
	inv1 = sell(cls.a, 10, cls.c, warehouse=warehouse)  # 1000 revenue, 400 margin
	sell(cls.b, 5, cls.c, days=1, warehouse=warehouse)  # 500, 200
	credit = make_sales_return(inv1.name)  # 2 units back: -200, -80
	credit.posting_date = add_days(DAY, 5)
	credit.set_posting_time = 1
	for row in credit.items:
		row.qty = -2
	credit.insert()
	credit.submit()
	sell(cls.a, 3, cls.c, days=2, warehouse=warehouse).cancel()  # cancelled: never counts
	# an untagged invoice of B, 10 days after a touch of C and 20 days after a touch of D
	touch(cls.b, cls.d, 10)
	touch(cls.b, cls.c, 20)
	sell(cls.b, 4, None, days=30, warehouse=warehouse)  # 400, 160
	campaign = frappe.get_doc("Campaign", cls.c)
	campaign.append("crm_costs", {"date": DAY, "description": "Ads", "amount": 300})
	campaign.append("crm_costs", {"date": DAY, "description": "Print", "amount": 200})
	campaign.save()


class TestCampaignROI(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		build_roi_campaign(cls)

	def figures(self, model):
		"""The figures of the campaign's one company (all its invoices are of the test company)."""
		figures = campaign_figures.get_figures(self.c, model=model)
		self.assertEqual([row["company"] for row in figures["companies"]], [get_company()])
		return {**figures, **figures["companies"][0]}

	@change_settings("CRM Plus Settings", roi_basis="Margin", attribution_window_days=90)
	def test_roi_on_margin_with_each_attribution_model(self):
		figures = self.figures(LAST_TOUCH)
		self.assertEqual(
			(figures["revenue"], figures["margin"], figures["cost"]),
			(Decimal("1300.00"), Decimal("520.00"), Decimal("500")),
		)
		self.assertEqual(
			(figures["attributed_revenue"], figures["attributed_margin"]),
			(Decimal("400.00"), Decimal("160.00")),
		)
		self.assertEqual(figures["roi"], Decimal("0.3600"))  # (520 + 160 - 500) / 500
		first = self.figures(FIRST_TOUCH)
		self.assertEqual((first["attributed_revenue"], first["roi"]), (Decimal("0.00"), Decimal("0.0400")))
		linear = self.figures(LINEAR)
		self.assertEqual((linear["attributed_margin"], linear["roi"]), (Decimal("80.00"), Decimal("0.2000")))

	@change_settings("CRM Plus Settings", roi_basis="Revenue", attribution_window_days=15)
	def test_roi_on_revenue_and_the_window(self):
		# with a 15-day window only C's touch (10 days before the invoice) counts, whatever the model
		figures = self.figures(FIRST_TOUCH)
		self.assertEqual(figures["attributed_revenue"], Decimal("400.00"))
		self.assertEqual(figures["roi"], Decimal("2.4000"))  # (1300 + 400 - 500) / 500

	def test_an_email_reply_during_the_campaign_is_a_response(self):
		frappe.get_doc(
			{"doctype": "Campaign Member", "campaign": self.d, "party_type": "Customer", "party": self.a}
		).insert()
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"party_type": "Customer",
				"party": self.a,
				"subject": "Re: your autumn offer",
				"channel": "Email",
				"direction": "Inbound",
				"source": "Email",
				"interaction_at": f"{add_days(DAY, 3)} 09:00:00",
			}
		).insert()
		campaign_members.update_responses(self.d)
		member = frappe.get_doc("Campaign Member", campaign_members.member_name(self.d, "Customer", self.a))
		self.assertEqual((member.status, member.response_channel), ("Responded", "Email"))

	def test_a_former_model_name_is_still_understood(self):
		"""API callers that still send "last_touch" get the Last Touch figures; nonsense is refused."""
		self.assertEqual(
			campaign_figures.get_figures(self.c, model="last_touch"),
			campaign_figures.get_figures(self.c, model=LAST_TOUCH),
		)
		self.assertRaises(frappe.ValidationError, campaign_figures.get_figures, self.c, model="Last_Touch")

	def test_the_form_shows_the_members_by_name_and_the_figures(self):
		campaign_members.update_responses(self.c)
		form = campaign_figures.form_figures(self.c)
		self.assertTrue(form["figures_available"])
		self.assertEqual(form["figures"], campaign_figures.get_figures(self.c))  # the same, not recomputed
		self.assertEqual(form["members"], form["figures"]["members"])
		self.assertEqual((form["members"]["targeted"], form["members"]["converted"]), (2, 2))
		names = {frappe.db.get_value("Customer", c, "customer_name") for c in (self.a, self.b)}
		self.assertEqual({r.party_name for r in form["responses"]}, names)
		hashes = {campaign_members.member_name(self.c, "Customer", c) for c in (self.a, self.b)}
		self.assertFalse(hashes & {r.party_name for r in form["responses"]})

	def test_the_connections_link_the_members_and_the_sales_documents(self):
		"""The Campaign form's Connections: its members (the list filtered on it, with their count) and
		ERPNext's documents that carry it, Lead by its own field."""
		from frappe.desk.notifications import get_open_count

		data = frappe.get_meta("Campaign").get_dashboard_data()
		items = {item for group in data.transactions for item in group["items"]}
		self.assertLessEqual({"Campaign Member", "Lead", "Opportunity", "Sales Invoice"}, items)
		self.assertEqual(
			(data.fieldname, data.non_standard_fieldnames.get("Lead")), ("campaign", "campaign_name")
		)
		found = get_open_count("Campaign", self.c)["count"]["external_links_found"]
		counts = {row["doctype"]: row["count"] for row in found}
		self.assertEqual(counts["Campaign Member"], 2)
		self.assertGreaterEqual(counts["Sales Invoice"], 2)

	def test_the_form_says_figures_are_not_available_rather_than_zeros(self):
		"""A Sales Manager reads campaigns and their members, not Sales Invoices (ERPNext's rule)."""
		from crm_plus.api.campaign import get_form_figures

		user = create_user("crm-campaign-form-sales@example.com", "Sales Manager")
		agent = create_user("crm-campaign-form-agent@example.com", "Customer Service Agent")
		try:
			frappe.set_user(user)
			form = get_form_figures(self.c)
			frappe.set_user(agent)  # may not read campaigns
			self.assertRaises(frappe.PermissionError, get_form_figures, self.c)
		finally:
			frappe.set_user("Administrator")
		self.assertFalse(form["figures_available"])
		self.assertNotIn("figures", form)
		self.assertEqual(form["members"]["targeted"], 2)

	def test_responses_and_funnel(self):
		funnel = campaign_members.update_responses(self.c)
		self.assertEqual(
			funnel, {"targeted": 2, "contacted": 2, "responded": 2, "converted": 2, "unsubscribed": 0}
		)
		member = frappe.get_doc("Campaign Member", campaign_members.member_name(self.c, "Customer", self.a))
		self.assertEqual((member.status, member.attributed_revenue), ("Converted", 800))


class TestCampaignSegments(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm_plus.tests.utils import ensure_fiscal_years

		today_ = getdate(today())  # overdue means due before the real today
		ensure_fiscal_years(add_days(today_, -400), today_)
		group = frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": "_Test Campaign Group",
				"parent_customer_group": frappe.db.get_value("Customer Group", {"is_group": 1}, "name"),
			}
		).insert(ignore_if_duplicate=True)
		cls.group = group.name
		cls.recent = create_customer("_Test Seg Recent", customer_group=cls.group)
		cls.old = create_customer("_Test Seg Old", customer_group=cls.group)
		cls.overdue = create_customer("_Test Seg Overdue", customer_group=cls.group)
		cls.unsubscribed = create_customer("_Test Seg Unsubscribed", customer_group=cls.group)
		cls.outsider = create_customer("_Test Seg Other Group")
		create_sales_invoice(
			cls.recent, rate=900, posting_date=add_days(today_, -10), due_date=add_days(today_, 400)
		)
		create_sales_invoice(
			cls.old, rate=100, posting_date=add_days(today_, -300), due_date=add_days(today_, 400)
		)
		create_sales_invoice(
			cls.overdue, rate=500, posting_date=add_days(today_, -20), due_date=add_days(today_, -5)
		)
		create_sales_invoice(
			cls.unsubscribed, rate=500, posting_date=add_days(today_, -20), due_date=add_days(today_, 400)
		)
		create_sales_invoice(
			cls.outsider, rate=500, posting_date=add_days(today_, -20), due_date=add_days(today_, 400)
		)
		other = make_campaign("_Test Old Newsletter")
		frappe.get_doc(
			{
				"doctype": "Campaign Member",
				"campaign": other.name,
				"party_type": "Customer",
				"party": cls.unsubscribed,
				"status": "Unsubscribed",
			}
		).insert()

	def members(self, campaign):
		return set(frappe.get_all("Campaign Member", filters={"campaign": campaign}, pluck="customer"))

	@change_settings("CRM Plus Settings", suppress_overdue=1, suppress_open_complaints=0)
	def test_segment_criteria_and_suppression(self):
		campaign = make_campaign(
			"_Test Segment Campaign",
			crm_target_customer_group=self.group,
			crm_target_last_purchase_after=add_days(getdate(today()), -60),
			crm_target_min_revenue=200,
		)
		preview = campaign_segments.preview_segment(campaign.name)
		# old: bought too long ago; overdue and unsubscribed: suppressed; outsider: other group
		self.assertEqual(preview["count"], 1)
		self.assertEqual(campaign_segments.add_segment_members(campaign.name), 1)
		self.assertEqual(self.members(campaign.name), {self.recent})
		self.assertEqual(
			campaign_segments.add_segment_members(campaign.name), 0
		)  # adding twice adds nobody twice

	@change_settings("CRM Plus Settings", suppress_overdue=0, suppress_open_complaints=0)
	def test_without_overdue_suppression_and_by_item(self):
		campaign = make_campaign("_Test Segment Campaign 2", crm_target_customer_group=self.group)
		campaign_segments.add_segment_members(campaign.name)
		self.assertEqual(self.members(campaign.name), {self.recent, self.old, self.overdue})


class TestCampaignApproval(FrappeTestCase):
	@change_settings("CRM Plus Settings", campaign_approval_threshold=5000)
	def test_over_budget_start_needs_approval(self):
		planner = create_user("crm-campaign-planner@example.com", "Sales Manager")
		approver = create_user("crm-campaign-approver@example.com", "Marketing Manager")
		with self.set_user(planner):
			big = make_campaign("_Test Big Launch", budget=20000)
			with self.assertRaises(frappe.ValidationError):
				apply_workflow(big, "Start")
			apply_workflow(frappe.get_doc("Campaign", big.name), "Submit for Approval")
			with self.assertRaises(frappe.ValidationError):  # a Sales Manager cannot approve
				apply_workflow(frappe.get_doc("Campaign", big.name), "Approve")
		with self.set_user(approver):
			apply_workflow(frappe.get_doc("Campaign", big.name), "Approve")
		approved = frappe.db.get_value(
			"Campaign", big.name, ["crm_approved_by", "crm_approved_budget", "crm_approved_on"], as_dict=True
		)
		self.assertEqual((approved.crm_approved_by, approved.crm_approved_budget), (approver, 20000))
		self.assertIsNotNone(approved.crm_approved_on)
		with self.set_user(planner):
			apply_workflow(frappe.get_doc("Campaign", big.name), "Start")
		self.assertEqual(frappe.db.get_value("Campaign", big.name, "crm_status"), "Active")

	@change_settings("CRM Plus Settings", campaign_approval_threshold=5000)
	def test_small_campaign_starts_without_approval(self):
		small = make_campaign("_Test Small Mailing", budget=800)
		apply_workflow(small, "Start")
		self.assertEqual(frappe.db.get_value("Campaign", small.name, "crm_status"), "Active")


class TestCampaignCarryOver(FrappeTestCase):
	def test_lead_campaign_reaches_quotation_and_customer(self):
		from erpnext.crm.doctype.lead.lead import make_customer, make_quotation

		campaign = make_campaign("_Test Lead Campaign")
		lead = frappe.get_doc(
			{
				"doctype": "Lead",
				"lead_name": "Carry Over Lead",
				"company_name": "Carry Over Ltd",
				"campaign_name": campaign.name,
			}
		)
		lead.flags.ignore_crm_duplicate_warning = True
		lead.insert()
		quotation = make_quotation(lead.name)
		quotation.append("items", {"item_code": create_item_for_quote(), "qty": 1, "rate": 10})
		quotation.insert()
		self.assertEqual(quotation.campaign, campaign.name)
		customer = make_customer(lead.name)
		customer.customer_group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
		customer.territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
		customer.flags.ignore_crm_duplicate_warning = True
		customer.insert()
		self.assertEqual(customer.crm_first_campaign, campaign.name)

	@change_settings("CRM Plus Settings", fill_campaign_in_sales_documents=1)
	def test_active_campaign_fills_new_invoices(self):
		campaign = make_campaign("_Test Fill Campaign", budget=10)
		apply_workflow(campaign, "Start")
		customer = create_customer("_Test Fill Customer")
		frappe.get_doc(
			{
				"doctype": "Campaign Member",
				"campaign": campaign.name,
				"party_type": "Customer",
				"party": customer,
			}
		).insert()
		invoice = create_sales_invoice(customer, posting_date=DAY, submit=False)
		self.assertEqual(invoice.campaign, campaign.name)


def create_item_for_quote():
	from crm_plus.tests.utils import create_item

	return create_item()


class TestCampaignAccountingCost(FrappeTestCase):
	def test_expenses_tagged_with_the_campaign_are_its_cost(self):
		"""Campaign as an Accounting Dimension: a Journal Entry's expense tagged with the campaign
		counts as cost. (Creating the dimension alters ERPNext's tables, so it stays on the site.)"""
		offers.enable_campaign_dimension()
		self.assertTrue(frappe.db.has_column("GL Entry", "campaign"))
		company = get_company()
		campaign = make_campaign("_Test Booked Campaign")
		expense = frappe.db.get_value(
			"Account", {"company": company, "root_type": "Expense", "is_group": 0}, "name"
		)
		cash = frappe.db.get_value("Company", company, "default_cash_account")
		entry = frappe.get_doc(
			{
				"doctype": "Journal Entry",
				"company": company,
				"posting_date": getdate(today()),
				"accounts": [
					{
						"account": expense,
						"debit_in_account_currency": 750,
						"campaign": campaign.name,
						"cost_center": frappe.db.get_value("Company", company, "cost_center"),
					},
					{"account": cash, "credit_in_account_currency": 750},
				],
			}
		).insert()
		entry.submit()
		cost = campaign_figures.booked_costs([campaign.name])[campaign.name]
		self.assertEqual((cost["accounting"], cost["manual"]), ({company: Decimal(750)}, Decimal(0)))
		row = campaign_figures.figures_of([campaign.name])[campaign.name]["companies"][0]
		self.assertEqual((row["company"], row["cost_accounting"], row["cost"]), (company, 750, 750))
		entry.cancel()
		self.assertEqual(campaign_figures.booked_costs([campaign.name])[campaign.name]["accounting"], {})


class TestCallList(FrappeTestCase):
	"""Call lists through Frappe's assignment: ToDo, `_assign`, the caller's notification; members stay
	Targeted until a call is logged."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.callers = [
			create_user("crm-caller-one@example.com", "Sales User"),
			create_user("crm-caller-two@example.com", "Sales User"),
		]
		cls.customers = [create_customer(f"_Test Call Customer {n}") for n in range(3)]

	def setUp(self):
		# a campaign of its own per test: the class's tests share one transaction
		self.campaign = make_campaign(f"_Test Call Campaign {self._testMethodName}").name
		self.members = [add_member(self.campaign, customer) for customer in self.customers]

	def open_calls(self):
		return frappe.get_all(
			"ToDo",
			filters={
				"reference_type": "Campaign Member",
				"reference_name": ("in", self.members),
				"status": "Open",
			},
			fields=["reference_name", "allocated_to", "assigned_by", "name"],
		)

	def test_call_list_assigns_round_robin_through_frappe(self):
		self.assertEqual(outreach.make_call_list(self.campaign, self.callers), {"assigned": 3, "queued": 0})
		calls = {row.reference_name: row for row in self.open_calls()}
		ordered = sorted(self.members)
		self.assertEqual(
			[calls[m].allocated_to for m in ordered], [self.callers[0], self.callers[1], self.callers[0]]
		)
		for name in self.members:
			member = frappe.db.get_value(
				"Campaign Member", name, ["status", "_assign", "call_todo"], as_dict=True
			)
			self.assertEqual(member.status, "Targeted")  # nobody called yet
			self.assertEqual(json.loads(member._assign), [calls[name].allocated_to])
			self.assertEqual(member.call_todo, calls[name].name)
		notified = frappe.get_all(
			"Notification Log",
			filters={
				"type": "Assignment",
				"document_type": "Campaign Member",
				"document_name": ("in", self.members),
			},
			pluck="for_user",
		)
		self.assertEqual(sorted(notified), sorted([self.callers[0], self.callers[1], self.callers[0]]))
		# idempotent: a member with an open call is not assigned again; a new member is
		self.assertEqual(outreach.make_call_list(self.campaign, self.callers)["assigned"], 0)
		late = add_member(self.campaign, create_customer("_Test Call Customer Late"))
		self.assertEqual(outreach.make_call_list(self.campaign, self.callers[1:])["assigned"], 1)
		self.assertEqual(
			frappe.db.get_value("ToDo", {"reference_name": late}, "allocated_to"), self.callers[1]
		)

	def test_logging_a_call_contacts_the_member_and_closes_the_assignment(self):
		outreach.make_call_list(self.campaign, self.callers)
		called, replied, untouched = sorted(self.members)
		by_member = dict(
			frappe.get_all(
				"Campaign Member",
				filters={"campaign": self.campaign},
				fields=["name", "customer"],
				as_list=True,
			)
		)
		log_interaction(by_member[called], self.campaign, "Outbound", "Phone")
		log_interaction(by_member[replied], self.campaign, "Inbound", "Email")
		log_interaction(by_member[untouched], None, "Outbound", "Phone")  # not about the campaign
		status = dict(
			frappe.get_all(
				"Campaign Member",
				filters={"campaign": self.campaign},
				fields=["name", "status"],
				as_list=True,
			)
		)
		self.assertEqual(
			[status[called], status[replied], status[untouched]], ["Contacted", "Responded", "Targeted"]
		)
		self.assertEqual(
			frappe.db.get_value("Campaign Member", replied, ["response_channel", "response_date"]),
			("Email", getdate(today())),
		)
		self.assertEqual({row.reference_name for row in self.open_calls()}, {replied, untouched})
		self.assertIn(frappe.db.get_value("Campaign Member", called, "_assign"), (None, "", "[]"))

	def test_a_long_list_is_assigned_by_a_background_job(self):
		from unittest.mock import patch

		with (
			patch.object(outreach, "CALL_LIST_IN_REQUEST", 2),
			patch.object(frappe, "enqueue", wraps=frappe.enqueue) as enqueue,
		):
			self.assertEqual(
				outreach.make_call_list(self.campaign, self.callers), {"assigned": 0, "queued": 3}
			)
		job = next(
			c
			for c in enqueue.call_args_list
			if c.args[0] == "crm_plus.services.campaigns.outreach.assign_calls"
		)
		self.assertEqual((job.kwargs["queue"], job.kwargs["campaign_name"]), ("long", self.campaign))
		self.assertEqual(len(self.open_calls()), 3)  # the job ran in the test (now=True)


def add_member(campaign, customer):
	doc = frappe.get_doc(
		{"doctype": "Campaign Member", "campaign": campaign, "party_type": "Customer", "party": customer}
	)
	return doc.insert().name


def log_interaction(customer, campaign, direction, channel):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"party_type": "Customer",
			"party": customer,
			"subject": "Campaign call",
			"campaign": campaign,
			"direction": direction,
			"channel": channel,
			"interaction_at": now_datetime(),
		}
	).insert()


WORLD_DAY = add_days(today(), -40)  # the test world's exchange rates are for this day and today


def build_world_campaign(cls):
	"""Campaign W of the test world's US company (USD, a cost line of 100 USD) selling in both of its
	companies (shared with the Campaign ROI report and the goal tests):
	- Gamma: 10 x 100 GBP at 1.10 on the company's USD receivable, 500 USD paid: 1,100 USD billed,
	  600 outstanding (ERPNext keeps its outstanding_amount in USD: times the rate would be 660);
	- Beta: 10 x 100 GBP at 1.10 on a GBP receivable, unpaid: 1,100 USD billed and outstanding;
	- Delta: 10 x 50 EUR in the EU company, unpaid: 500 EUR;
	- Gamma, a member touched by W, also bought 100 USD on an invoice with no campaign (attributed).
	US company: revenue 2,200 + 100 attributed, paid 500, outstanding 1,700 (USD); EU: 500 (EUR)."""
	from crm_plus.tests import world

	world.build()
	cls.us, cls.eu = world.US, world.EU
	gamma = create_customer("_Test Campaign World Gamma")
	beta = create_customer("_Test Campaign World Beta")
	world._eur_receivable_for(beta)
	delta = create_customer("_Test Campaign World Delta")
	cls.w = make_campaign(
		"_Test World Campaign",
		budget=100,
		crm_company=world.US,
		crm_start_date=add_days(WORLD_DAY, -30),
		crm_end_date=add_days(today(), 30),
		crm_costs=[{"date": WORLD_DAY, "description": "Ads", "amount": 100}],
	).name
	add_member(cls.w, gamma)
	touch_at = f"{add_days(WORLD_DAY, -5)} 10:00:00"
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"party_type": "Customer",
			"party": gamma,
			"subject": "World campaign call",
			"campaign": cls.w,
			"direction": "Outbound",
			"channel": "Phone",
			"interaction_at": touch_at,
		}
	).insert()
	paid = world_invoice(gamma, world.US, 100, cls.w, world.FOREIGN, world.FOREIGN_RATE)
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry("Sales Invoice", paid.name, party_amount=500)
	payment.posting_date = WORLD_DAY
	payment.reference_no = f"TEST-{paid.name}"
	payment.reference_date = WORLD_DAY
	payment.insert()
	payment.submit()
	# in the currency of Beta's own receivable account (the world made it once)
	beta_currency = frappe.db.get_value("Customer", beta, "default_currency") or world.FOREIGN
	world_invoice(beta, world.US, 100, cls.w, beta_currency, world.FOREIGN_RATE)
	world_invoice(delta, world.EU, 50, cls.w)
	world_invoice(gamma, world.US, 100, None, qty=1)  # untagged: attributed to W by Gamma's touch


def world_invoice(customer, company, rate, campaign, currency=None, conversion_rate=1.0, qty=10):
	cost_center = frappe.get_cached_value("Company", company, "cost_center")
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"campaign": campaign,
			"currency": currency or frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": conversion_rate,
			"posting_date": WORLD_DAY,
			"set_posting_time": 1,
			"due_date": add_days(WORLD_DAY, 30),
			"cost_center": cost_center,
			"items": [
				{
					"item_code": create_item("_Test World Item", rate=rate, valuation_rate=rate / 2),
					"qty": qty,
					"rate": rate,
					"cost_center": cost_center,
				}
			],
		}
	)
	doc.insert()
	doc.submit()
	return doc


class TestCampaignFiguresPerCompany(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		build_world_campaign(cls)

	@change_settings("CRM Plus Settings", roi_basis="Revenue", attribution_window_days=90)
	def test_each_company_in_its_own_currency(self):
		figures = campaign_figures.get_figures(self.w, model=LAST_TOUCH)
		self.assertEqual((figures["company"], figures["currency"], figures["budget"]), (self.us, "USD", 100))
		us, eu = figures["companies"]
		self.assertEqual((us["company"], us["currency"]), (self.us, "USD"))
		self.assertEqual((eu["company"], eu["currency"]), (self.eu, "EUR"))
		money = ("revenue", "billed", "paid", "outstanding", "attributed_revenue", "cost", "roi_value")
		self.assertEqual(
			{k: us[k] for k in money},
			{
				"revenue": Decimal("2200.00"),
				"billed": Decimal("2200.00"),
				"paid": Decimal("500.00"),  # not 440: the USD outstanding is not converted again
				"outstanding": Decimal("1700.00"),
				"attributed_revenue": Decimal("100.00"),
				"cost": Decimal("100"),
				"roi_value": Decimal("2300.00"),
			},
		)
		self.assertEqual(us["roi"], Decimal("22.0000"))
		self.assertEqual(
			{k: eu[k] for k in money},
			{
				"revenue": Decimal("500.00"),
				"billed": Decimal("500.00"),
				"paid": Decimal("0.00"),
				"outstanding": Decimal("500.00"),
				"attributed_revenue": Decimal("0"),
				"cost": Decimal("0"),
				"roi_value": Decimal("500.00"),
			},
		)
		self.assertIsNone(eu["roi"])  # no cost in the EU company

	def test_the_form_counts_only_the_members_a_restricted_rep_may_read(self):
		"""A rep restricted to the territory North sees none of the campaign's members (Gamma is not in
		North), as in the member list, and no figures (a Sales User reads no invoices)."""
		from crm_plus.tests import world

		self.assertEqual(campaign_figures.form_figures(self.w)["members"]["targeted"], 1)
		frappe.set_user(world.REP_NORTH)
		try:
			form = campaign_figures.form_figures(self.w)
			listed = frappe.get_list("Campaign Member", filters={"campaign": self.w}, pluck="name")
		finally:
			frappe.set_user("Administrator")
		self.assertEqual((form["members"]["targeted"], len(listed)), (0, 0))
		self.assertEqual(form["responses"], [])
		self.assertFalse(form["figures_available"])

	def test_the_number_of_queries_does_not_grow_with_the_campaigns(self):
		from unittest.mock import patch

		others = [make_campaign(f"_Test Idle Campaign {n}").name for n in range(4)]

		def count(names):
			with patch.object(frappe.db, "sql", wraps=frappe.db.sql) as sql:
				campaign_figures.figures_of(names, model=LINEAR)
			return sql.call_count

		self.assertEqual(count([self.w]), count([self.w, *others]))
