"""Demo data through ERPNext's own documents: `bench --site SITE crm-plus-demo`.

Customers in several groups and territories, items, and two years of submitted quotations, sales
orders, invoices, payments and some credit notes, with a realistic skew (a few customers carry most
of the revenue; some stop buying), then the interactions around them; then scores every customer and opens retention plans. Deterministic for a seed and a
day, and safe to run twice: each customer's history is made in one transaction, and customers that
already exist are left as they are.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time

import frappe
from frappe.utils import add_days, getdate, now_datetime, today
from frappe.utils.nestedset import get_root_of

from crm_plus.constants import (
	ACCOUNTS_USER,
	CRM_MANAGER,
	CS_AGENT,
	CS_MANAGER,
	MARKETING_MANAGER,
	SALES_MANAGER,
	SALES_USER,
)
from crm_plus.domain import sla

DEMO_COMPANY = "CRM Plus Demo"
DEMO_PASSWORD = "crm-plus-demo"
# One Desk user per role of docs/roles.md (the browser suite signs in as each), plus a portal customer.
DEMO_USERS = {
	"demo.sales@example.com": ("Sam", [SALES_USER, SALES_MANAGER]),
	"demo.rep@example.com": ("Rita", [SALES_USER]),
	"demo.service@example.com": ("Sasha", [CS_AGENT]),
	"demo.support.lead@example.com": ("Sean", [CS_MANAGER]),
	"demo.marketing@example.com": ("Mila", [MARKETING_MANAGER]),
	"demo.manager@example.com": ("Maria", [CRM_MANAGER, CS_MANAGER, MARKETING_MANAGER]),
	"demo.billing@example.com": ("Bill", [ACCOUNTS_USER]),
}
# The rep works one territory only: a User Permission restricts every customer list, report and 360.
DEMO_REP_TERRITORY = ("demo.rep@example.com", "North America")
# A customer's own contact, signed in on the portal (/complaints).
DEMO_PORTAL_USER = ("demo.portal@example.com", "Pat", "Acme Industrial")
TERRITORIES = ("North America", "Europe", "Asia Pacific")
GROUPS = ("Commercial", "Government", "Non Profit", "Individual")
ITEMS = (
	("DEMO-SUPPORT", "Support Plan", 1200),
	("DEMO-LICENSE", "Software License", 450),
	("DEMO-TRAINING", "Training Day", 900),
	("DEMO-CONSULT", "Consulting Hour", 150),
	("DEMO-HARDWARE", "Gateway Appliance", 2400),
)
CUSTOMER_NAMES = (
	"Acme Industrial",
	"Blue Harbor Logistics",
	"Cedar Health Partners",
	"Delta Foods",
	"Evergreen Schools",
	"Fjord Shipping",
	"Granite Builders",
	"Helios Energy",
	"Iris Boutique",
	"Juniper Legal",
	"Kestrel Aviation",
	"Lumen Labs",
	"Maple Dental",
	"Nimbus Cloud",
	"Orchid Hotels",
	"Pioneer Farms",
	"Quartz Media",
	"Riverbend Council",
	"Summit Outdoor",
	"Tidewater Marine",
	"Umber Studio",
	"Vantage Retail",
	"Willow Care Homes",
	"Xenon Motors",
	"Yarrow Foundation",
	"Zephyr Travel",
	"Atlas Printing",
	"Beacon Insurance",
	"Copperleaf Cafe",
	"Driftwood Furniture",
)
# customers won in the last two months: the "New" segment
NEW_CUSTOMER_NAMES = ("Elm Street Bakery", "Foxglove Analytics", "Garnet Logistics")
CHANNELS = ("Phone", "Email", "Meeting", "Visit", "Chat", "Web")
TOUCHPOINTS = ("Sales", "Billing", "Collections", "After-sales Service", "Marketing", "Support")
# The texts of the generated documents (other languages: LOCALISED below).
TEXTS = {
	"interaction": "{touchpoint} {channel} with {customer}",
	"notes": "Demo interaction.",
	"reply": "{campaign}: reply from {customer}",
	"complaint": "{subject}. Demo complaint.",
	"ads": "Ads",
	"agency": "Agency fee",
	"last_name": "Demo",
}
LANGUAGES = ("en", "zh", "lt")
LANGUAGE = "en"  # the language of the run in progress (set by _speaking)
SEED_NAMES: dict[str, str] = {}  # a localised customer name -> the English one its figures come from


def _say(text: str) -> str:
	"""A value ERPNext and crm_plus translate (a channel, a touchpoint) in the demo's language."""
	return text if LANGUAGE == "en" else frappe._(text, lang=LANGUAGE)


@dataclass
class CustomerPlan:
	name: str
	group: str
	territory: str
	weight: float
	stops_on: date | None  # churned customers buy nothing after this day
	slow_payer: bool
	purchases: list[date] = field(default_factory=list)


