"""Step 2: the population's statistics per company in SQL window functions (main company and profit
rank, written by the aggregate; RFM cut points, 80/20 thresholds), computed exactly as `crm_plus.domain.retention` specifies them; a
differential test holds the two together."""

from datetime import date
from decimal import Decimal

import frappe

from crm_plus.domain import retention


def ranks(customer: str, company: str, monetary: str, gross_profit: str) -> str:
	"""The select list of each row's main-company flag and profit rank, by window functions over the
	month's rows (one sort each), as `retention.main_company` and `retention.profit_ranks` define them:
	the company the customer bought most from (a tie to the first by name), and the dense rank by gross
	profit within the company (ties share a rank). The aggregate writes them with the facts."""
	return (
		f"row_number() over (partition by {customer} order by {monetary} desc, {company}) = 1, "
		f"dense_rank() over (partition by {company} order by {gross_profit} desc)"
	)


def stored_ranks(period: str) -> dict:
	"""{name: (is_main_company, profit_rank)} by `ranks` over the month's stored rows (the differential
	test holds the expressions the aggregate writes to the domain through this)."""
	rows = frappe.db.sql(
		f"""
		select name, {ranks("customer", "company", "monetary", "gross_profit")}
		from `tabCustomer Health Snapshot`
		where period = %(period)s
		""",
		{"period": period},
	)
	return {name: (int(main), int(rank)) for name, main, rank in rows}


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
