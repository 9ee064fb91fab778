"""Benchmark: the Customer 360 first page for customers whose records lie at the start, in the
middle and at the end of the data's time range, each with 10,000 records.

Run inside a bench (it needs Frappe and a site with ERPNext and crm_plus):

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/customer_360.py SITE [--records 10000]

It inserts (once, set-based) three benchmark customers with interactions, quotations, sales orders,
invoices, credit notes and payments as raw rows, spread over the first, the middle or the last sixth of
the time range of the site's invoices (a customer who used to buy and stopped is the one whose plan a
time-only index ruins). It then times `get_360` for each, counts its queries and prints the plan of every
query of the page (EXPLAIN: table, type, key, rows). It prints tables; it asserts nothing.
"""

import argparse
import statistics
import time
from datetime import datetime, timedelta

CUSTOMER = "_Bench 360 Customer"  # earlier versions' single customer (records from 2020)
POSITIONS = ("old", "middle", "recent")  # where a customer's records lie in the data's time range
KINDS = (  # doctype, share of the records, extra columns
	("Customer Interaction", 0.3),
	("Quotation", 0.1),
	("Sales Order", 0.15),
	("Sales Invoice", 0.25),
	("Sales Invoice Return", 0.05),
	("Payment Entry", 0.15),
)


def time_range(frappe) -> tuple[datetime, datetime]:
	"""The first and last posting dates of the site's invoices (the last three years when it has none)."""
	first, last = frappe.db.sql(
		"""select min(posting_date), max(posting_date) from `tabSales Invoice`
		where name not like 'BENCH-%%' and docstatus = 1"""
	)[0]
	last = last or frappe.utils.getdate()
	first = first or frappe.utils.add_days(last, -3 * 365)
	return datetime.combine(first, datetime.min.time()), datetime.combine(last, datetime.min.time())


def customer_of(position: str) -> str:
	return f"_Bench 360 {position.title()} Customer"


def seed(frappe, records: int, position: str) -> int:
	customer = customer_of(position)
	existing = frappe.db.count("Customer Interaction", {"customer": customer})
	if existing:
		return existing
	from crm_plus.tests.utils import create_customer, get_company

	create_customer(customer)
	company = get_company()
	first, last = time_range(frappe)
	sixth = (last - first) / 6
	start = {"old": first, "middle": first + 2.5 * sixth, "recent": last - sixth}[position]
	step = sixth / max(records, 1)
	now = frappe.utils.now()
	common = {"owner": "Administrator", "modified_by": "Administrator", "creation": now, "modified": now}
	for doctype, share in KINDS:
		count = int(records * share)
		rows = []
		for i in range(count):
			when = start + timedelta(hours=9) + step * (i / share)
			name = f"BENCH-{position[:3].upper()}-{doctype[:3].upper()}-{doctype[-3:].upper()}-{i:06}"
			if doctype == "Customer Interaction":
				row = {
					"name": name,
					"party_type": "Customer",
					"party": customer,
					"customer": customer,
					"party_name": customer,
					"interaction_at": when,
					"subject": f"Bench touch {i}",
					"channel": "Phone",
					"direction": "Outbound",
					"touchpoint": "Sales",
					"sale_stage": "Sale",
					"interaction_type": "Other",
					"sentiment": "Neutral",
					"user": "Administrator",
				}
			elif doctype == "Quotation":
				row = {
					"name": name,
					"quotation_to": "Customer",
					"party_name": customer,
					"company": company,
					"transaction_date": when.date(),
					"title": customer,
					"status": "Submitted",
					"docstatus": 1,
					"grand_total": 100 + i % 50,
					"currency": "USD",
				}
			elif doctype == "Sales Order":
				row = {
					"name": name,
					"customer": customer,
					"company": company,
					"transaction_date": when.date(),
					"title": customer,
					"status": "Completed",
					"docstatus": 1,
					"grand_total": 100,
					"currency": "USD",
				}
			elif doctype.startswith("Sales Invoice"):
				is_return = doctype.endswith("Return")
				row = {
					"name": name,
					"customer": customer,
					"company": company,
					"posting_date": when.date(),
					"due_date": when.date(),
					"title": customer,
					"status": "Return" if is_return else "Paid",
					"docstatus": 1,
					"is_return": int(is_return),
					"grand_total": -10 if is_return else 100,
					"base_net_total": -10 if is_return else 100,
					"outstanding_amount": 0,
					"currency": "USD",
				}
			else:
				row = {
					"name": name,
					"party_type": "Customer",
					"party": customer,
					"company": company,
					"posting_date": when.date(),
					"title": customer,
					"payment_type": "Receive",
					"docstatus": 1,
					"paid_amount": 100,
					"paid_from_account_currency": "USD",
				}
			rows.append({**common, **row})
		table = "Sales Invoice" if doctype.startswith("Sales Invoice") else doctype
		fields = list(rows[0])
		frappe.db.bulk_insert(
			table, fields, [tuple(r[f] for f in fields) for r in rows], ignore_duplicates=True
		)
	frappe.db.commit()
	return records