def make(seed: int = 42, customers: int = 30, as_of: str | None = None, language: str = "en") -> dict:
	"""Fill the site; returns what was created. Safe to run again (existing customers are skipped).
	`language` ("zh", "lt"): the company, customers, items, subjects and notes in that language, and the
	demo users set to it; the same figures as the English demo of that seed."""
	if language not in LANGUAGES:
		raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
	with _speaking(language):
		reader = frappe.local.lang
		frappe.local.lang = language  # what the run writes for people (scored reasons) in the demo's language
		try:
			created = _make(seed, customers, as_of)
		finally:
			frappe.local.lang = reader
		if language != "en":
			set_demo_language(language)
			if frappe.db.count("Company") == 1:  # the demo made this site: the site speaks its language
				frappe.db.set_single_value("System Settings", "language", language)
			frappe.db.commit()  # nosemgrep: the demo's last step
		return created


def _make(seed: int, customers: int, as_of: str | None) -> dict:
	as_of = getdate(as_of or today())
	rng = random.Random(seed)
	company = ensure_company()
	ensure_fiscal_years(company, add_days(as_of, -800), as_of)
	ensure_masters()
	ensure_users()
	frappe.db.commit()  # nosemgrep: masters first, then one transaction per customer

	created = {"customers": 0, "invoices": 0, "interactions": 0}
	for plan in plan_customers(rng, min(customers, len(CUSTOMER_NAMES)), as_of):
		if frappe.db.exists("Customer", plan.name):
			continue
		try:
			seed_name = SEED_NAMES.get(plan.name, plan.name)  # a language keeps the English demo's figures
			counts = make_customer_history(plan, company, as_of, random.Random(f"{seed}:{seed_name}"))
			frappe.db.commit()  # nosemgrep
		except Exception:
			frappe.db.rollback()
			raise
		created["customers"] += 1
		created["invoices"] += counts["invoices"]
		created["interactions"] += counts["interactions"]
		print(f"  {plan.name}: {counts['invoices']} invoices, {counts['interactions']} interactions")
	ensure_portal_user()
	score_and_plan(as_of)
	created["campaigns"] = make_campaigns(company, as_of, random.Random(f"{seed}:campaigns"))
	created["complaints"] = make_complaints(company, as_of, random.Random(f"{seed}:complaints"))
	created["goals"] = make_goals(company, as_of)
	return created


def score_and_plan(as_of):
	"""Score every customer and open the retention plans the scores call for, as the daily jobs do."""
	from crm_plus.services import retention
	from crm_plus.services.scoring import pipeline

	result = pipeline.score_all(as_of=as_of, publish=False)
	plans = retention.update_plans(as_of=as_of)
	frappe.db.commit()  # nosemgrep
	print(f"  scored {result['scored']} customers; retention plans: {plans}")


def plan_customers(rng: random.Random, count: int, as_of: date) -> list[CustomerPlan]:
	"""Pareto-like weights (1/rank^1.3): the top fifth carry most revenue; about a fifth stop buying."""
	plans = []
	start = add_days(as_of, -730)
	for rank, name in enumerate(CUSTOMER_NAMES[:count], start=1):
		churned = rank > 3 and rng.random() < 0.2
		plan = CustomerPlan(
			name=name,
			group=GROUPS[rng.randrange(len(GROUPS))],
			territory=TERRITORIES[rng.randrange(len(TERRITORIES))],
			weight=1 / rank**1.3,
			stops_on=add_days(as_of, -rng.randint(150, 400)) if churned else None,
			slow_payer=rng.random() < 0.15,
		)
		orders = max(2, round(24 * plan.weight**0.5))
		last_day = plan.stops_on or as_of
		span = (getdate(last_day) - getdate(start)).days
		plan.purchases = sorted(add_days(start, rng.randint(0, span)) for _ in range(orders))
		plans.append(plan)
	for name in NEW_CUSTOMER_NAMES:
		plan = CustomerPlan(
			name=name,
			group=GROUPS[rng.randrange(len(GROUPS))],
			territory=TERRITORIES[rng.randrange(len(TERRITORIES))],
			weight=0.05,
			stops_on=None,
			slow_payer=False,
		)
		plan.purchases = sorted(add_days(as_of, -rng.randint(5, 60)) for _ in range(rng.randint(1, 2)))
		plans.append(plan)
	return plans


