"""Step 1: the facts of every customer and company for the month, into its Customer Health Snapshot rows,
with one scan of a covering index and one statement per kind of fact."""

from datetime import date, timedelta

import frappe
from frappe.utils import cint, now_datetime

from crm_plus.constants import CUSTOMER_COMPLAINT, HEALTH_SNAPSHOT
from crm_plus.domain.sla import CLOSED_STATES
from crm_plus.services.sql import index_hint

RECENT_ACTIVITY_DAYS = 90  # complaints and negative interactions counted as "recent"


def aggregate(as_of: date, period: str, settings) -> int:
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
	}
	aggregate_invoices(params)
	rows = frappe.db.count(HEALTH_SNAPSHOT, {"period": period})
	if not rows:
		return 0
	add_receivables(params)
	add_gross_profit(params)
	add_negative_interactions(params)
	add_complaints(params)
	return rows


def aggregate_invoices(params):
	"""The invoice facts of every customer and company into the month's rows."""
	# One scan of the covering index, in (customer, company) order: no temporary table, no table rows.
	# An upsert: the month's rows are rewritten in place; rows this run did not produce are removed.
	frappe.db.sql(
		f"""
		insert into `tabCustomer Health Snapshot` (
			name, customer, company, period, scored_on, first_purchase, last_purchase, frequency,
			purchase_days, monetary, returns_amount, revenue_recent, revenue_previous, outstanding,
			overdue, gross_profit, open_complaints, recent_complaints, last_satisfaction,
			negative_interactions, creation, modified, owner, modified_by, docstatus, idx
		)
		select
			md5(concat_ws('|', si.customer, si.company, %(period)s)), si.customer, si.company,
			%(period)s, %(as_of)s,
			min(if(si.is_return = 0, si.posting_date, null)),
			max(if(si.is_return = 0, si.posting_date, null)),
			sum(si.is_return = 0),
			count(distinct if(si.is_return = 0, si.posting_date, null)),
			sum(si.base_net_total),
			-sum(if(si.is_return = 1, si.base_net_total, 0)),
			sum(if(si.posting_date > %(recent_from)s, si.base_net_total, 0)),
			sum(if(si.posting_date > %(previous_from)s and si.posting_date <= %(recent_from)s,
				si.base_net_total, 0)),
			0, 0,
			0, 0, 0, 0, 0,
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from `tabSales Invoice` si {index_hint("Sales Invoice", "crm_plus_scoring", fallback="ignore index (customer)")}
		where si.docstatus = 1 and si.posting_date <= %(as_of)s
		group by si.customer, si.company
		on duplicate key update scored_on = values(scored_on), first_purchase = values(first_purchase),
			last_purchase = values(last_purchase), frequency = values(frequency),
			purchase_days = values(purchase_days), monetary = values(monetary),
			returns_amount = values(returns_amount), revenue_recent = values(revenue_recent),
			revenue_previous = values(revenue_previous), outstanding = values(outstanding),
			overdue = values(overdue), gross_profit = 0, open_complaints = 0, recent_complaints = 0,
			last_satisfaction = 0, negative_interactions = 0, modified = values(modified),
			modified_by = values(modified_by)
		""",
		params,
	)
	# customers whose invoices were all cancelled since the last run of this month
	frappe.db.sql(
		"delete from `tabCustomer Health Snapshot` where period = %(period)s and modified < %(now)s", params
	)


