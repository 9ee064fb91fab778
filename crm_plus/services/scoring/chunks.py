"""Step 3: the snapshot rows read in chunks (keyset by name, memory bounded by the chunk size) and scored
by `crm_plus.domain.retention`, one write per chunk."""

from datetime import date
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, getdate

from crm_plus.constants import HEALTH_SNAPSHOT
from crm_plus.domain import retention
from crm_plus.services.sql import to_decimal as _decimal

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


def read_chunks(period: str, size: int, after: str = "", upto: str | None = None):
	s = frappe.qb.DocType(HEALTH_SNAPSHOT)
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
	translated = {}  # each reason's template translated once per chunk, not once per reason
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
				retention.band_label(risk.band),
				# stored in the site's language (the job runs in it), as ERPNext stores its own texts
				"\n".join(_translated(translated, template).format(*args) for template, args in risk.messages)
				or None,
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


def _translated(cache: dict, template: str) -> str:
	if template not in cache:
		cache[template] = _(template)
	return cache[template]


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