def make_customer_history(plan: CustomerPlan, company: str, as_of: date, rng: random.Random) -> dict:
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	# the mapper behind make_sales_order: these quotations were valid on their own (past) dates
	from erpnext.selling.doctype.quotation.quotation import _make_sales_order
	from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice

	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": plan.name,
			"customer_group": plan.group
			if frappe.db.exists("Customer Group", plan.group)
			else get_root_of("Customer Group"),
			"territory": plan.territory,
			"customer_type": "Individual" if plan.group == "Individual" else "Company",
			"account_manager": "demo.sales@example.com",
		}
	)
	customer.flags.ignore_crm_duplicate_warning = True
	customer.insert(ignore_permissions=True)
	invoices = []
	for day in plan.purchases:
		day = getdate(day)
		items = _basket(plan, rng)
		if rng.random() < 0.5:
			quotation = _submit(
				{
					"doctype": "Quotation",
					"quotation_to": "Customer",
					"party_name": customer.name,
					"company": company,
					"transaction_date": add_days(day, -7),
					"valid_till": add_days(day, 23),
					"items": items,
				}
			)
			order = _make_sales_order(quotation.name, ignore_permissions=True)
			order.transaction_date = day
		else:
			order = frappe.get_doc(
				{
					"doctype": "Sales Order",
					"customer": customer.name,
					"company": company,
					"transaction_date": day,
					"items": items,
				}
			)
		order.delivery_date = add_days(day, 7)
		order.payment_schedule = []  # recomputed from the order's own date
		for row in order.items:
			row.delivery_date = order.delivery_date
		order.insert(ignore_permissions=True)
		order.submit()

		invoice = make_sales_invoice(order.name)
		invoice.set_posting_time = 1
		invoice.posting_date = add_days(day, 2)
		invoice.due_date = add_days(day, 32)
		invoice.payment_schedule = []
		invoice.insert(ignore_permissions=True)
		invoice.submit()
		invoices.append(invoice)

		paid_after = rng.randint(5, 60 if plan.slow_payer else 25)
		if getdate(add_days(invoice.posting_date, paid_after)) < as_of and not (
			plan.slow_payer and rng.random() < 0.5
		):
			payment = get_payment_entry("Sales Invoice", invoice.name)
			payment.posting_date = add_days(invoice.posting_date, paid_after)
			payment.reference_no = f"DEMO-{invoice.name}"
			payment.reference_date = payment.posting_date
			payment.insert(ignore_permissions=True)
			payment.submit()

		if rng.random() < 0.07:
			credit = make_sales_return(invoice.name)
			credit.set_posting_time = 1
			credit.posting_date = min(getdate(add_days(invoice.posting_date, 12)), as_of)
			for row in credit.items:
				row.qty = max(row.qty, -1)  # one unit back
			credit.insert(ignore_permissions=True)
			credit.submit()
	interactions = make_interactions(customer.name, plan, as_of, rng)
	return {"invoices": len(invoices), "interactions": interactions}


def _basket(plan, rng):
	count = 1 + (rng.random() < plan.weight * 3) + (rng.random() < 0.3)
	chosen = rng.sample(ITEMS, k=min(count, len(ITEMS)))
	scale = 1 + round(plan.weight * 6)
	return [
		{"item_code": code, "qty": rng.randint(1, 3) * scale, "rate": rate} for code, _name, rate in chosen
	]


def _submit(values):
	doc = frappe.get_doc(values)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def make_interactions(customer: str, plan: CustomerPlan, as_of: date, rng: random.Random) -> int:
	users = list(DEMO_USERS)
	count = 3 + int(rng.random() * 5)
	start = add_days(as_of, -700)
	for i in range(count):
		day = getdate(add_days(start, rng.randint(0, 700)))
		touchpoint = TOUCHPOINTS[rng.randrange(len(TOUCHPOINTS))]
		sentiment = rng.choices(
			("Positive", "Neutral", "Negative"), weights=(4, 5, 2 + 4 * bool(plan.stops_on))
		)[0]
		values = {
			"doctype": "Customer Interaction",
			"party_type": "Customer",
			"party": customer,
			"subject": TEXTS["interaction"].format(
				touchpoint=_say(touchpoint),
				channel=_say(CHANNELS[i % len(CHANNELS)]).lower(),
				customer=plan.name,
			),
			"channel": CHANNELS[rng.randrange(len(CHANNELS))],
			"direction": rng.choice(("Inbound", "Outbound")),
			"touchpoint": touchpoint,
			"sale_stage": rng.choice(("Pre-sale", "Sale", "Post-sale")),
			"interaction_type": rng.choice(("Inquiry", "Follow-up", "Care", "Feedback", "Negotiation")),
			"sentiment": sentiment,
			"interaction_at": _past(
				datetime.combine(day, time(9 + rng.randint(0, 8), rng.choice((0, 15, 30, 45))))
			),
			"duration": rng.randint(5, 60) * 60,
			"user": users[rng.randrange(len(users))],
			"notes": TEXTS["notes"],
		}
		if i == count - 1 and rng.random() < 0.6:
			# the latest contact often leaves a follow-up: some due soon, some already overdue
			values["interaction_at"] = datetime.combine(add_days(as_of, -rng.randint(1, 20)), time(11))
			values["next_follow_up_on"] = add_days(as_of, rng.randint(-10, 10))
			values["follow_up_by"] = values["user"]
		frappe.get_doc(values).insert(ignore_permissions=True)
	return count


# ------------------------------------------------------------------------- masters


def ensure_company() -> str:
	"""The site's default company; on a fresh site, complete ERPNext's setup wizard with a demo one."""
	company = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	if company and LANGUAGE != "en":
		return ensure_language_company(company)
	if company:
		return company
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	year = getdate(today()).year
	setup_complete(
		{
			"currency": "USD",
			"full_name": "CRM Plus Demo",
			"company_name": DEMO_COMPANY,
			"timezone": "America/New_York",
			"company_abbr": "CPD",
			"industry": "Services",
			"country": "United States",
			"fy_start_date": f"{year}-01-01",
			"fy_end_date": f"{year}-12-31",
			"language": "english",
			"company_tagline": "Demo",
			"email": "demo.admin@example.com",
			"password": DEMO_PASSWORD,
			"chart_of_accounts": "Standard",
		}
	)
	return frappe.db.get_value("Company", {}, "name")


