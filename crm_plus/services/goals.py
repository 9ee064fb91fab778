"""CRM goals measured from real data: each metric is one or two set-based queries over its period."""

from datetime import timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder.functions import Avg, Date, UnixTimestamp
from frappe.utils import getdate, now_datetime, today

from crm_plus.constants import CRM_GOAL, CUSTOMER_COMPLAINT
from crm_plus.domain import goals
from crm_plus.services import jobs

GOAL = CRM_GOAL


def validate(doc):
	if getdate(doc.period_end) < getdate(doc.period_start):
		frappe.throw(_("The period must end after it starts"))
	try:
		# a former internal name (an older script or API client) is stored as the metric it names
		doc.metric = goals.metric_of(doc.metric)
	except ValueError:
		doc.metric = None
	if not doc.metric:
		frappe.throw(
			_("Metric must be one of {0}").format(", ".join(_(m) for m in goals.METRICS)),
			title=_("Invalid Metric"),
		)
	doc.direction = goals.direction(doc.metric)  # a Select: shown translated, stored as the option
	doc.goal_name = doc.goal_name or _(doc.metric)  # its title: the metric unless the owner names it


@jobs.background_job("goals")
def measure_all(as_of=None) -> int:
	"""Daily: measure every goal whose period is running or ended in the last week. Each goal is one
	step (its day's measurement replaced, never added twice), so a rerun after a fault gives the same."""
	as_of = getdate(as_of or today())
	names = frappe.get_all(
		GOAL,
		filters={"period_start": ("<=", as_of), "period_end": (">=", as_of - timedelta(days=7))},
		pluck="name",
	)
	for name in names:
		measure(name, as_of)
		jobs.step(1)
	return len(names)


def measure(name: str, as_of=None):
	as_of = getdate(as_of or today())
	doc = frappe.get_doc(GOAL, name)
	start, end = getdate(doc.period_start), getdate(doc.period_end)
	value = metric_value(doc.metric, doc.company, start, min(end, as_of))
	result = goals.progress(doc.metric, value, Decimal(str(doc.target)), start, end, as_of)
	doc.current_value = float(value) if value is not None else 0
	doc.progress = float(result.percent)
	doc.status = result.status
	doc.last_measured_on = now_datetime()
	doc.measurements = [m for m in doc.measurements if getdate(m.measured_on) != as_of]
	doc.append("measurements", {"measured_on": as_of, "value": doc.current_value, "progress": doc.progress})
	doc.flags.ignore_permissions = True
	doc.save()
	return doc


def metric_value(metric: str, company: str, start, end) -> Decimal | None:
	"""The metric (`goals.METRICS`, or its former internal name) measured for a company over a period."""
	return METRIC_FUNCTIONS[goals.metric_of(metric)](company, start, end)


def _one(sql: str, values: dict):
	row = frappe.db.sql(sql, values, as_dict=True)
	return row[0] if row else frappe._dict()


def _customers_with_purchases(company, start, end):
	return """
		select customer, count(distinct posting_date) as days, min(posting_date) as first_day
		from `tabSales Invoice`
		where company = %(company)s and docstatus = 1 and is_return = 0
			and posting_date between %(start)s and %(end)s
		group by customer
	"""


def repurchase_rate(company, start, end):
	row = _one(
		f"select count(*) as buyers, sum(days > 1) as repeaters from ({_customers_with_purchases(company, start, end)}) t",
		{"company": company, "start": start, "end": end},
	)
	return goals.rate(row.repeaters or 0, row.buyers or 0)


def retention_rate(company, start, end):
	length = (end - start).days + 1
	row = _one(
		"""
		select count(*) as before_buyers, sum(exists (
			select 1 from `tabSales Invoice` n where n.customer = p.customer and n.company = %(company)s
				and n.docstatus = 1 and n.is_return = 0 and n.posting_date between %(start)s and %(end)s
		)) as kept
		from (
			select distinct customer from `tabSales Invoice`
			where company = %(company)s and docstatus = 1 and is_return = 0
				and posting_date between %(previous_start)s and %(previous_end)s
		) p
		""",
		{
			"company": company,
			"start": start,
			"end": end,
			"previous_start": start - timedelta(days=length),
			"previous_end": start - timedelta(days=1),
		},
	)
	return goals.rate(row.kept or 0, row.before_buyers or 0)


def churn_rate(company, start, end):
	retained = retention_rate(company, start, end)
	return None if retained is None else Decimal(100) - retained