def measure(frappe, customer: str, runs: int):
	"""Milliseconds and queries of each run of the first page, the page, and the statements of a run."""
	from crm_plus.services.customer_360 import get_360

	get_360(customer)  # warm the metadata caches
	timings, queries, statements = [], [], []
	original = frappe.db.__class__.sql

	def counting(self, query, values=(), *args, **kwargs):
		queries[-1] += 1
		statements.append((query, values))
		return original(self, query, values, *args, **kwargs)

	frappe.db.__class__.sql = counting
	try:
		for _ in range(runs):
			queries.append(0)
			statements.clear()
			started = time.perf_counter()
			page = get_360(customer, limit=50)
			timings.append((time.perf_counter() - started) * 1000)
	finally:
		frappe.db.__class__.sql = original
	return timings, queries, page, list(statements)


def plans(frappe, statements) -> list[tuple]:
	"""EXPLAIN of each select of a run: (table, type, key, rows) of every table it reads."""
	rows = []
	for query, values in statements:
		if not str(query).lstrip().lower().startswith(("select", "(select", "with")):
			continue
		for step in frappe.db.sql(f"explain {query}", values, as_dict=True):
			if step.get("table") and not str(step["table"]).startswith("<"):
				rows.append((step["table"], step["type"], step.get("key") or "", int(step.get("rows") or 0)))
	return rows


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--records", type=int, default=10_000)
	parser.add_argument("--runs", type=int, default=30)
	parser.add_argument("--positions", default=",".join(POSITIONS))
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		first, last = time_range(frappe)
		print(
			f"Customer 360 first page (limit 50); the invoices' time range: {first:%Y-%m-%d} to {last:%Y-%m-%d}"
		)
		print(
			"| customer | records | runs | median ms | p90 ms | max ms | queries | entries | newest entry |"
		)
		print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
		explained = {}
		for position in args.positions.split(","):
			seed(frappe, args.records, position)
			customer = customer_of(position)
			total = sum(
				frappe.db.count(dt, {field: customer})
				for dt, field in (
					("Customer Interaction", "customer"),
					("Quotation", "party_name"),
					("Sales Order", "customer"),
					("Sales Invoice", "customer"),
					("Payment Entry", "party"),
				)
			)
			timings, queries, page, statements = measure(frappe, customer, args.runs)
			explained[position] = plans(frappe, statements)
			p90 = sorted(timings)[int(0.9 * (len(timings) - 1))]
			newest = page["timeline"][0].get("timestamp") if page["timeline"] else ""
			print(
				f"| {position} | {total:,} | {len(timings)} | {statistics.median(timings):.1f} | {p90:.1f} | "
				f"{max(timings):.1f} | {min(queries)}-{max(queries)} | {len(page['timeline'])} | {newest} |"
			)
		print("\nPlans (EXPLAIN of every select of one first page)\n")
		print("| customer | table | type | key | rows |")
		print("| --- | --- | --- | --- | --- |")
		for position, steps in explained.items():
			for table, kind, key, rows in steps:
				print(f"| {position} | {table} | {kind} | {key} | {rows:,} |")
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