def ensure_language_company(model: str) -> str:
	"""The demo company named in the run's language, beside the site's own (same currency and country,
	so price lists and exchange rates hold): a Chinese or Lithuanian team's figures are its own."""
	if frappe.db.exists("Company", DEMO_COMPANY):
		return DEMO_COMPANY
	currency, country = frappe.db.get_value("Company", model, ["default_currency", "country"])
	frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": DEMO_COMPANY,
			"abbr": f"CPD-{LANGUAGE.upper()}",
			"default_currency": currency,
			"country": country,
			"chart_of_accounts": "Standard",
		}
	).insert(ignore_permissions=True)
	return DEMO_COMPANY


def ensure_fiscal_years(company: str, from_date, to_date):
	"""Calendar fiscal years covering the demo's past dates (the setup wizard makes only this year)."""
	for year in range(getdate(from_date).year, getdate(to_date).year + 1):
		start, end = date(year, 1, 1), date(year, 12, 31)
		covered = frappe.db.exists(
			"Fiscal Year", {"year_start_date": ("<=", start), "year_end_date": (">=", end), "disabled": 0}
		)
		if covered or frappe.db.exists("Fiscal Year", str(year)):
			continue
		overlapping = frappe.db.exists(
			"Fiscal Year", {"year_start_date": ("<=", end), "year_end_date": (">=", start)}
		)
		if overlapping:
			continue  # a non-calendar fiscal year exists: leave the site's own years alone
		frappe.get_doc(
			{"doctype": "Fiscal Year", "year": str(year), "year_start_date": start, "year_end_date": end}
		).insert(ignore_permissions=True)


def ensure_masters():
	root_territory = get_root_of("Territory")
	for territory in TERRITORIES:
		if not frappe.db.exists("Territory", territory):
			frappe.get_doc(
				{"doctype": "Territory", "territory_name": territory, "parent_territory": root_territory}
			).insert(ignore_permissions=True)
	root_group = get_root_of("Customer Group")
	for group in GROUPS:
		if not frappe.db.exists("Customer Group", group):
			frappe.get_doc(
				{
					"doctype": "Customer Group",
					"customer_group_name": group,
					"parent_customer_group": root_group,
				}
			).insert(ignore_permissions=True)
	item_group = "Services" if frappe.db.exists("Item Group", "Services") else get_root_of("Item Group")
	for code, name, rate in ITEMS:
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": name,
					"item_group": item_group,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"include_item_in_manufacturing": 0,
					"standard_rate": rate,
				}
			).insert(ignore_permissions=True)


def ensure_users():
	for email, (first_name, roles) in DEMO_USERS.items():
		if frappe.db.exists("User", email):
			continue
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"last_name": TEXTS["last_name"],
				"send_welcome_email": 0,
				"new_password": DEMO_PASSWORD,
			}
		)
		user.flags.ignore_password_policy = True
		user.insert(ignore_permissions=True)
		user.add_roles(*roles)
	rep, territory = DEMO_REP_TERRITORY
	if not frappe.db.exists("User Permission", {"user": rep, "allow": "Territory", "for_value": territory}):
		frappe.get_doc(
			{"doctype": "User Permission", "user": rep, "allow": "Territory", "for_value": territory}
		).insert(ignore_permissions=True)


def ensure_portal_user():
	"""A website user whose contact links to a demo customer: the portal's customer."""
	email, first_name, customer = DEMO_PORTAL_USER
	if not frappe.db.exists("Customer", customer):
		return
	if not frappe.db.exists("User", email):
		_make_portal_user(email, first_name, customer)
	# ERPNext's portal finds a website user's customers through the Customer's Portal Users table
	doc = frappe.get_doc("Customer", customer)
	if not any(row.user == email for row in doc.portal_users):
		doc.append("portal_users", {"user": email})
		doc.save(ignore_permissions=True)


def _make_portal_user(email: str, first_name: str, customer: str):
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first_name,
			"last_name": TEXTS["last_name"],
			"user_type": "Website User",
			"send_welcome_email": 0,
			"new_password": DEMO_PASSWORD,
		}
	)
	user.flags.ignore_password_policy = True
	user.insert(ignore_permissions=True)
	user.add_roles("Customer")
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"last_name": TEXTS["last_name"],
			"user": email,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	)
	contact.insert(ignore_permissions=True)


# ------------------------------------------------------------------------- campaigns

CAMPAIGNS = (
	# name, type, status, budget, start (days ago), length (days), segment criteria
	("Spring Upsell", "Email", "Completed", 3000, 300, 60, {"crm_target_customer_group": "Commercial"}),
	("Win-back", "Telemarketing", "Active", 8000, 20, 90, {"crm_target_risk_band": "Medium"}),
	("Trade Show", "Event", "Pending Approval", 12000, -30, 3, {"crm_target_value_segment": "Champions"}),
)


