"""Customer 360: key figures and one timeline merged from the customer's documents.

The first page costs one query for the figures and one per kind of document, whatever the number of
records the customer has: each kind is read newest first with `LIMIT limit + 1` after the cursor,
through `frappe.get_list` so the user's permissions apply, and `crm_plus.domain.timeline` merges them.
"""

from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.query_builder import Order
from frappe.query_builder.functions import Count, Max, Min, Sum
from frappe.utils import getdate, today
from pypika.terms import Case

from crm_plus.constants import RETENTION_PLAN
from crm_plus.domain import timeline
from crm_plus.domain.i18n import N_
from crm_plus.domain.retention import usual_gap_from_span
from crm_plus.domain.sla import CLOSED_STATES
from crm_plus.domain.winback import OPEN_PLAN_STATES
from crm_plus.services.permissions import RawCondition, apply_customer_restrictions
from crm_plus.services.sql import force_index, index_hint

LIVE = (0, 1)  # drafts and submitted documents; cancelled ones leave the timeline


@dataclass(frozen=True)
class Source:
	kind: str
	label: str
	doctype: str
	customer_field: str
	timestamp_field: str
	date_only: bool
	title_field: str
	status_field: str | None = None
	amount_field: str | None = None
	currency_field: str | None = None
	filters: tuple = ()  # (field, value) equalities, or (field, (values...)) for IN
	index: str | None = None  # crm_plus's index that starts with the party, then the time
	name_shown: bool = True  # False where the name is a key, not something a person reads


# The registry: order is the tie-break between kinds at the same instant.
SOURCES: list[Source] = [
	Source(
		"interaction",
		N_("Interaction"),
		"Customer Interaction",
		"customer",
		"interaction_at",
		False,
		"subject",
		"channel",
		index="crm_plus_timeline",
	),
	Source(
		"quotation",
		N_("Quotation"),
		"Quotation",
		"party_name",
		"transaction_date",
		True,
		"name",
		"status",
		"grand_total",
		"currency",
		(("quotation_to", "Customer"), ("docstatus", LIVE)),
		"crm_plus_timeline",
	),
	Source(
		"sales_order",
		N_("Sales Order"),
		"Sales Order",
		"customer",
		"transaction_date",
		True,
		"name",
		"status",
		"grand_total",
		"currency",
		(("docstatus", LIVE),),
		"crm_plus_timeline",
	),
	Source(
		"sales_invoice",
		N_("Sales Invoice"),
		"Sales Invoice",
		"customer",
		"posting_date",
		True,
		"name",
		"status",
		"grand_total",
		"currency",
		(("is_return", 0), ("docstatus", LIVE)),
		"crm_plus_timeline",
	),
	Source(
		"credit_note",
		N_("Credit Note"),
		"Sales Invoice",
		"customer",
		"posting_date",
		True,
		"name",
		"status",
		"grand_total",
		"currency",
		(("is_return", 1), ("docstatus", LIVE)),
		"crm_plus_timeline",
	),
	Source(
		"payment",
		N_("Payment"),
		"Payment Entry",
		"party",
		"posting_date",
		True,
		"name",
		"payment_type",
		"paid_amount",
		"paid_from_account_currency",
		(("party_type", "Customer"), ("docstatus", LIVE)),
		"crm_plus_party",
	),
	Source(
		"complaint",
		N_("Complaint"),
		"Customer Complaint",
		"customer",
		"opened_on",
		False,
		"subject",
		"status",
		"cost",
		None,
		index="crm_plus_timeline",
	),
	Source(
		"campaign",
		N_("Campaign"),
		"Campaign Member",
		"customer",
		"creation",
		False,
		"campaign",
		"status",
		index="crm_plus_timeline",
		name_shown=False,  # a member's name is a hash of campaign and party
	),
	Source(
		"retention_plan",
		N_("Retention Plan"),
		"Retention Plan",
		"customer",
		"start_date",
		True,
		"customer_name",
		"status",
		"retained_revenue",
		None,
		index="crm_plus_timeline",
	),
]


