"""Value and churn-risk scoring of every customer of every company, set-based.

The job never runs one query per customer. For a month (`period`, YYYY-MM) it:

1. aggregates all submitted Sales Invoices per customer and company with ONE scan of a covering index
   (`crm_plus_scoring`, added at install) into the month's Customer Health Snapshot rows (an upsert,
   so a re-run gives the same result), then adds gross profit (through the `crm_plus_profit` index on
   the items), complaints and negative interactions with one statement each;
2. computes the population statistics per company in SQL (RFM quintile cut points, the 80/20
   thresholds, the profit rank and each customer's main company) over the snapshot rows;
3. reads the snapshot rows in chunks (keyset by name, so memory is bounded by the chunk size) and lets
   `crm_plus.domain.retention` score each one, writing a chunk back with one statement. The chunks can
   be spread over several RQ workers (`Scoring Workers` in CRM Plus Settings): each part scores a
   range of names with the same statistics, so the result is the same as one worker's;
4. copies the main company's figures onto the Customer, writing only the customers whose figures
   changed, with one UPDATE ... JOIN.

Every statement is parameterised. As a background job (`run`) it reads in READ COMMITTED, so its long
scans take no locks on the invoices that users are submitting, and it commits after each step and
chunk; every step is idempotent, so a failed run is repaired by the next. Enqueuing it twice runs it
once (job id, deduplication, and a run lock held until the last part finishes). Invoices, payments,
complaints or interactions changed while it ran are picked up by `rescore_if_changed` (every 15
minutes), so the stored figures converge to a full recompute.
"""

import contextlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, getdate, now_datetime, today

from crm_plus.domain import retention
from crm_plus.services.settings import get_settings
from crm_plus.services.setup import index_hint

SNAPSHOT = "Customer Health Snapshot"
JOB_ID = "crm_plus::score_customers"
RUN_LOCK = "crm_plus:scoring:run"  # Redis key held from the start of a run until its last part ends
RUN_LOCK_SECONDS = 4 * 3600
RECENT_ACTIVITY_DAYS = 90  # complaints and negative interactions counted as "recent"

# What the chunks read: the facts the domain scores, nothing more.
FACT_COLUMNS = (
	"name",
	"customer",
	"company",
	"first_purchase",
	"last_purchase",
	"frequency",
	"purchase_days",
	"monetary",
	"returns_amount",
	"gross_profit",
	"revenue_recent",
	"revenue_previous",
	"outstanding",
	"overdue",
	"open_complaints",
	"recent_complaints",
	"last_satisfaction",
	"negative_interactions",
)


@dataclass
class Run:
	"""What every part of one run shares: the day, the month and the population's statistics."""

	as_of: date
	period: str
	rows: int
	cutpoints: dict
	thresholds: dict
	run_id: str = ""
	started: str = ""


# ---------------------------------------------------------------- jobs


def enqueue_daily_scoring():
	"""Scheduler (daily_long): score every customer in the background."""
	return enqueue_scoring()


def enqueue_scoring(as_of: str | None = None):
	frappe.enqueue(
		"crm_plus.services.scoring.run",
		queue="long",
		timeout=RUN_LOCK_SECONDS,
		job_id=JOB_ID,
		deduplicate=True,
		as_of=as_of,
	)


def rescore_if_changed():
	"""Scheduler (every 15 minutes): score again when invoices, payments, complaints or interactions
	changed since the last run started. Four indexed look-ups when nothing changed."""
	if not cint(get_settings().rescore_on_change):
		return False
	last = frappe.db.get_single_value("CRM Plus Settings", "last_scoring_started")
	if last and not changed_since(get_datetime(last)):
		return False
	enqueue_scoring()
	return True


def changed_since(moment) -> bool:
	for doctype in ("Sales Invoice", "Payment Ledger Entry", "Customer Complaint", "Customer Interaction"):
		if frappe.db.exists(doctype, {"modified": (">=", moment)}):
			return True
	return False


def run(as_of=None, parts: int | None = None):
	"""The background job. With `parts` > 1 (default: the setting) the scoring of the chunks is split
	into that many jobs for the RQ workers; the last one to finish copies the figures onto customers."""
	run_id = uuid.uuid4().hex
	if not _acquire_lock(run_id):
		return {"skipped": _("A scoring run is already in progress")}
	try:
		settings = get_settings()
		parts = max(1, cint(parts or settings.scoring_workers or 1))
		with read_committed():
			state = prepare(as_of, settings, commit=True)
		state.run_id = run_id
		if parts == 1 or state.rows <= cint(settings.scoring_chunk_size or 5000):
			with read_committed():
				score_range(state, settings=settings, commit=True)
			return finish(state)
		ranges = split(state.period, parts)
		frappe.cache.set(_remaining_key(run_id), len(ranges), ex=RUN_LOCK_SECONDS)
		for number, (after, upto) in enumerate(ranges):
			frappe.enqueue(
				"crm_plus.services.scoring.run_part",
				queue="long",
				timeout=RUN_LOCK_SECONDS,
				job_id=f"{JOB_ID}::{run_id}::{number}",
				state=state,
				after=after,
				upto=upto,
			)
		frappe.cache.set(
			frappe.cache.make_key(f"crm_plus:scoring:{run_id}:parts"), len(ranges), ex=RUN_LOCK_SECONDS
		)
		return {"run_id": run_id, "parts": len(ranges), "rows": state.rows}
	except Exception:
		_release_lock(run_id)
		raise