def make_campaigns(company: str, as_of, rng: random.Random) -> int:
	"""Campaigns in several states with members from their segment, tagged interactions, tagged
	orders and cost lines, so Campaign ROI and the funnel have something to show."""
	from frappe.model.workflow import apply_workflow

	from crm_plus.services.campaigns import members as campaign_members
	from crm_plus.services.campaigns import offers
	from crm_plus.services.campaigns import segments as campaign_segments

	made = 0
	for name, kind, status, budget, days_ago, length, criteria in CAMPAIGNS:
		if frappe.db.exists("Campaign", name):
			continue
		start = add_days(as_of, -days_ago)
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": name,
				"crm_campaign_type": kind,
				"crm_objective": f"{name}: more orders from the target segment",
				"crm_owner": "demo.manager@example.com",
				"crm_company": company,
				"crm_start_date": start,
				"crm_end_date": add_days(start, length),
				"crm_budget": budget,
				"crm_expected_revenue": budget * 4,
				"crm_costs": [
					{
						"date": start,
						"cost_type": "Media",
						"description": TEXTS["ads"],
						"amount": budget * 0.6,
					},
					{
						"date": start,
						"cost_type": "Agency",
						"description": TEXTS["agency"],
						"amount": budget * 0.2,
					},
				],
				**criteria,
			}
		).insert(ignore_permissions=True)
		campaign_segments.add_segment_members(campaign.name)
		members = frappe.get_all(
			"Campaign Member", filters={"campaign": campaign.name}, pluck="customer", order_by="customer"
		)
		if status != "Pending Approval":
			for customer in members[: max(1, len(members) // 2)]:
				_campaign_touch(
					customer, campaign.name, add_days(start, rng.randint(1, max(1, length - 5))), rng
				)
			for customer in members[: max(1, len(members) // 3)]:
				_campaign_order(
					customer,
					campaign.name,
					company,
					getdate(add_days(start, rng.randint(3, length))),
					as_of,
					rng,
				)
			campaign_members.update_responses(campaign.name)
		for action in {
			"Completed": ("Start", "Complete"),
			"Active": ("Submit for Approval", "Approve", "Start"),
			"Pending Approval": ("Submit for Approval",),
		}[status]:
			apply_workflow(frappe.get_doc("Campaign", campaign.name), action)
		if status == "Active":
			offers.create_offer(campaign.name, 10, coupon_code=f"WINBACK{as_of.year}")
		frappe.db.commit()  # nosemgrep
		made += 1
		print(f"  campaign {name}: {len(members)} members, {status}")
	return made


def _campaign_touch(customer, campaign, day, rng):
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"party_type": "Customer",
			"party": customer,
			"campaign": campaign,
			"subject": TEXTS["reply"].format(campaign=campaign, customer=customer),
			"channel": rng.choice(("Email", "Phone")),
			"direction": "Inbound",
			"touchpoint": "Marketing",
			"sale_stage": "Pre-sale",
			"interaction_type": "Inquiry",
			"sentiment": "Positive",
			"interaction_at": _past(datetime.combine(getdate(day), time(10))),
			"user": "demo.sales@example.com",
		}
	).insert(ignore_permissions=True)


def _campaign_order(customer, campaign, company, day, as_of, rng):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	day = min(day, getdate(as_of))
	code, _name, rate = ITEMS[rng.randrange(len(ITEMS))]
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"campaign": campaign,
			"set_posting_time": 1,
			"posting_date": day,
			"due_date": add_days(day, 30),
			"items": [{"item_code": code, "qty": rng.randint(1, 4), "rate": rate}],
		}
	).insert(ignore_permissions=True)
	invoice.submit()
	if getdate(add_days(day, 10)) < getdate(as_of):
		payment = get_payment_entry("Sales Invoice", invoice.name)
		payment.posting_date = add_days(day, 10)
		payment.reference_no = f"DEMO-{invoice.name}"
		payment.reference_date = payment.posting_date
		payment.insert(ignore_permissions=True)
		payment.submit()


# ------------------------------------------------------------------------- complaints

DEMO_SLA = "Complaints Standard"
# the workflow actions that bring a complaint to each state, from New
COMPLAINT_PATHS = (
	("New", ()),
	("Acknowledged", ("Acknowledge",)),
	("Investigating", ("Acknowledge", "Start Investigation")),
	("Awaiting Customer", ("Acknowledge", "Request Customer Info")),
	("Escalated", ("Acknowledge", "Escalate")),
	("Resolved", ("Resolve on First Contact",)),
	("Closed", ("Acknowledge", "Start Investigation", "Resolve", "Close")),
	("Reopened", ("Acknowledge", "Start Investigation", "Resolve", "Reopen")),
)
COMPLAINT_SUBJECTS = (
	("Parcel arrived damaged", "Delivery", "Shipping Damage"),
	("Invoice charged twice", "Invoice", "Billing Error"),
	("Wrong item delivered", "Delivery", "Wrong Item"),
	("Device stopped working", "Product", "Product Defect"),
	("Technician did not show up", "Service", "Service Failure"),
	("Price differs from the quotation", "Invoice", "Pricing"),
	("Delivery a week late", "Delivery", "Late Delivery"),
	("No answer to my emails", "Service", "Communication"),
)


