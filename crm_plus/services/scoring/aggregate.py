"""Step 1: the facts of every customer and company for the month, with the main company and the profit
rank, into its Customer Health Snapshot rows: one statement, each source read once through a covering
index, each row written once."""

from datetime import date, timedelta

import frappe
from frappe.utils import cint, now_datetime

from crm_plus.constants import CUSTOMER_COMPLAINT, HEALTH_SNAPSHOT
from crm_plus.domain.sla import CLOSED_STATES
from crm_plus.services.scoring import statistics
from crm_plus.services.sql import index_hint

RECENT_ACTIVITY_DAYS = 90  # complaints and negative interactions counted as "recent"


def aggregate(as_of: date, period: str, settings) -> int:
	"""The month's rows, each written once with all its facts and its ranks; returns how many."""
	recent_days = cint(settings.scoring_recent_days) or 180
	recent_from = as_of - timedelta(days=recent_days)
	previous_from = recent_from - timedelta(days=recent_days)
	profit_from = as_of - timedelta(days=365 * (cint(settings.profit_period_years) or 1))
	now = now_datetime()
	params = {
		"period": period,
		"as_of": as_of,
		"recent_from": recent_from,
		"previous_from": previous_from,
		"profit_from": profit_from,
		"activity_from": as_of - timedelta(days=RECENT_ACTIVITY_DAYS),
		"now": now,
		"user": frappe.session.user,
		"closed": tuple(CLOSED_STATES),
	}
	frappe.db.sql(facts_statement(with_complaints=frappe.db.table_exists(CUSTOMER_COMPLAINT)), params)
	# customers whose invoices were all cancelled since the last run of this month
	frappe.db.sql(
		"delete from `tabCustomer Health Snapshot` where period = %(period)s and modified < %(now)s", params
	)
	return frappe.db.count(HEALTH_SNAPSHOT, {"period": period})


# The facts of every customer and company, one derived table per source, each read once through its
# covering index and joined to the invoice facts by key: the month's rows are written by ONE statement
# (an upsert: rewritten in place, so a re-run gives the same result), with the main company and the
# profit rank from window functions over the same rows (`statistics.ranks`, held to the domain by the
# differential test).


def invoice_facts() -> str:
	"""The invoice facts: one scan of crm_plus_scoring in (customer, company) order, no temporary table.
	Gross profit over the profit period (net amount less the items' valuation, the incoming rate) comes
	in the same pass: the items of each invoice of the period, through crm_plus_profit (both covering).
	It is rounded to the column's scale here, so that the profit rank orders exactly the stored figures."""
	hint = index_hint("Sales Invoice", "crm_plus_scoring", fallback="ignore index (customer)")
	items = index_hint("Sales Invoice Item", "crm_plus_profit")
	return f"""
		select md5(concat_ws('|', si.customer, si.company, %(period)s)) as name, si.customer, si.company,
			min(if(si.is_return = 0, si.posting_date, null)) as first_purchase,
			max(if(si.is_return = 0, si.posting_date, null)) as last_purchase,
			sum(si.is_return = 0) as frequency,
			count(distinct if(si.is_return = 0, si.posting_date, null)) as purchase_days,
			sum(si.base_net_total) as monetary,
			-sum(if(si.is_return = 1, si.base_net_total, 0)) as returns_amount,
			sum(if(si.posting_date > %(recent_from)s, si.base_net_total, 0)) as revenue_recent,
			sum(if(si.posting_date > %(previous_from)s and si.posting_date <= %(recent_from)s,
				si.base_net_total, 0)) as revenue_previous,
			cast(ifnull(sum(if(si.posting_date > %(profit_from)s, (
				select sum(sii.base_net_amount - ifnull(sii.incoming_rate, 0) * sii.stock_qty)
				from `tabSales Invoice Item` sii {items}
				where sii.parent = si.name
			), null)), 0) as decimal(21, 9)) as gross_profit
		from `tabSales Invoice` si {hint}
		where si.docstatus = 1 and si.posting_date <= %(as_of)s
		group by si.customer, si.company"""


# What each customer owes each company, in the company's currency: ERPNext's Payment Ledger (`amount` is
# in the company's currency whatever the invoice's or the receivable account's currency); overdue: the
# vouchers whose due date has passed and that are still owed, never more than is owed in all (a credit
# note or payment not yet allocated reduces it: the statement caps it). Invoices' `outstanding_amount`
# is in the receivable account's currency and cannot be added across customers. Two passes over the
# ledger's covering index, each in its order (no temporary table for the first; the second groups only
# the vouchers still owed after their due date).
_OWED = "party_type = 'Customer' and delinked = 0 and posting_date <= %(as_of)s"