def new_customer_return_rate(company, start, end):
	row = _one(
		"""
		select count(*) as new_customers, sum(t.days > 1) as returned from (
			select customer, min(posting_date) as first_day,
				count(distinct if(posting_date <= %(end)s, posting_date, null)) as days
			from `tabSales Invoice`
			where company = %(company)s and docstatus = 1 and is_return = 0
			group by customer
		) t
		where t.first_day between %(start)s and %(end)s
		""",
		{"company": company, "start": start, "end": end},
	)
	return goals.rate(row.returned or 0, row.new_customers or 0)


def top20_revenue_share(company, start, end):
	rows = frappe.db.sql(
		"""
		select revenue from (
			select sum(base_net_total) as revenue from `tabSales Invoice`
			where company = %(company)s and docstatus = 1 and posting_date between %(start)s and %(end)s
			group by customer
		) t where revenue > 0 order by revenue desc
		""",
		{"company": company, "start": start, "end": end},
		pluck=True,
	)
	if not rows:
		return None
	top = max(1, -(-len(rows) // 5))
	return goals.rate(Decimal(str(sum(rows[:top]))), Decimal(str(sum(rows))))


def average_satisfaction(company, start, end):
	c = frappe.qb.DocType(CUSTOMER_COMPLAINT)
	average = (
		frappe.qb.from_(c)
		.select(Avg(c.satisfaction))
		.where((c.company == company) & (c.satisfaction > 0) & (Date(c.satisfaction_on)[start:end]))
		.run()[0][0]
	)
	return Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else None


def sla_compliance(company, start, end):
	if not frappe.get_meta("Customer Complaint").has_field("sla_resolution_by"):
		return None
	row = _one(
		"""
		select count(*) as resolved, sum(sla_resolution_date <= sla_resolution_by) as met
		from `tabCustomer Complaint`
		where company = %(company)s and sla_resolution_date is not null and sla_resolution_by is not null
			and date(sla_resolution_date) between %(start)s and %(end)s
		""",
		{"company": company, "start": start, "end": end},
	)
	return goals.rate(row.met or 0, row.resolved or 0)


def average_resolution_hours(company, start, end):
	c = frappe.qb.DocType(CUSTOMER_COMPLAINT)
	minutes = (
		frappe.qb.from_(c)
		.select(Avg(UnixTimestamp(c.resolved_on) - UnixTimestamp(c.opened_on)) / 60)
		.where((c.company == company) & c.resolved_on.isnotnull() & (Date(c.resolved_on)[start:end]))
		.run()[0][0]
	)
	return (Decimal(str(minutes)) / 60).quantize(Decimal("0.1")) if minutes is not None else None


def campaign_roi(company, start, end):
	from crm_plus.services.campaigns.figures import figures_of

	names = frappe.get_all(
		"Campaign",
		filters={"crm_company": company, "crm_start_date": ("<=", end), "crm_end_date": (">=", start)},
		pluck="name",
	)
	value = cost = Decimal(0)
	for figures in figures_of(names).values():  # a fixed number of queries for all the campaigns
		for row in figures["companies"]:  # only the goal's company: one currency, never several
			if row["company"] == company:
				value += row["roi_value"]
				cost += row["cost"]
	return ((value - cost) / cost * 100).quantize(Decimal("0.1")) if cost else None


def interactions_per_active_customer(company, start, end):
	"""Interactions with the customers who bought from the company in the period, per such customer."""
	row = _one(
		f"""
		select count(i.name) as interactions, count(distinct t.customer) as active
		from ({_customers_with_purchases(company, start, end)}) t
		left join `tabCustomer Interaction` i on i.customer = t.customer
			and i.interaction_at >= %(start)s and i.interaction_at < %(end)s + interval 1 day
		""",
		{"company": company, "start": start, "end": end},
	)
	if not row.active:
		return None
	return (Decimal(row.interactions or 0) / Decimal(row.active)).quantize(Decimal("0.01"))


METRIC_FUNCTIONS = {
	goals.REPURCHASE_RATE: repurchase_rate,
	goals.RETENTION_RATE: retention_rate,
	goals.CHURN_RATE: churn_rate,
	goals.NEW_CUSTOMER_RETURN_RATE: new_customer_return_rate,
	goals.TOP20_REVENUE_SHARE: top20_revenue_share,
	goals.AVERAGE_SATISFACTION: average_satisfaction,
	goals.SLA_COMPLIANCE: sla_compliance,
	goals.AVERAGE_RESOLUTION_HOURS: average_resolution_hours,
	goals.CAMPAIGN_ROI: campaign_roi,
	goals.INTERACTIONS_PER_ACTIVE_CUSTOMER: interactions_per_active_customer,
}