def ensure_complaint_sla(as_of):
	"""ERPNext's Service Level Agreement for complaints: Monday to Friday 09:00-17:00, holidays."""
	frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
	for priority in ("Low", "Medium", "High"):
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	holidays = "CRM Plus Demo Holidays"
	if not frappe.db.exists("Holiday List", holidays):
		year = getdate(as_of).year
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": holidays,
				"from_date": f"{year - 1}-01-01",
				"to_date": f"{year + 1}-12-31",
				"holidays": [
					{"description": "New Year", "holiday_date": f"{y}-01-01"}
					for y in (year - 1, year, year + 1)
				]
				+ [
					{"description": "Christmas", "holiday_date": f"{y}-12-25"}
					for y in (year - 1, year, year + 1)
				],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists(
		"Service Level Agreement", {"service_level": DEMO_SLA, "document_type": "Customer Complaint"}
	):
		frappe.get_doc(
			{
				"doctype": "Service Level Agreement",
				"service_level": DEMO_SLA,
				"document_type": "Customer Complaint",
				"enabled": 1,
				"default_service_level_agreement": 1,
				"default_priority": "Medium",
				"holiday_list": holidays,
				"apply_sla_for_resolution": 1,
				"priorities": [
					{"priority": "High", "response_time": 2 * 3600, "resolution_time": 16 * 3600},
					{
						"priority": "Medium",
						"response_time": 8 * 3600,
						"resolution_time": 40 * 3600,
						"default_priority": 1,
					},
					{"priority": "Low", "response_time": 16 * 3600, "resolution_time": 80 * 3600},
				],
				"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
				"pause_sla_on": [{"status": "Awaiting Customer"}],
				"support_and_resolution": [
					{"workday": day, "start_time": "09:00:00", "end_time": "17:00:00"}
					for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
				],
			}
		).insert(ignore_permissions=True)


def make_complaints(company: str, as_of, rng: random.Random) -> int:
	"""Complaints in every workflow state, about the customers' real invoices."""
	from frappe.model.workflow import apply_workflow

	if frappe.db.exists("Customer Complaint", {"subject": COMPLAINT_SUBJECTS[0][0]}):
		return 0
	ensure_complaint_sla(as_of)
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"company": company, "docstatus": 1, "is_return": 0},
		fields=["name", "customer", "posting_date"],
		order_by="posting_date desc",
		limit=40,
	)
	made = 0
	for i, (state, actions) in enumerate(COMPLAINT_PATHS):
		invoice = invoices[(i * 3) % len(invoices)]
		subject, category, cause = COMPLAINT_SUBJECTS[i % len(COMPLAINT_SUBJECTS)]
		item = frappe.db.get_value("Sales Invoice Item", {"parent": invoice.name}, "item_code")
		doc = frappe.get_doc(
			{
				"doctype": "Customer Complaint",
				"subject": subject,
				"customer": invoice.customer,
				"category": category,
				"severity": rng.choice(("Minor", "Major")),
				"priority": rng.choice(("Medium", "High")),
				"channel": rng.choice(("Phone", "Email", "Portal", "Desk")),
				"sales_invoice": invoice.name,
				"items": [{"item_code": item, "qty": 1, "issue": subject}],
				"assigned_to": "demo.service@example.com",
				"description": TEXTS["complaint"].format(subject=subject),
				"root_cause_category": cause
				if state in (sla.RESOLVED, sla.CLOSED, sla.REOPENED, sla.INVESTIGATING)
				else None,
				"resolution_type": "Explanation" if state in (sla.RESOLVED, sla.REOPENED) else "Credit Note",
			}
		)
		doc.service_level_agreement_creation = datetime.combine(
			getdate(add_days(as_of, -rng.randint(0, 6))), time(10)
		)
		doc.insert(ignore_permissions=True)
		for action in actions:
			apply_workflow(frappe.get_doc("Customer Complaint", doc.name), action)
		if state == "Closed":
			from crm_plus.services.complaints import remedies

			remedies.make_credit_note(doc.name, amount=50)
			frappe.db.set_value(
				"Customer Complaint", doc.name, {"satisfaction": 4, "satisfaction_on": now_datetime()}
			)
		if state == "Resolved":
			frappe.db.set_value(
				"Customer Complaint", doc.name, {"satisfaction": 2, "satisfaction_on": now_datetime()}
			)
		made += 1
	frappe.db.commit()  # nosemgrep
	print(f"  complaints: {made}, one in every state")
	return made


# ------------------------------------------------------------------------- goals

DEMO_GOALS = (
	("Keep our customers", "retention_rate", 60),
	("Fewer customers lost", "churn_rate", 30),
	("Customers buy again", "repurchase_rate", 50),
	("Happy after a complaint", "average_satisfaction", 4),
	("Complaints resolved in time", "sla_compliance", 90),
	("Campaigns pay back", "campaign_roi", 100),
	("Stay in touch", "interactions_per_active_customer", 3),
)


