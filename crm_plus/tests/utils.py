"""Test setup and factories for the integration suite (run by `bench run-tests --app crm_plus`)."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_plus.install.custom_fields import ensure_custom_fields
from crm_plus.install.setup import ensure_roles

TEST_COMPANY = "Wind Power LLC"  # the company ERPNext's own before_tests creates


def before_tests():
	"""Prepare a fresh site: ERPNext's setup wizard with a test company, then crm_plus's own setup."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	ensure_roles()
	ensure_custom_fields()
	frappe.db.commit()  # nosemgrep: the roles and fields must outlive each test class's rollback


def get_company() -> str:
	return frappe.db.get_value("Company", {}, "name", order_by="creation asc")


def create_customer(name: str = "_Test CRM Customer", **kwargs) -> str:
	"""Return the name of a customer, creating it once (idempotent factory)."""
	if frappe.db.exists("Customer", name):
		return name
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_group": kwargs.pop("customer_group", None) or _root("Customer Group"),
			"territory": kwargs.pop("territory", None) or _root("Territory"),
			**kwargs,
		}
	)
	doc.flags.ignore_crm_duplicate_warning = True
	doc.insert(ignore_permissions=True)
	return doc.name


def create_item(item_code: str = "_Test CRM Item", rate: float = 100, valuation_rate: float = 60) -> str:
	if frappe.db.exists("Item", item_code):
		return item_code
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": item_code,
			"item_name": item_code,
			"item_group": _root("Item Group"),
			"stock_uom": "Nos",
			"is_stock_item": 0,
			"standard_rate": rate,
			"valuation_rate": valuation_rate,
		}
	).insert(ignore_permissions=True)
	return item_code


def receive_stock(item_code: str, qty: float, rate: float, warehouse: str, posting_date) -> str:
	"""A stock item (created when missing, valued at `rate`) received into the warehouse through ERPNext's
	own Stock Entry, so the invoices that sell it carry an incoming rate."""
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": rate,
			}
		).insert()
	make_stock_entry(
		item_code=item_code,
		qty=qty,
		to_warehouse=warehouse,
		rate=rate,
		posting_date=posting_date,
		company=get_company(),
	)
	return item_code


def create_sales_invoice(
	customer: str,
	qty: float = 1,
	rate: float = 100,
	posting_date=None,
	item_code: str | None = None,
	submit: bool = True,
	**kwargs,
):
	"""A submitted Sales Invoice through ERPNext's own controller (taxes, ledger, outstanding)."""
	posting_date = getdate(posting_date or nowdate())
	company = kwargs.pop("company", None) or get_company()
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"posting_date": posting_date,
			"set_posting_time": 1,
			"due_date": kwargs.pop("due_date", None) or add_days(posting_date, 30),
			"items": [{"item_code": item_code or create_item(), "qty": qty, "rate": rate}],
			**kwargs,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def create_user(email: str, *roles: str) -> str:
	"""A desk user with exactly these roles (idempotent)."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.roles = []
	user.add_roles(*roles)
	return email


def _root(doctype: str) -> str:
	from frappe.utils.nestedset import get_root_of

	return get_root_of(doctype)


def create_company(name: str, abbr: str, currency: str = "USD", country: str = "United States") -> str:
	"""A company with its own chart of accounts (so its customers form their own population)."""
	if frappe.db.exists("Company", name):
		return name
	frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": name,
			"abbr": abbr,
			"default_currency": currency,
			"country": country,
			"chart_of_accounts": "Standard",
		}
	).insert(ignore_permissions=True)
	return name


def ensure_fiscal_years(from_date, to_date):
	from crm_plus.sample_data.demo import ensure_fiscal_years as ensure

	ensure(None, from_date, to_date)


def pay_invoice(invoice_name: str, posting_date=None):
	"""A submitted Payment Entry for the invoice's outstanding amount (ERPNext's own mapping)."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry("Sales Invoice", invoice_name)
	payment.posting_date = posting_date or nowdate()
	payment.reference_no = f"TEST-{invoice_name}"
	payment.reference_date = payment.posting_date
	payment.insert(ignore_permissions=True)
	payment.submit()
	return payment