def get_360(customer: str, kinds=None, before: str | None = None, limit: int | None = 50) -> dict:
	frappe.has_permission("Customer", "read", customer, throw=True)
	try:
		cursor = timeline.Cursor.decode(before) if before else None
		if cursor and (cursor.timestamp.tzinfo or not 1900 <= cursor.timestamp.year <= 9999):
			raise ValueError("the cursor's timestamp must be a plain date and time between 1900 and 9999")
		limit = timeline.clamp_limit(limit)
	except ValueError as e:
		frappe.throw(_("Invalid paging: {0}").format(str(e)), title=_("Invalid Request"))
	sources = _selected_sources(kinds)
	page = get_timeline(customer, sources, cursor, limit)
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
		"figures": get_figures(customer) if cursor is None else None,
		# a user who may not read invoices is told so, never shown "no invoices" as a fact
		"figures_available": _can_read("Sales Invoice"),
		"value": get_value_and_risk(customer) if cursor is None else None,
		"service": get_service_figures(customer) if cursor is None else None,
		"kinds": [{"kind": s.kind, "label": _(s.label)} for s in SOURCES if _can_read(s.doctype)],
		"timeline": [_as_dict(entry) for entry in page.entries],
		"next_cursor": page.next_cursor,
	}


def _selected_sources(kinds) -> list[tuple[int, Source]]:
	if isinstance(kinds, str):
		try:
			kinds = frappe.parse_json(kinds) if kinds.strip().startswith("[") else kinds.split(",")
		except ValueError:
			kinds = None
		if not isinstance(kinds, list):
			kinds = [None]
	if not all(isinstance(k, str) for k in kinds or ()):
		frappe.throw(
			_("kinds must be a list of kinds or a comma-separated string"), title=_("Invalid Request")
		)
	kinds = [k.strip() for k in kinds or () if k.strip()]
	known = {s.kind for s in SOURCES}
	unknown = sorted(set(kinds or ()) - known)
	if unknown:
		frappe.throw(
			_("Unknown kinds: {0}. Use any of: {1}").format(", ".join(unknown), ", ".join(sorted(known))),
			title=_("Invalid Request"),
		)
	return [
		(rank, s) for rank, s in enumerate(SOURCES) if (not kinds or s.kind in kinds) and _can_read(s.doctype)
	]


def _can_read(doctype) -> bool:
	return bool(frappe.has_permission(doctype, "read"))


def get_timeline(customer, sources, cursor, limit) -> timeline.Page:
	"""One query per kind, each at most `limit + 1` rows, merged by the domain."""
	lists = []
	for rank, source in sources:
		rows = _timeline_rows(source, customer, timeline.kind_bounds(cursor, rank, source.date_only), limit)
		lists.append(
			[
				timeline.TimelineEntry(
					kind=source.kind,
					rank=rank,
					doctype=source.doctype,
					name=row.name,
					timestamp=timeline.as_timestamp(getdate(row.ts) if source.date_only else row.ts),
					title=row.title or row.name,
					status=row.get("status") or "",
					amount=Decimal(str(row.amount)) if row.get("amount") is not None else None,
					currency=row.get("currency"),
				)
				for row in rows
				if row.ts is not None  # an undated row (sorted last) has no place on the timeline
			]
		)
	return timeline.merge_page(lists, limit, cursor)