def make_goals(company: str, as_of) -> int:
	"""This half-year's CRM plan, measured now (the daily job keeps measuring it); energy points are
	switched on so the shipped rules reward the demo team."""
	from crm_plus.services import goals

	frappe.db.set_single_value("Energy Point Settings", "enabled", 1)
	start = (
		getdate(as_of).replace(day=1) if getdate(as_of).month in (1, 7) else getdate(add_days(as_of, -150))
	)
	made = 0
	for title, metric, target in DEMO_GOALS:
		if frappe.db.exists("CRM Goal", {"goal_name": title, "company": company}):
			continue
		goal = frappe.get_doc(
			{
				"doctype": "CRM Goal",
				"goal_name": title,
				"metric": metric,
				"company": company,
				"goal_owner": "demo.manager@example.com",
				"period_start": start,
				"period_end": add_days(start, 182),
				"target": target,
			}
		).insert(ignore_permissions=True)
		goals.measure(goal.name, as_of)
		made += 1
	frappe.db.commit()  # nosemgrep
	print(f"  goals: {made}")
	return made


def _past(moment: datetime) -> datetime:
	"""A logged interaction has happened: never later than now (a demo day's hour may lie ahead)."""
	return min(moment, now_datetime())


# ------------------------------------------------------------------------- languages

# `crm-plus-demo --language zh|lt`: what a Chinese or Lithuanian team reads in the demo. Codes, emails,
# territories, groups and the story (who buys what, when) stay those of the English demo.
LOCALISED = {
	"zh": {
		"DEMO_COMPANY": "CRM Plus 演示公司",
		"ITEMS": ("支持服务套餐", "软件许可证", "培训日", "咨询小时", "网关设备"),
		"CUSTOMER_NAMES": (
			"艾克美工业",
			"蓝港物流",
			"雪松健康",
			"三角洲食品",
			"长青教育",
			"峡湾航运",
			"花岗岩建筑",
			"赫利俄斯能源",
			"鸢尾精品店",
			"杜松律师事务所",
			"红隼航空",
			"流明实验室",
			"枫叶口腔",
			"雨云科技",
			"兰花酒店",
			"先锋农场",
			"石英传媒",
			"河湾区政府",
			"峰顶户外",
			"潮汐海事",
			"赭石设计工作室",
			"优势零售",
			"柳树养老院",
			"氙气汽车",
			"蓍草基金会",
			"和风旅行社",
			"阿特拉斯印刷",
			"灯塔保险",
			"铜叶咖啡馆",
			"浮木家具",
		),
		"NEW_CUSTOMER_NAMES": ("榆树街面包房", "狐尾数据分析", "石榴石物流"),
		"USERS": ("晓明", "丽娜", "思思", "思远", "米拉", "玛丽亚", "必成"),
		"PORTAL_FIRST_NAME": "佩佩",
		"CAMPAIGNS": ("春季增购", "客户挽回", "行业展会"),
		"COMPLAINT_SUBJECTS": (
			"包裹到货时已损坏",
			"发票重复收费",
			"发错了货",
			"设备无法工作",
			"技术人员未按约上门",
			"价格与报价不符",
			"交货晚了一周",
			"邮件一直无人回复",
		),
		"DEMO_GOALS": (
			"留住客户",
			"减少客户流失",
			"客户再次购买",
			"投诉处理后客户满意",
			"按时解决投诉",
			"促销活动收回成本",
			"与客户保持联系",
		),
		"TEXTS": {
			"interaction": "与{customer}的{touchpoint}{channel}沟通",
			"notes": "演示互动。",
			"reply": "{campaign}：{customer}的回复",  # noqa: RUF001
			"complaint": "{subject}。演示投诉。",
			"ads": "广告投放",
			"agency": "代理费",
			"last_name": "演示",
		},
	},
	"lt": {
		"DEMO_COMPANY": "CRM Plus demonstracinė įmonė",
		"ITEMS": (
			"Palaikymo planas",
			"Programinės įrangos licencija",
			"Mokymų diena",
			"Konsultacijos valanda",
			"Tinklų šliuzas",
		),
		"CUSTOMER_NAMES": (
			"UAB Akmė pramonė",
			"UAB Mėlynasis uostas",
			"UAB Kedro sveikata",
			"UAB Deltos maistas",
			"VšĮ Visžalė mokykla",
			"UAB Fjordo laivyba",
			"UAB Granito statyba",
			"UAB Helios energija",
			"Irisų butikas",
			"Kadagio advokatų kontora",
			"UAB Sakalo aviacija",
			"UAB Šviesos laboratorija",
			"Klevo odontologija",
			"UAB Debesų sprendimai",
			"Orchidėjų viešbučiai",
			"ŽŪB Pionierių ūkis",
			"UAB Kvarco medija",
			"Upės vingio seniūnija",
			"UAB Viršukalnė",
			"UAB Jūrų banga",
			"Ochros studija",
			"UAB Pranašumo prekyba",
			"Gluosnių globos namai",
			"UAB Ksenono motorai",
			"Kraujažolės fondas",
			"UAB Zefyro kelionės",
			"UAB Atlaso spaustuvė",
			"UAB Švyturio draudimas",
			"Vario lapo kavinė",
			"UAB Jūros medžio baldai",
		),
		"NEW_CUSTOMER_NAMES": ("Guobų gatvės kepykla", "UAB Lapės analitika", "UAB Granato logistika"),
		"USERS": ("Saulius", "Rita", "Sandra", "Simonas", "Milda", "Marija", "Benas"),
		"PORTAL_FIRST_NAME": "Paulius",
		"CAMPAIGNS": ("Pavasario papildomi pardavimai", "Klientų susigrąžinimas", "Paroda"),
		"COMPLAINT_SUBJECTS": (
			"Siunta atkeliavo sugadinta",
			"Sąskaita apmokestinta du kartus",
			"Pristatyta ne ta prekė",
			"Prietaisas nustojo veikti",
			"Technikas neatvyko",
			"Kaina skiriasi nuo komercinio pasiūlymo",
			"Pristatymas vėlavo savaitę",
			"Niekas neatsako į mano laiškus",
		),
		"DEMO_GOALS": (
			"Išlaikyti klientus",
			"Mažiau prarastų klientų",
			"Klientai perka vėl",
			"Patenkinti po skundo",
			"Skundai išspręsti laiku",
			"Kampanijos atsiperka",
			"Palaikyti ryšį su klientais",
		),
		"TEXTS": {
			"interaction": "{customer}: {touchpoint}, {channel}",
			"notes": "Demonstracinis kontaktas.",
			"reply": "{campaign}: {customer} atsakymas",
			"complaint": "{subject}. Demonstracinis skundas.",
			"ads": "Reklama",
			"agency": "Agentūros mokestis",
			"last_name": "Demo",
		},
	},
}