def receivables() -> str:
	ledger = index_hint("Payment Ledger Entry", "crm_plus_receivables")
	return f"""
		select md5(concat_ws('|', party, company, %(period)s)) as name, sum(amount) as outstanding
		from `tabPayment Ledger Entry` {ledger}
		where {_OWED} group by party, company"""


def overdue() -> str:
	ledger = index_hint("Payment Ledger Entry", "crm_plus_receivables")
	return f"""
		select md5(concat_ws('|', v.party, v.company, %(period)s)) as name, sum(v.balance) as overdue
		from (
			select party, company, sum(amount) as balance from `tabPayment Ledger Entry` {ledger}
			where {_OWED}
			group by party, company, against_voucher_type, against_voucher_no
			having max(due_date) < %(as_of)s and sum(amount) > 0
		) v group by v.party, v.company"""


def negative_interactions() -> str:
	"""Negative interactions of the last 90 days, per customer (every company of the customer): a range of
	the time index (forced: MariaDB may otherwise walk the customer index and fetch every row)."""
	return f"""
		select customer, count(*) as negative
		from `tabCustomer Interaction` {index_hint("Customer Interaction", "interaction_at")}
		where sentiment = 'Negative' and interaction_at >= %(activity_from)s
			and interaction_at < %(as_of)s + interval 1 day and customer is not null
		group by customer"""


def complaints() -> str:
	"""Open and recent complaints and the last satisfaction score, per customer."""
	return """
		select customer,
			sum(status not in %(closed)s) as open_complaints,
			sum(creation >= %(activity_from)s) as recent_complaints,
			substring_index(group_concat(if(satisfaction > 0, satisfaction, null)
				order by modified desc separator ','), ',', 1) as last_satisfaction
		from `tabCustomer Complaint`
		where docstatus < 2 and creation < %(as_of)s + interval 1 day
		group by customer"""


def facts_statement(with_complaints: bool = True) -> str:
	"""The one statement that writes the month's rows (complaints once their table exists)."""
	outstanding = "ifnull(r.outstanding, 0)"
	if with_complaints:
		complaint_columns = (
			"ifnull(c.open_complaints, 0), ifnull(c.recent_complaints, 0), ifnull(c.last_satisfaction, 0)"
		)
		complaint_join = f"left join ({complaints()}) c on c.customer = f.customer"
	else:
		complaint_columns, complaint_join = "0, 0, 0", ""
	ranks = statistics.ranks("f.customer", "f.company", "f.monetary", "f.gross_profit")
	return f"""
		insert into `tabCustomer Health Snapshot` (
			name, customer, company, period, scored_on, first_purchase, last_purchase, frequency,
			purchase_days, monetary, returns_amount, revenue_recent, revenue_previous, outstanding,
			overdue, gross_profit, open_complaints, recent_complaints, last_satisfaction,
			negative_interactions, is_main_company, profit_rank, creation, modified, owner, modified_by,
			docstatus, idx
		)
		select
			f.name, f.customer, f.company,
			%(period)s, %(as_of)s, f.first_purchase, f.last_purchase, f.frequency, f.purchase_days,
			f.monetary, f.returns_amount, f.revenue_recent, f.revenue_previous, {outstanding},
			least(ifnull(o.overdue, 0), greatest({outstanding}, 0)), f.gross_profit, {complaint_columns},
			ifnull(i.negative, 0), {ranks},
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from ({invoice_facts()}) f
		left join ({receivables()}) r on r.name = f.name
		left join ({overdue()}) o on o.name = f.name
		left join ({negative_interactions()}) i on i.customer = f.customer
		{complaint_join}
		on duplicate key update scored_on = values(scored_on), first_purchase = values(first_purchase),
			last_purchase = values(last_purchase), frequency = values(frequency),
			purchase_days = values(purchase_days), monetary = values(monetary),
			returns_amount = values(returns_amount), revenue_recent = values(revenue_recent),
			revenue_previous = values(revenue_previous), outstanding = values(outstanding),
			overdue = values(overdue), gross_profit = values(gross_profit),
			open_complaints = values(open_complaints), recent_complaints = values(recent_complaints),
			last_satisfaction = values(last_satisfaction),
			negative_interactions = values(negative_interactions),
			is_main_company = values(is_main_company), profit_rank = values(profit_rank),
			modified = values(modified), modified_by = values(modified_by)
		"""