def _timeline_rows(source: Source, customer: str, bounds, limit: int) -> list:
	"""A kind's rows newest first after the cursor, read through its index on (party, time) whatever
	the table's statistics say: an equality on the party, plain comparisons (no `ifnull()` around an
	indexed column) and the user's permissions as Frappe's own list would apply them."""
	t = frappe.qb.DocType(source.doctype)
	ts = t[source.timestamp_field]
	fields = [t.name, ts.as_("ts"), t[source.title_field].as_("title")]
	fields += [
		t[f].as_(alias)
		for f, alias in (
			(source.status_field, "status"),
			(source.amount_field, "amount"),
			(source.currency_field, "currency"),
		)
		if f
	]
	query = frappe.qb.from_(t).select(*fields).where(t[source.customer_field] == customer)
	if source.index:
		query = force_index(query, source.doctype, source.index)
	for field, value in source.filters:
		query = query.where(t[field].isin(value) if isinstance(value, tuple) else t[field] == value)
	if bounds:
		if bounds.name_below is not None:
			query = query.where((ts < bounds.upper) | ((ts == bounds.upper) & (t.name < bounds.name_below)))
		else:
			query = query.where(ts <= bounds.upper if bounds.inclusive else ts < bounds.upper)
	condition = DatabaseQuery(source.doctype).build_match_conditions(as_condition=True)
	if condition:
		query = query.where(RawCondition(condition))
	return (
		query.orderby(ts, order=Order.desc)
		.orderby(t.name, order=Order.desc)
		.limit(limit + 1)
		.run(as_dict=True)
	)


NAME_HIDDEN = {source.kind for source in SOURCES if not source.name_shown}


def _as_dict(entry: timeline.TimelineEntry) -> dict:
	return {
		"name_shown": entry.kind not in NAME_HIDDEN and entry.title != entry.name,
		"kind": entry.kind,
		"doctype": entry.doctype,
		"name": entry.name,
		"timestamp": entry.timestamp.isoformat(sep=" "),
		"title": entry.title,
		"status": entry.status,
		"amount": float(entry.amount) if entry.amount is not None else None,
		"currency": entry.currency,
		"route": f"/app/{frappe.scrub(entry.doctype).replace('_', '-')}/{entry.name}",
	}


def get_figures(customer: str) -> list[dict]:
	"""Key figures per company in the company's currency: one aggregate query over the customer's
	submitted invoices (their base amounts) and one over ERPNext's Payment Ledger for what is owed.
	Only the companies and invoices the user may read, as the invoice list shows them."""
	if not _can_read("Sales Invoice"):
		return []
	si = frappe.qb.DocType("Sales Invoice")
	today_ = getdate(today())
	purchase = Case().when(si.is_return == 0, 1)
	query = (
		frappe.qb.from_(si)
		.select(
			si.company,
			Sum(si.base_net_total).as_("net_revenue"),
			Sum(Case().when(si.is_return == 1, -si.base_net_total).else_(0)).as_("returns"),
			Max(Case().when(si.is_return == 0, si.posting_date)).as_("last_purchase"),
			Min(Case().when(si.is_return == 0, si.posting_date)).as_("first_purchase"),
			Count(Case().when(si.is_return == 0, si.posting_date)).distinct().as_("purchase_days"),
			Count(purchase).as_("invoices"),
		)
		.where((si.customer == customer) & (si.docstatus == 1))
		.groupby(si.company)
		.orderby(si.company)
	)
	query = force_index(query, "Sales Invoice", "crm_plus_scoring")  # (docstatus, customer, ...): covering
	rows = apply_customer_restrictions(query, si.customer, "Sales Invoice").run(as_dict=True)
	owed = receivables(customer, [row.company for row in rows], today_)
	figures = []
	for row in rows:
		gap = (
			usual_gap_from_span(row.first_purchase, row.last_purchase, row.purchase_days)
			if row.first_purchase
			else None
		)
		outstanding, overdue = owed.get(row.company, (0, 0))
		figures.append(
			{
				"company": row.company,
				"currency": frappe.get_cached_value("Company", row.company, "default_currency"),
				"net_revenue": row.net_revenue or 0,
				"returns": row.returns or 0,
				"invoices": row.invoices or 0,
				"first_purchase": row.first_purchase,
				"last_purchase": row.last_purchase,
				"days_since_last_purchase": (today_ - row.last_purchase).days if row.last_purchase else None,
				"usual_days_between_purchases": float(gap) if gap is not None else None,
				"outstanding": outstanding,
				"overdue": overdue,
			}
		)
	return figures


