"""Value and churn-risk scoring of every customer of every company, set-based.

The job never runs one query per customer. For a month (`period`, YYYY-MM) it:

1. aggregates all submitted Sales Invoices per customer and company with ONE scan into the month's
   Customer Health Snapshot rows (replacing them, so a re-run gives the same result), then adds gross
   profit, complaints and negative interactions with one UPDATE ... JOIN each;
2. computes the population statistics per company in SQL (RFM quintile cut points, the 80/20
   thresholds, the profit rank and each customer's main company) over the snapshot rows;
3. reads the snapshot rows in chunks (keyset by name, so memory is bounded by the chunk size) and
   lets `crm_plus.domain.retention` score each one, writing a chunk back with one statement;
4. copies the main company's figures onto the Customer with one UPDATE ... JOIN.

Every statement is parameterised. Steps are idempotent, so the job is safe to re-run, and enqueuing
it twice runs it once (job id + deduplicate). The background job runner commits the run as one unit.
"""

from datetime import date, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, today

from crm_plus.domain import retention
from crm_plus.services.settings import get_settings

SNAPSHOT = "Customer Health Snapshot"
JOB_ID = "crm_plus::score_customers"
RECENT_ACTIVITY_DAYS = 90  # complaints and negative interactions counted as "recent"


def enqueue_daily_scoring():
	"""Scheduler (daily_long): score every customer in the background."""
	return enqueue_scoring()


def enqueue_scoring(as_of: str | None = None):
	frappe.enqueue(
		"crm_plus.services.scoring.score_all",
		queue="long",
		timeout=4 * 3600,
		job_id=JOB_ID,
		deduplicate=True,
		as_of=as_of,
	)


def score_all(as_of=None, chunk_size: int | None = None, publish: bool = True) -> dict:
	"""Score every customer of every company as of a day; returns counts. Safe to re-run."""
	as_of = getdate(as_of or today())
	settings = get_settings()
	chunk_size = chunk_size or cint(settings.scoring_chunk_size) or 5000
	period = as_of.strftime("%Y-%m")
	_progress(publish, 0, _("Aggregating invoices"))
	rows = aggregate(as_of, period, settings)
	add_statistics(period)
	statistics = (get_cutpoints(period, as_of), get_pareto_thresholds(period))
	scored = 0
	for chunk in _chunks(period, chunk_size):
		score_chunk(chunk, as_of, statistics, settings)
		scored += len(chunk)
		_progress(publish, 10 + 85 * scored / max(rows, 1), _("Scored {0} of {1}").format(scored, rows))
	copy_to_customers(period)
	_progress(publish, 100, _("Done"))
	return {"period": period, "rows": rows, "scored": scored}


def _progress(publish, percent, description):
	if publish:
		frappe.publish_progress(percent, title=_("Scoring customers"), description=description)


# ---------------------------------------------------------------- 1. aggregate


def aggregate(as_of: date, period: str, settings) -> int:
	recent_days = cint(settings.scoring_recent_days) or 180
	recent_from = as_of - timedelta(days=recent_days)
	previous_from = recent_from - timedelta(days=recent_days)
	profit_from = as_of - timedelta(days=365 * (cint(settings.profit_period_years) or 1))
	params = {
		"period": period,
		"as_of": as_of,
		"recent_from": recent_from,
		"previous_from": previous_from,
		"profit_from": profit_from,
		"activity_from": as_of - timedelta(days=RECENT_ACTIVITY_DAYS),
		"now": now_datetime(),
		"user": frappe.session.user,
	}
	frappe.db.sql("delete from `tabCustomer Health Snapshot` where period = %(period)s", params)
	# One scan of the invoices. IGNORE INDEX (customer): walking that index re-reads the table
	# page by page on large sites; a flat scan is several times faster for a full GROUP BY.
	hint = "ignore index (customer)" if frappe.db.has_index("tabSales Invoice", "customer") else ""
	frappe.db.sql(
		f"""
		insert into `tabCustomer Health Snapshot` (
			name, customer, company, period, scored_on, first_purchase, last_purchase, frequency,
			purchase_days, monetary, returns_amount, revenue_recent, revenue_previous, outstanding,
			overdue, gross_profit, open_complaints, recent_complaints, negative_interactions,
			creation, modified, owner, modified_by, docstatus, idx
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
			sum(si.outstanding_amount),
			sum(if(si.due_date < %(as_of)s and si.outstanding_amount > 0, si.outstanding_amount, 0)),
			0, 0, 0, 0,
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from `tabSales Invoice` si {hint}
		where si.docstatus = 1 and si.posting_date <= %(as_of)s
		group by si.customer, si.company
		""",
		params,
	)
	rows = frappe.db.count(SNAPSHOT, {"period": period})
	if not rows:
		return 0
	# gross profit over the profit period: net amount less the items' valuation (incoming rate)
	frappe.db.sql(
		"""
		update `tabCustomer Health Snapshot` s
		join (
			select si.customer, si.company,
				sum(sii.base_net_amount - ifnull(sii.incoming_rate, 0) * sii.stock_qty) as gross_profit
			from `tabSales Invoice` si
			join `tabSales Invoice Item` sii on sii.parent = si.name and sii.parenttype = 'Sales Invoice'
			where si.docstatus = 1 and si.posting_date > %(profit_from)s and si.posting_date <= %(as_of)s
			group by si.customer, si.company
		) g on g.customer = s.customer and g.company = s.company
		set s.gross_profit = g.gross_profit
		where s.period = %(period)s
		""",
		params,
	)
	frappe.db.sql(
		"""
		update `tabCustomer Health Snapshot` s
		join (
			select customer, count(*) as negative
			from `tabCustomer Interaction`
			where sentiment = 'Negative' and interaction_at >= %(activity_from)s
				and interaction_at < %(as_of)s + interval 1 day and customer is not null
			group by customer
		) i on i.customer = s.customer
		set s.negative_interactions = i.negative
		where s.period = %(period)s
		""",
		params,
	)
	add_complaints(params)
	return rows


