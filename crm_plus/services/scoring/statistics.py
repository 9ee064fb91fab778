"""Step 2: the population's statistics per company in SQL window functions (main company, profit rank,
RFM cut points, 80/20 thresholds), computed exactly as `crm_plus.domain.retention` specifies them; a
differential test holds the two together."""

from datetime import date
from decimal import Decimal

import frappe

from crm_plus.domain import retention


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