def run_part(state: Run, after: str, upto: str | None):
	"""One part of a split run: score the snapshot rows with names in (after, upto]."""
	with read_committed():
		score_range(state, after=after, upto=upto, commit=True)
	if frappe.cache.decr(_remaining_key(state.run_id)) <= 0:
		finish(state)


def finish(state: Run) -> dict:
	try:
		with read_committed():
			changed = copy_to_customers(state.period)
		frappe.db.set_single_value(
			"CRM Plus Settings",
			{
				"last_scoring_started": state.started,
				"last_scoring_finished": now_datetime(),
				"last_scoring_rows": state.rows,
			},
		)
		frappe.db.commit()  # nosemgrep: the job's last step
		frappe.cache.incr(frappe.cache.make_key("crm_plus:scoring:runs"))
		frappe.cache.set(
			frappe.cache.make_key("crm_plus:scoring:last_run"), state.run_id, ex=RUN_LOCK_SECONDS
		)
	finally:
		frappe.cache.delete(_remaining_key(state.run_id))
		_release_lock(state.run_id)
	return {"run_id": state.run_id, "period": state.period, "rows": state.rows, "customers_changed": changed}


def split(period: str, parts: int) -> list[tuple[str, str | None]]:
	"""Ranges (after, upto] of snapshot names with about the same number of rows each."""
	s = frappe.qb.DocType(SNAPSHOT)
	rows = frappe.db.count(SNAPSHOT, {"period": period})
	bounds = []
	for k in range(1, parts):
		name = (
			frappe.qb.from_(s)
			.select(s.name)
			.where(s.period == period)
			.orderby(s.name)
			.limit(1)
			.offset(k * rows // parts)
			.run()
		)
		if name and (not bounds or name[0][0] > bounds[-1]):
			bounds.append(name[0][0])
	edges = ["", *bounds]
	return [(edges[i], edges[i + 1] if i + 1 < len(edges) else None) for i in range(len(edges))]


def _remaining_key(run_id: str) -> str:
	return frappe.cache.make_key(f"crm_plus:scoring:{run_id}:remaining")


def _acquire_lock(run_id: str) -> bool:
	return bool(frappe.cache.set(frappe.cache.make_key(RUN_LOCK), run_id, nx=True, ex=RUN_LOCK_SECONDS))


def _release_lock(run_id: str):
	key = frappe.cache.make_key(RUN_LOCK)
	holder = frappe.cache.get(key)
	if holder is not None and holder.decode() == run_id:
		frappe.cache.delete(key)


@contextlib.contextmanager
def read_committed():
	"""Run the block in READ COMMITTED: INSERT ... SELECT and UPDATE ... JOIN read the invoices as a
	consistent read instead of locking every row they scan (REPEATABLE READ would take shared
	next-key locks and make users' submits wait). Commits what the block did."""
	_set_isolation("read committed")
	try:
		yield
		frappe.db.commit()  # nosemgrep
	finally:
		frappe.db.rollback()
		_set_isolation("repeatable read")


def _set_isolation(level: str):
	"""A transaction takes the session's level when it starts, and Frappe starts the next one as it
	commits: so commit, set the level, and commit the empty transaction to start one at that level."""
	frappe.db.commit()  # nosemgrep
	frappe.db.sql(f"set session transaction isolation level {level}")
	frappe.db.commit()  # nosemgrep


# ---------------------------------------------------------------- the whole run in one call


def score_all(as_of=None, chunk_size: int | None = None, publish: bool = True, commit: bool = False) -> dict:
	"""Score every customer of every company as of a day; returns counts. Safe to re-run. In one
	transaction unless `commit` (the background job commits each step)."""
	settings = get_settings()
	state = prepare(as_of, settings, commit=commit, publish=publish)
	scored = score_range(state, settings=settings, chunk_size=chunk_size, commit=commit, publish=publish)
	changed = copy_to_customers(state.period)
	_progress(publish, 100, _("Done"))
	return {"period": state.period, "rows": state.rows, "scored": scored, "customers_changed": changed}


def prepare(as_of, settings, commit: bool = False, publish: bool = False) -> Run:
	as_of = getdate(as_of or today())
	period = as_of.strftime("%Y-%m")
	started = now_datetime()  # the site's time zone, as `modified` is stored (not the server's now())
	_progress(publish, 0, _("Aggregating invoices"))
	rows = aggregate(as_of, period, settings)
	_commit(commit)
	add_statistics(period)
	_commit(commit)
	return Run(
		as_of=as_of,
		period=period,
		rows=rows,
		cutpoints=get_cutpoints(period, as_of),
		thresholds=get_pareto_thresholds(period),
		started=str(started),
	)


def score_range(
	state: Run,
	after: str = "",
	upto: str | None = None,
	settings=None,
	chunk_size: int | None = None,
	commit: bool = False,
	publish: bool = False,
) -> int:
	settings = settings or get_settings()
	chunk_size = chunk_size or cint(settings.scoring_chunk_size) or 5000
	scored = 0
	for chunk in _chunks(state.period, chunk_size, after, upto):
		score_chunk(chunk, state.as_of, (state.cutpoints, state.thresholds), settings)
		_commit(commit)
		scored += len(chunk)
		_progress(
			publish,
			10 + 85 * scored / max(state.rows, 1),
			_("Scored {0} of {1}").format(scored, state.rows),
		)
	return scored


def _commit(commit: bool):
	if commit:
		frappe.db.commit()  # nosemgrep: a long job commits each step and chunk (each is idempotent)


def _progress(publish, percent, description):
	if publish:
		frappe.publish_progress(percent, title=_("Scoring customers"), description=description)


# ---------------------------------------------------------------- 1. aggregate


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
			sum(si.outstanding_amount),
			sum(if(si.due_date < %(as_of)s and si.outstanding_amount > 0, si.outstanding_amount, 0)),
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
	rows = frappe.db.count(SNAPSHOT, {"period": period})
	if not rows:
		return 0
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


def _chunks(period: str, size: int, after: str = "", upto: str | None = None):
	s = frappe.qb.DocType(SNAPSHOT)
	while True:
		query = (
			frappe.qb.from_(s)
			.select(*(s[column] for column in FACT_COLUMNS))
			.where((s.period == period) & (s.name > after))
			.orderby(s.name)
			.limit(size)
		)
		if upto is not None:
			query = query.where(s.name <= upto)
		chunk = query.run(as_dict=True)
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
	"""The domain's facts from a snapshot row (the driver already gives Decimal, date and int)."""
	first, last = _date(row.first_purchase), _date(row.last_purchase)
	return retention.CustomerFacts(
		customer=row.customer,
		company=row.company,
		first_purchase=first,
		last_purchase=last,
		frequency=int(row.frequency or 0),
		monetary=_decimal(row.monetary),
		returns_amount=_decimal(row.returns_amount),
		gross_profit=_decimal(row.gross_profit),
		revenue_recent=_decimal(row.revenue_recent),
		revenue_previous=_decimal(row.revenue_previous),
		outstanding=_decimal(row.outstanding),
		overdue=_decimal(row.overdue),
		open_complaints=int(row.open_complaints or 0),
		recent_complaints=int(row.recent_complaints or 0),
		last_satisfaction=int(row.last_satisfaction or 0) or None,
		negative_interactions=int(row.negative_interactions or 0),
		usual_gap_days=retention.usual_gap_from_span(first, last, int(row.purchase_days or 0)),
	)


def _decimal(value) -> Decimal:
	return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _date(value) -> date | None:
	return value if isinstance(value, date) or value is None else getdate(value)


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

COPIED = (  # Customer field, snapshot column
	("crm_segment", "segment"),
	("crm_value_class", "value_class"),
	("crm_rfm", "rfm"),
	("crm_profit_rank", "profit_rank"),
	("crm_churn_risk", "risk_score"),
	("crm_churn_risk_band", "risk_band"),
	("crm_churn_reasons", "reasons"),
)


def keep_scores(doc, method=None):
	"""doc_event (Customer validate): the scoring job owns the figures it copies onto the Customer. A form
	opened before a run would otherwise write the old ones back on save (Frappe writes every column);
	a locking read takes the latest committed figures, even those of a run committing meanwhile."""
	if doc.is_new():
		return
	stored = frappe.db.get_value(
		"Customer",
		doc.name,
		[field for field, _column in COPIED] + ["crm_scored_on"],
		as_dict=True,
		for_update=True,
	)
	if stored:
		doc.update(stored)


def copy_to_customers(period: str) -> int:
	"""The main company's figures onto the Customer, only where they changed (a re-run the same day
	writes nothing); customers with nothing to score are cleared. Returns the customers written."""
	changed = " or ".join(f"not (c.{field} <=> s.{column})" for field, column in COPIED)
	frappe.db.sql(
		f"""
		update `tabCustomer Health Snapshot` s straight_join `tabCustomer` c on c.name = s.customer
		set {", ".join(f"c.{field} = s.{column}" for field, column in COPIED)}, c.crm_scored_on = %(now)s
		where s.period = %(period)s and s.is_main_company = 1 and ({changed} or c.crm_scored_on is null)
		""",
		{"period": period, "now": now_datetime()},
	)
	written = frappe.db.sql("select row_count()")[0][0]
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
	return written + frappe.db.sql("select row_count()")[0][0]