def add_complaints(params):
	"""Open and recent complaints and the last satisfaction score, once complaints exist."""
	if not frappe.db.table_exists("Customer Complaint"):
		return
	from crm_plus.services import complaint_facts

	complaint_facts.update_snapshot(params)


# ---------------------------------------------------------------- 2. statistics


def add_statistics(period: str):
	"""Main company and profit rank per customer (window functions over the month's rows)."""
	params = {"period": period}
	frappe.db.sql(
		"""
		update `tabCustomer Health Snapshot` s
		join (
			select name,
				row_number() over (partition by customer order by monetary desc, company) as company_rank,
				dense_rank() over (partition by company order by gross_profit desc) as profit_rank
			from `tabCustomer Health Snapshot`
			where period = %(period)s
		) r on r.name = s.name
		set s.is_main_company = (r.company_rank = 1), s.profit_rank = r.profit_rank
		where s.period = %(period)s
		""",
		params,
	)


def get_cutpoints(period: str, as_of: date) -> dict:
	"""{company: (recency, frequency, monetary) Cutpoints} from SQL: the values at ascending
	positions ceil(k n / 5), k = 1..4, exactly as `retention.cutpoints` defines them."""
	result = {}
	for metric, expression in (
		("recency", "datediff(%(as_of)s, last_purchase)"),
		("frequency", "frequency"),
		("monetary", "monetary"),
	):
		rows = frappe.db.sql(
			f"""
			select company, rn, n, value from (
				select company, {expression} as value,
					row_number() over (partition by company order by {expression}) as rn,
					count(*) over (partition by company) as n
				from `tabCustomer Health Snapshot`
				where period = %(period)s and frequency > 0
			) t
			where rn in (ceil(n / 5), ceil(2 * n / 5), ceil(3 * n / 5), ceil(4 * n / 5))
			order by company, rn
			""",
			{"period": period, "as_of": as_of},
			as_dict=True,
		)
		by_company: dict[str, dict[int, Decimal]] = {}
		for row in rows:
			by_company.setdefault(row.company, {})[row.rn] = Decimal(str(row.value))
		sizes = {row.company: row.n for row in rows}
		for company, values in by_company.items():
			n = sizes[company]
			bounds = tuple(values[_ceil_div(k * n, 5)] for k in range(1, 5))
			result.setdefault(company, {})[metric] = retention.Cutpoints(bounds)
	return result


def get_pareto_thresholds(period: str) -> dict:
	"""{company: ParetoThresholds}: A = the customers who together make the first 80 % of revenue,
	including the one crossing it; B up to 95 %. Cumulative sums in SQL, as `retention` defines."""
	rows = frappe.db.sql(
		"""
		select company, total,
			min(if(cum - monetary < 0.80 * total, monetary, null)) as a_min,
			min(if(cum - monetary < 0.95 * total, monetary, null)) as b_min
		from (
			select company, monetary,
				sum(monetary) over (partition by company order by monetary desc, customer
					rows unbounded preceding) as cum,
				sum(monetary) over (partition by company) as total
			from `tabCustomer Health Snapshot`
			where period = %(period)s and monetary > 0
		) t
		group by company, total
		""",
		{"period": period},
		as_dict=True,
	)
	return {
		row.company: retention.ParetoThresholds(
			Decimal(str(row.a_min)), Decimal(str(row.b_min)), Decimal(str(row.total))
		)
		for row in rows
	}


