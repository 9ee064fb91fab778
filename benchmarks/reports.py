"""Benchmark: every crm_plus report against ERPNext's own "Inactive Customers" report.

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/reports.py SITE [--runs 3]
        [--only "Churn Risk,Campaign ROI"] [--anchor-runs 1]

Each report runs through `frappe.desk.query_report.run` (what Desk calls) as Administrator with the
filters a user gets on opening it (the form's defaults) and, for reports with a date range, once more
over the whole data set ("3 years"). The anchor is ERPNext's Inactive Customers report on Sales
Invoice with 60 days, run on the same data in the same run. Goal: each crm_plus report at least 10x
faster. It prints a table and asserts nothing.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import StatementCounter, environment, median, site, table, timed

ANCHOR = ("Inactive Customers", {"doctype": "Sales Invoice", "days_since_last_order": 60})


def cases(frappe) -> list[tuple[str, str, dict]]:
	from frappe.utils import add_months, add_years, get_first_day, today

	company = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	now = today()
	whole = {"from_date": add_years(now, -3), "to_date": now}
	campaign = frappe.db.get_value("Campaign", {}, "name", order_by="creation desc")

	def months(n):
		return {"from_date": add_months(now, -n), "to_date": now}

	return [
		# the reports that list every customer open on their first page (Show: Top 500)
		("Churn Risk", "default", {"company": company, "min_score": 0}),
		("Churn Risk", "Show: All", {"company": company, "min_score": 0, "show": "All"}),
		("Customer Value Segmentation", "segments", {"company": company, "view": "Segments"}),
		("Customer Value Segmentation", "RFM grid", {"company": company, "view": "RFM Grid"}),
		("Customer Priority", "default", {"company": company}),
		("Customer Priority", "Show: All", {"company": company, "show": "All"}),
		("Repeat Purchase and Cohorts", "12 months", {"company": company, **months(12), "months": 6}),
		("Repeat Purchase and Cohorts", "3 years", {"company": company, **whole, "months": 6}),
		("Retention Effectiveness", "12 months", {"company": company, **months(12), "group_by": "Owner"}),
		("Campaign ROI", "all campaigns", {"company": company}),
		("Campaign Funnel", "one campaign", {"campaign": campaign}),
		("Campaign Funnel", "all campaigns", {}),
		("Complaint SLA Compliance", "6 months", {"company": company, **months(6), "group_by": "Priority"}),
		("Complaint SLA Compliance", "3 years", {"company": company, **whole, "group_by": "Month"}),
		("Complaint Ageing", "default", {"company": company, "group_by": "Status"}),
		("Root Cause Pareto", "6 months", {"company": company, **months(6), "measure": "Count"}),
		("Root Cause Pareto", "3 years", {"company": company, **whole, "measure": "Cost"}),
		("Customer Satisfaction", "6 months", {"company": company, **months(6)}),
		("Customer Satisfaction", "3 years", {"company": company, **whole}),
		("Interaction Activity", "3 months", {**months(3), "group_by": "User", "period": "Monthly"}),
		("Interaction Activity", "3 years", {**whole, "group_by": "Channel", "period": "Monthly"}),
		("Follow-ups Due", "default", {"days_ahead": 7}),
		("CRM Team Leaderboard", "this month", {"from_date": get_first_day(now), "to_date": now}),
		("CRM Team Leaderboard", "3 years", whole),
		("CRM Goal Progress", "default", {"company": company, "only_running": 1}),
	]


def run_report(frappe, name: str, filters: dict):
	from frappe.desk.query_report import run

	frappe.db.rollback()  # each run starts a fresh transaction, as a request would
	return run(name, filters=filters, ignore_prepared_report=True)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--runs", type=int, default=3)
	parser.add_argument("--anchor-runs", type=int, default=1)
	parser.add_argument("--only", default="", help="comma-separated report names")
	args = parser.parse_args()
	only = {name.strip() for name in args.only.split(",") if name.strip()}

	with site(args.site) as frappe:
		table(["", ""], environment(frappe), "Environment")
		anchor_seconds, anchor_result = timed(
			lambda: run_report(frappe, *ANCHOR), runs=args.anchor_runs, warmup=0
		)
		anchor = median(anchor_seconds)
		rows = [
			[
				f"{ANCHOR[0]} (ERPNext, Sales Invoice, 60 days)",
				"anchor",
				anchor,
				1.0,
				"",
				len(anchor_result["result"]),
			]
		]
		for name, label, filters in cases(frappe):
			if only and name not in only:
				continue
			with StatementCounter(frappe) as counter:
				seconds, result = timed(
					lambda name=name, filters=filters: run_report(frappe, name, filters), runs=args.runs
				)
			statements = counter.count // (args.runs + 1)
			rows.append(
				[name, label, median(seconds), anchor / median(seconds), statements, len(result["result"])]
			)
		table(
			["report", "filters", "seconds (median)", "x faster than anchor", "statements", "rows"],
			rows,
			"crm_plus reports against ERPNext's Inactive Customers",
		)


if __name__ == "__main__":
	main()