def add_receivables(params):
	"""What each customer owes each company, in the company's currency: ERPNext's Payment Ledger
	(`amount` is in the company's currency whatever the invoice's or the receivable account's currency);
	overdue: the vouchers whose due date has passed and that are still owed, never more than is owed in
	all (a credit note or payment not yet allocated reduces it). Invoices' `outstanding_amount` is in the
	receivable account's currency and cannot be added across customers.

	Two passes over the ledger's covering index, each in its order (no temporary table for the first;
	the second groups only the vouchers still owed after their due date)."""
	ledger = f"""`tabPayment Ledger Entry` {index_hint("Payment Ledger Entry", "crm_plus_receivables")}"""
	owed = "party_type = 'Customer' and delinked = 0 and posting_date <= %(as_of)s"
	row = "md5(concat_ws('|', r.party, r.company, %(period)s))"
	frappe.db.sql(
		f"""
		update (
			select party, company, sum(amount) as outstanding from {ledger}
			where {owed} group by party, company
		) r straight_join `tabCustomer Health Snapshot` s on s.name = {row}
		set s.outstanding = r.outstanding
		""",
		params,
	)
	frappe.db.sql(
		f"""
		update (
			select v.party, v.company, sum(v.balance) as overdue from (
				select party, company, sum(amount) as balance from {ledger}
				where {owed}
				group by party, company, against_voucher_type, against_voucher_no
				having max(due_date) < %(as_of)s and sum(amount) > 0
			) v group by v.party, v.company
		) r straight_join `tabCustomer Health Snapshot` s on s.name = {row}
		set s.overdue = least(r.overdue, greatest(s.outstanding, 0))
		""",
		params,
	)


def add_gross_profit(params):
	"""Gross profit over the profit period."""
	# gross profit over the profit period: net amount less the items' valuation (incoming rate); both
	# sides read covering indexes, and the result lands on the rows by primary key
	frappe.db.sql(
		f"""
		insert into `tabCustomer Health Snapshot` (name, gross_profit)
		select md5(concat_ws('|', si.customer, si.company, %(period)s)),
			sum(sii.base_net_amount - ifnull(sii.incoming_rate, 0) * sii.stock_qty)
		from `tabSales Invoice` si {index_hint("Sales Invoice", "crm_plus_scoring")}
		join `tabSales Invoice Item` sii {index_hint("Sales Invoice Item", "crm_plus_profit")}
			on sii.parent = si.name
		where si.docstatus = 1 and si.posting_date > %(profit_from)s and si.posting_date <= %(as_of)s
		group by si.customer, si.company
		on duplicate key update gross_profit = values(gross_profit)
		""",
		params,
	)


def add_negative_interactions(params):
	"""Negative interactions of the last 90 days."""
	# the few customers with negative interactions drive the join, through the snapshot's customer index
	# (forced: right after a bulk load the index statistics can make MariaDB scan the snapshot per row)
	frappe.db.sql(
		"""
		update (
			select customer, count(*) as negative
			from `tabCustomer Interaction`
			where sentiment = 'Negative' and interaction_at >= %(activity_from)s
				and interaction_at < %(as_of)s + interval 1 day and customer is not null
			group by customer
		) i straight_join `tabCustomer Health Snapshot` s force index (customer) on s.customer = i.customer
		set s.negative_interactions = i.negative
		where s.period = %(period)s
		""",
		params,
	)


def add_complaints(params):
	"""Open and recent complaints and the last satisfaction score, once complaints exist."""
	if not frappe.db.table_exists(CUSTOMER_COMPLAINT):
		return
	# one UPDATE ... JOIN over the complaints for the month's rows; the customers with complaints drive
	# the join, through the snapshot's customer index
	frappe.db.sql(
		"""
		update (
			select customer,
				sum(status not in %(closed)s) as open_complaints,
				sum(creation >= %(activity_from)s) as recent_complaints,
				substring_index(group_concat(if(satisfaction > 0, satisfaction, null)
					order by modified desc separator ','), ',', 1) as last_satisfaction
			from `tabCustomer Complaint`
			where docstatus < 2 and creation < %(as_of)s + interval 1 day
			group by customer
		) c straight_join `tabCustomer Health Snapshot` s force index (customer) on s.customer = c.customer
		set s.open_complaints = c.open_complaints, s.recent_complaints = c.recent_complaints,
			s.last_satisfaction = ifnull(c.last_satisfaction, 0)
		where s.period = %(period)s
		""",
		{**params, "closed": tuple(CLOSED_STATES)},
	)
