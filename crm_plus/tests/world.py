"""One realistic test world, built once by a factory and shared by the modules that test figures and
walls: what real ERPNext sites look like rather than a fresh single-company one.

- two companies: _Test World US (USD) and _Test World EU (EUR);
- territories North and South, customer groups Retail and Wholesale;
- customers billed in a third currency (GBP) on a receivable account in GBP (ERPNext's multi-currency
  setup), billed in GBP on the company's USD receivable, billed in USD and partly paid, and a customer
  of the EU company;
- reps restricted by Territory, by Customer Group and by Company (User Permissions), each a Sales User.

Accounts Settings allow invoices in another currency than a single receivable account (ERPNext's
setting for Gamma's case).

Every figure the tests expect is written beside the document that makes it. The factory is idempotent
and its records persist like ERPNext's own test records (names start with "_Test World").
"""

from dataclasses import dataclass, field

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_plus.constants import SALES_USER
from crm_plus.tests.utils import create_company, create_customer, create_item, create_user

US, EU = "_Test World US", "_Test World EU"
NORTH, SOUTH = "_Test World North", "_Test World South"
RETAIL, WHOLESALE = "_Test World Retail", "_Test World Wholesale"
FOREIGN = "GBP"  # a third currency, neither company's
FOREIGN_RATE = 1.10  # GBP in USD on every world invoice billed in GBP

REP_NORTH = "world.north@example.com"  # User Permission: Territory North
REP_RETAIL = "world.retail@example.com"  # User Permission: Customer Group Retail
REP_EU = "world.eu@example.com"  # User Permission: Company EU


@dataclass
class World:
	customers: dict = field(default_factory=dict)  # key -> customer name
	expected: dict = field(default_factory=dict)  # (key, company) -> figures in company currency


def build() -> World:
	"""The world; invoices are made once (a second call finds them)."""
	_masters()
	world = World()
	world.customers = {
		# billed 10 x 100 GBP at 1.10 on a receivable account in GBP, one unit credited, nothing paid
		"eur_account": create_customer("_Test World Beta", territory=SOUTH, customer_group=WHOLESALE),
		# billed 10 x 100 GBP at 1.10 on the company's USD receivable, 500 USD paid
		"eur_invoice": create_customer("_Test World Gamma", territory=NORTH, customer_group=WHOLESALE),
		# billed 1,100 USD, 300 paid; the same sale as Beta's in company currency, before the credit
		"usd": create_customer("_Test World Alpha", territory=NORTH, customer_group=RETAIL),
		# a customer of the EU company, billed 500 EUR, nothing paid
		"eu": create_customer("_Test World Delta", territory=SOUTH, customer_group=RETAIL),
	}
	_eur_receivable_for(world.customers["eur_account"])
	if not frappe.db.exists("Sales Invoice", {"customer": world.customers["usd"], "docstatus": 1}):
		_invoices(world)
	world.expected = {
		("eur_account", US): {"net_revenue": 990.0, "outstanding": 990.0, "returns": 110.0},
		("eur_invoice", US): {"net_revenue": 1100.0, "outstanding": 600.0, "returns": 0.0},
		("usd", US): {"net_revenue": 1100.0, "outstanding": 800.0, "returns": 0.0},
		("eu", EU): {"net_revenue": 500.0, "outstanding": 500.0, "returns": 0.0},
	}
	_users()
	return world


def _masters():
	# ERPNext refuses an invoice in another currency than its receivable account unless allowed
	frappe.db.set_single_value(
		"Accounts Settings", "allow_multi_currency_invoices_against_single_party_account", 1
	)
	create_company(US, "TWU", "USD", "United States")
	create_company(EU, "TWE", "EUR", "Germany")
	for doctype, names in (("Territory", (NORTH, SOUTH)), ("Customer Group", (RETAIL, WHOLESALE))):
		from frappe.utils.nestedset import get_root_of

		for name in names:
			if not frappe.db.exists(doctype, name):
				frappe.get_doc(
					{
						"doctype": doctype,
						frappe.scrub(doctype) + "_name": name,
						"parent_" + frappe.scrub(doctype): get_root_of(doctype),
					}
				).insert(ignore_permissions=True)
	for day in (nowdate(), add_days(nowdate(), -40)):
		if not frappe.db.exists(
			"Currency Exchange", {"from_currency": FOREIGN, "to_currency": "USD", "date": day}
		):
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": day,
					"from_currency": FOREIGN,
					"to_currency": "USD",
					"exchange_rate": FOREIGN_RATE,
					"for_buying": 1,
					"for_selling": 1,
				}
			).insert(ignore_permissions=True)


def _eur_receivable_for(customer: str):
	"""ERPNext's multi-currency setup: a receivable account in GBP, set as the customer's account."""
	name = frappe.db.get_value("Account", {"account_name": f"Debtors {FOREIGN}", "company": US})
	if not name:
		parent = frappe.db.get_value(
			"Account", {"company": US, "account_type": "Receivable", "is_group": 1}
		) or frappe.db.get_value("Account", {"company": US, "account_name": "Accounts Receivable"})
		name = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": f"Debtors {FOREIGN}",
					"parent_account": parent,
					"company": US,
					"account_type": "Receivable",
					"account_currency": FOREIGN,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	doc = frappe.get_doc("Customer", customer)
	if not doc.accounts:
		doc.default_currency = FOREIGN
		doc.append("accounts", {"company": US, "account": name})
		doc.flags.ignore_crm_duplicate_warning = True
		doc.save(ignore_permissions=True)


def _invoice(customer, company, rate, currency=None, conversion_rate=1.0, qty=10):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"currency": currency or frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": conversion_rate,
			"posting_date": add_days(nowdate(), -40),
			"set_posting_time": 1,
			"due_date": add_days(nowdate(), -10),  # overdue today
			"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
			"items": [
				{
					"item_code": create_item("_Test World Item", rate=rate, valuation_rate=rate / 2),
					"qty": qty,
					"rate": rate,
					"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def _pay(invoice, amount):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry("Sales Invoice", invoice.name, party_amount=amount)
	payment.posting_date = getdate(invoice.posting_date)
	payment.reference_no = f"WORLD-{invoice.name}"
	payment.reference_date = payment.posting_date
	payment.insert(ignore_permissions=True)
	payment.submit()
	return payment


def _invoices(world: World):
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	beta = _invoice(world.customers["eur_account"], US, 100, FOREIGN, FOREIGN_RATE)
	credit = make_sales_return(beta.name)
	credit.items[0].qty = -1
	credit.posting_date = beta.posting_date
	credit.set_posting_time = 1
	credit.insert(ignore_permissions=True)
	credit.submit()
	gamma = _invoice(world.customers["eur_invoice"], US, 100, FOREIGN, FOREIGN_RATE)
	_pay(gamma, 500)
	alpha = _invoice(world.customers["usd"], US, 110)
	_pay(alpha, 300)
	_invoice(world.customers["eu"], EU, 50)


def _users():
	for user, doctype, value in (
		(REP_NORTH, "Territory", NORTH),
		(REP_RETAIL, "Customer Group", RETAIL),
		(REP_EU, "Company", EU),
	):
		create_user(user, SALES_USER)
		if not frappe.db.exists("User Permission", {"user": user, "allow": doctype, "for_value": value}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": doctype, "for_value": value}
			).insert(ignore_permissions=True)
	frappe.clear_cache()