def _ceil_div(a: int, b: int) -> int:
	return -(-a // b)


# ---------------------------------------------------------------- 3. score in chunks


def _chunks(period: str, size: int):
	after = ""
	while True:
		chunk = frappe.db.sql(
			"""
			select * from `tabCustomer Health Snapshot`
			where period = %(period)s and name > %(after)s
			order by name limit %(size)s
			""",
			{"period": period, "after": after, "size": size},
			as_dict=True,
		)
		if not chunk:
			return
		yield chunk
		after = chunk[-1].name


def score_chunk(rows, as_of: date, statistics, settings):
	"""Score one chunk of snapshot rows against the population's statistics; one write per chunk."""
	cutpoints, thresholds = statistics
	weights, bands = risk_settings(settings)
	default_gap = Decimal(cint(settings.default_gap_days) or 90)
	new_days = cint(settings.new_customer_days) or 90
	values = []
	for row in rows:
		facts = facts_of(row)
		company_cuts = cutpoints.get(row.company)
		rfm = (
			retention.rfm_scores(
				facts, as_of, company_cuts["recency"], company_cuts["frequency"], company_cuts["monetary"]
			)
			if company_cuts and facts.has_purchases
			else None
		)
		segment = retention.rfm_segment(rfm, facts, as_of, new_days=new_days)
		threshold = thresholds.get(row.company)
		value_class = retention.pareto_class(facts.monetary, threshold) if threshold else "C"
		risk = retention.churn_risk(facts, as_of, weights, bands, default_gap)
		values.append(
			(
				row.name,
				facts.usual_gap_days or 0,  # numeric columns are NOT NULL in Frappe: 0 = unknown
				retention.recency_days(facts, as_of) or 0,
				rfm.code if rfm else None,
				segment,
				value_class,
				risk.score,
				(risk.band or "").title() or None,
				"\n".join(risk.reasons) or None,
			)
		)
	if values:
		placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(values))
		frappe.db.sql(
			f"""
			insert into `tabCustomer Health Snapshot`
				(name, usual_gap_days, recency_days, rfm, segment, value_class, risk_score, risk_band, reasons)
			values {placeholders}
			on duplicate key update usual_gap_days = values(usual_gap_days),
				recency_days = values(recency_days), rfm = values(rfm), segment = values(segment),
				value_class = values(value_class), risk_score = values(risk_score),
				risk_band = values(risk_band), reasons = values(reasons)
			""",
			[v for row in values for v in row],
		)


def facts_of(row) -> retention.CustomerFacts:
	d = lambda v: Decimal(str(v or 0))  # noqa: E731
	first, last = row.first_purchase, row.last_purchase
	return retention.CustomerFacts(
		customer=row.customer,
		company=row.company,
		first_purchase=getdate(first) if first else None,
		last_purchase=getdate(last) if last else None,
		frequency=cint(row.frequency),
		monetary=d(row.monetary),
		returns_amount=d(row.returns_amount),
		gross_profit=d(row.gross_profit),
		revenue_recent=d(row.revenue_recent),
		revenue_previous=d(row.revenue_previous),
		outstanding=d(row.outstanding),
		overdue=d(row.overdue),
		open_complaints=cint(row.open_complaints),
		recent_complaints=cint(row.recent_complaints),
		last_satisfaction=cint(row.last_satisfaction) or None,
		negative_interactions=cint(row.negative_interactions),
		usual_gap_days=retention.usual_gap_from_span(
			getdate(first) if first else None, getdate(last) if last else None, cint(row.purchase_days)
		),
	)


def risk_settings(settings) -> tuple[retention.RiskWeights, retention.RiskBands]:
	weights = retention.RiskWeights(
		overdue_gap=cint(settings.weight_overdue_gap),
		revenue_trend=cint(settings.weight_revenue_trend),
		returns_ratio=cint(settings.weight_returns_ratio),
		overdue_receivables=cint(settings.weight_overdue_receivables),
		complaints=cint(settings.weight_complaints),
		negative_interactions=cint(settings.weight_negative_interactions),
	)
	try:
		bands = retention.RiskBands(
			medium=cint(settings.band_medium),
			high=cint(settings.band_high),
			critical=cint(settings.band_critical),
		)
	except ValueError as e:
		frappe.throw(_("Churn risk bands in CRM Plus Settings are invalid: {0}").format(str(e)))
	return weights, bands


# ---------------------------------------------------------------- 4. onto the Customer


def copy_to_customers(period: str):
	"""The main company's figures onto the Customer; customers with nothing to score are cleared."""
	frappe.db.sql(
		"""
		update `tabCustomer` c
		join `tabCustomer Health Snapshot` s
			on s.customer = c.name and s.period = %(period)s and s.is_main_company = 1
		set c.crm_segment = s.segment, c.crm_value_class = s.value_class, c.crm_rfm = s.rfm,
			c.crm_profit_rank = s.profit_rank, c.crm_churn_risk = s.risk_score,
			c.crm_churn_risk_band = s.risk_band, c.crm_churn_reasons = s.reasons,
			c.crm_scored_on = %(now)s
		""",
		{"period": period, "now": now_datetime()},
	)
	frappe.db.sql(
		"""
		update `tabCustomer` c
		left join `tabCustomer Health Snapshot` s on s.customer = c.name and s.period = %(period)s
		set c.crm_segment = null, c.crm_value_class = null, c.crm_rfm = null, c.crm_profit_rank = 0,
			c.crm_churn_risk = 0, c.crm_churn_risk_band = null, c.crm_churn_reasons = null,
			c.crm_scored_on = null
		where c.crm_scored_on is not null and s.name is null
		""",
		{"period": period},
	)