def receivables(customer: str, companies: list[str], as_of) -> dict[str, tuple]:
	"""{company: (outstanding, overdue)} in each company's currency from ERPNext's Payment Ledger: each
	voucher's balance; overdue the balances past their due date, never more than is owed in all (a
	credit note or payment not yet allocated reduces it), as scoring computes them."""
	if not companies:
		return {}
	rows = frappe.db.sql(
		f"""
		select company, sum(balance),
			least(sum(if(due_date < %(as_of)s and balance > 0, balance, 0)), greatest(sum(balance), 0))
		from (
			select company, sum(amount) as balance, max(due_date) as due_date
			from `tabPayment Ledger Entry` {index_hint("Payment Ledger Entry", "crm_plus_receivables")}
			where party_type = 'Customer' and party = %(customer)s and company in %(companies)s
				and delinked = 0
			group by company, against_voucher_type, against_voucher_no
		) v
		group by company
		""",
		{"customer": customer, "companies": tuple(companies), "as_of": as_of},
	)
	return {company: (outstanding or 0, overdue or 0) for company, outstanding, overdue in rows}


def get_value_and_risk(customer: str) -> dict | None:
	"""The scoring job's verdict on the customer (main company), with its reasons."""
	values = frappe.db.get_value(
		"Customer",
		customer,
		[
			"crm_segment",
			"crm_value_class",
			"crm_rfm",
			"crm_churn_risk",
			"crm_churn_risk_band",
			"crm_churn_reasons",
			"crm_scored_on",
		],
		as_dict=True,
	)
	if not values or not values.crm_scored_on:
		return None
	# the plan and the monthly trend only for those who may read plans and snapshots
	open_plan = (
		frappe.db.get_value(
			RETENTION_PLAN,
			{"customer": customer, "status": ("in", OPEN_PLAN_STATES)},
			"name",
			order_by="start_date desc",  # through crm_plus_timeline (customer, start date), not `modified`
		)
		if _can_read(RETENTION_PLAN)
		else None
	)
	snapshot = frappe.qb.DocType("Customer Health Snapshot")
	trend = (
		(
			frappe.qb.from_(snapshot)
			.select(snapshot.period, snapshot.risk_score, snapshot.segment)
			.where((snapshot.customer == customer) & (snapshot.is_main_company == 1))
			.orderby(snapshot.period, order=frappe.qb.desc)
			.limit(12)
			.run(as_dict=True)
		)
		if _can_read("Customer Health Snapshot")
		else []
	)
	return {
		"trend": list(reversed(trend)),
		"segment": values.crm_segment,
		"value_class": values.crm_value_class,
		"rfm": values.crm_rfm,
		"churn_risk": values.crm_churn_risk,
		"churn_risk_band": values.crm_churn_risk_band,
		"reasons": [r for r in (values.crm_churn_reasons or "").split("\n") if r],
		"scored_on": values.crm_scored_on,
		"open_retention_plan": open_plan,
	}


def get_service_figures(customer: str) -> dict | None:
	"""Open complaints and the last satisfaction score (one query)."""
	if not _can_read("Customer Complaint"):
		return None
	complaint = frappe.qb.DocType("Customer Complaint")
	query = (
		frappe.qb.from_(complaint)
		.select(complaint.status, complaint.satisfaction, complaint.satisfaction_on)
		.where(complaint.customer == customer)
	)
	rows = force_index(query, "Customer Complaint", "crm_plus_timeline").run(as_dict=True)
	rated = sorted((r for r in rows if r.satisfaction), key=lambda r: r.satisfaction_on or "")
	return {
		"open_complaints": sum(1 for r in rows if r.status not in CLOSED_STATES),
		"complaints": len(rows),
		"last_satisfaction": rated[-1].satisfaction if rated else None,
	}
