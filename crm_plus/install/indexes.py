"""Indexes crm_plus adds to ERPNext's tables and its own, built online at install and migrate and
dropped at uninstall. `crm_plus.services.sql.index_hint` names them in the queries that read through
them."""

from crm_plus.constants import (
	CAMPAIGN_MEMBER,
	CUSTOMER_COMPLAINT,
	CUSTOMER_INTERACTION,
	HEALTH_SNAPSHOT,
	RETENTION_PLAN,
)
from crm_plus.services.sql import INDEX_CACHE

# Indexes crm_plus adds to ERPNext's tables and its own (crm_plus.install.indexes, built online at
# install and migrate, dropped at uninstall). The scoring aggregate reads only crm_plus_scoring, the
# gross profit only crm_plus_profit, Campaign ROI only crm_plus_campaign_margin; the reports and statistics
# select a month's snapshot rows by crm_plus_period; the Customer 360 reads each kind of document
# through an index that starts with the party and then the time (crm_plus_timeline, and crm_plus_party
# on Payment Entry: ERPNext v15 has none), so its plan does not depend on where a customer's records
# lie in time or on the table's statistics.
INDEXES = {
	"Sales Invoice": {
		"crm_plus_scoring": [
			"docstatus",
			"customer",
			"company",
			"posting_date",
			"is_return",
			"base_net_total",
			"outstanding_amount",
			"due_date",
		],
		# Repeat Purchase and Cohorts: a company's invoices in customer order, narrow (one scan of the index)
		"crm_plus_first_purchase": ["docstatus", "company", "is_return", "customer", "posting_date"],
		# the Customer 360's timelines of invoices and of credit notes: the customer's, newest first
		"crm_plus_timeline": ["customer", "is_return", "posting_date"],
		# Campaign ROI: the invoices carrying a campaign, their company, amounts and margin (kept at submit
		# by crm_plus.services.invoice_margin), without the table or its items
		"crm_plus_campaign_margin": [
			"campaign",
			"docstatus",
			"company",
			"base_net_total",
			"base_grand_total",
			"base_rounding_adjustment",
			"base_rounded_total",
			"party_account_currency",
			"outstanding_amount",
			"conversion_rate",
			"crm_plus_margin",
		],
	},
	"Sales Order": {"crm_plus_timeline": ["customer", "transaction_date"]},
	# a complaint's reference search: the customer's delivery notes, newest first
	"Delivery Note": {"crm_plus_timeline": ["customer", "is_return", "posting_date"]},
	"Quotation": {"crm_plus_timeline": ["party_name", "transaction_date"]},
	CUSTOMER_INTERACTION: {"crm_plus_timeline": ["customer", "interaction_at"]},
	CUSTOMER_COMPLAINT: {"crm_plus_timeline": ["customer", "opened_on"]},
	CAMPAIGN_MEMBER: {"crm_plus_timeline": ["customer", "creation"]},
	RETENTION_PLAN: {"crm_plus_timeline": ["customer", "start_date"]},
	"Sales Invoice Item": {"crm_plus_profit": ["parent", "base_net_amount", "incoming_rate", "stock_qty"]},
	HEALTH_SNAPSHOT: {
		"crm_plus_period": ["period", "company"],
		# the first page of Churn Risk (highest risk first) and of Customer Priority (best profit rank
		# first), read with LIMIT in index order without sorting the month's rows, and their totals (the
		# bands, the count) from the index alone; the reports force them
		"crm_plus_risk_order": [
			"period",
			"company",
			"risk_score",
			"monetary",
			"customer",
			"frequency",
			"risk_band",
		],
		"crm_plus_profit_order": ["period", "company", "profit_rank", "monetary desc", "customer"],
		# Customer Priority's customers without a row in the month (NOT IN by the index)
		"crm_plus_period_customer": ["period", "customer"],
	},
	# Customer Priority's count of the customers without purchases, from the index alone
	"Customer": {"crm_plus_active": ["disabled", "customer_group"]},
	"Payment Entry": {"crm_plus_party": ["party_type", "party", "posting_date"]},
	# receivables per customer and company in the company's currency (scoring, the Customer 360): each
	# voucher's balance read from the index alone, in group order
	"Payment Ledger Entry": {
		"crm_plus_receivables": [
			"party_type",
			"party",
			"company",
			"against_voucher_type",
			"against_voucher_no",
			"delinked",
			"posting_date",
			"due_date",
			"amount",
		],
	},
}


# Indexes of earlier versions, dropped at migrate and uninstall (replaced by the ones above)
RETIRED = {
	"Sales Invoice": ("crm_plus_campaign", "crm_plus_campaign_billing", "crm_plus_campaign_figures"),
	"Payment Ledger Entry": ("crm_plus_voucher_balance",),
}


def ensure_indexes():
	"""The indexes crm_plus reads through, created when missing. InnoDB builds them online: invoices can
	still be submitted meanwhile (about 7 s per index and million invoices)."""
	import frappe

	for doctype, names in RETIRED.items():
		for name in names:
			if frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")
	for doctype, indexes in INDEXES.items():
		for name, columns in indexes.items():
			if not frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(
					"alter table `tab{}` add index `{}` ({}), algorithm=inplace, lock=none".format(
						doctype, name, ", ".join(_column(c) for c in columns)
					)
				)
	frappe.cache.delete_value(INDEX_CACHE)


def _column(column: str) -> str:
	"""A key part: a column, or "column desc" for a descending one (MariaDB 10.8 and later)."""
	name, _space, order = column.partition(" ")
	return f"`{name}` {order}".rstrip()


def remove_indexes():
	"""ERPNext's tables are left with their own indexes only."""
	import frappe

	for doctype, names in [*((d, list(i)) for d, i in INDEXES.items()), *RETIRED.items()]:
		for name in names:
			if frappe.db.table_exists(doctype) and frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")
	frappe.cache.delete_value(INDEX_CACHE)