def _localised(language: str) -> dict:
	"""The module constants a language replaces, built from the English ones (same order, same codes)."""
	words = LOCALISED[language]
	names = dict(
		zip(
			CUSTOMER_NAMES + NEW_CUSTOMER_NAMES,
			words["CUSTOMER_NAMES"] + words["NEW_CUSTOMER_NAMES"],
			strict=True,
		)
	)
	email, _first, customer = DEMO_PORTAL_USER
	return {
		"DEMO_COMPANY": words["DEMO_COMPANY"],
		"ITEMS": tuple(
			(code, name, rate) for (code, _n, rate), name in zip(ITEMS, words["ITEMS"], strict=True)
		),
		"CUSTOMER_NAMES": words["CUSTOMER_NAMES"],
		"NEW_CUSTOMER_NAMES": words["NEW_CUSTOMER_NAMES"],
		"DEMO_USERS": {
			user: (first, roles)
			for (user, (_f, roles)), first in zip(DEMO_USERS.items(), words["USERS"], strict=True)
		},
		"DEMO_PORTAL_USER": (email, words["PORTAL_FIRST_NAME"], names[customer]),
		"CAMPAIGNS": tuple(
			(name, *rest) for (_n, *rest), name in zip(CAMPAIGNS, words["CAMPAIGNS"], strict=True)
		),
		"COMPLAINT_SUBJECTS": tuple(
			(subject, *rest)
			for (_s, *rest), subject in zip(COMPLAINT_SUBJECTS, words["COMPLAINT_SUBJECTS"], strict=True)
		),
		"DEMO_GOALS": tuple(
			(title, *rest) for (_t, *rest), title in zip(DEMO_GOALS, words["DEMO_GOALS"], strict=True)
		),
		"TEXTS": words["TEXTS"],
		"SEED_NAMES": {local: english for english, local in names.items()},
		"LANGUAGE": language,
	}


@contextmanager
def _speaking(language: str):
	"""The module's constants in `language` for one run, the English ones back afterwards."""
	if language == "en":
		yield
		return
	module = globals()
	replaced = _localised(language)
	saved = {name: module[name] for name in replaced}
	module.update(replaced)
	try:
		yield
	finally:
		module.update(saved)


def set_demo_language(language: str):
	"""The demo's Desk and portal users read the site in the demo's language, under the demo's names for
	them; the demo items an earlier run made are renamed into it too (their codes stay)."""
	names = {
		**{user: first for user, (first, _roles) in DEMO_USERS.items()},
		DEMO_PORTAL_USER[0]: DEMO_PORTAL_USER[1],
	}
	for user in frappe.get_all("User", filters={"name": ("in", list(names))}, pluck="name"):
		frappe.db.set_value(
			"User",
			user,
			{
				"language": language,
				"first_name": names[user],
				"last_name": TEXTS["last_name"],
				"full_name": f"{names[user]} {TEXTS['last_name']}",
			},
		)
	for code, name, _rate in ITEMS:
		if frappe.db.exists("Item", code):
			frappe.db.set_value("Item", code, "item_name", name)
	frappe.db.commit()  # nosemgrep: the command's last write
