"""Benchmark: the Customer 360 first page for a customer with 10,000 records.

Run inside a bench (it needs Frappe and a site with ERPNext and crm_plus):

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/customer_360.py SITE [--records 10000]

It inserts (once, set-based) a benchmark customer with interactions, quotations, sales orders, invoices,
credit notes and payments as raw rows, then times `get_360` and counts its queries. It prints a table;
it asserts nothing.
"""

import argparse
import statistics
import time
from datetime import datetime, timedelta

CUSTOMER = "_Bench 360 Customer"
KINDS = (  # doctype, share of the records, extra columns
	("Customer Interaction", 0.3),
	("Quotation", 0.1),
	("Sales Order", 0.15),
	("Sales Invoice", 0.25),
	("Sales Invoice Return", 0.05),
	("Payment Entry", 0.15),
)


def seed(frappe, records: int) -> int:
	existing = frappe.db.count("Customer Interaction", {"customer": CUSTOMER})
	if existing:
		return existing
	from crm_plus.tests.utils import create_customer, get_company

	create_customer(CUSTOMER)
	company = get_company()
	start = datetime(2020, 1, 1, 9)
	now = frappe.utils.now()
	common = {"owner": "Administrator", "modified_by": "Administrator", "creation": now, "modified": now}
	for doctype, share in KINDS:
		count = int(records * share)
		rows = []
		for i in range(count):
			when = start + timedelta(hours=7 * i)
			name = f"BENCH-{doctype[:3].upper()}-{doctype[-3:].upper()}-{i:06}"
			if doctype == "Customer Interaction":
				row = {
					"name": name,
					"party_type": "Customer",
					"party": CUSTOMER,
					"customer": CUSTOMER,
					"party_name": CUSTOMER,
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
					"party_name": CUSTOMER,
					"company": company,
					"transaction_date": when.date(),
					"title": CUSTOMER,
					"status": "Submitted",
					"docstatus": 1,
					"grand_total": 100 + i % 50,
					"currency": "USD",
				}
			elif doctype == "Sales Order":
				row = {
					"name": name,
					"customer": CUSTOMER,
					"company": company,
					"transaction_date": when.date(),
					"title": CUSTOMER,
					"status": "Completed",
					"docstatus": 1,
					"grand_total": 100,
					"currency": "USD",
				}
			elif doctype.startswith("Sales Invoice"):
				is_return = doctype.endswith("Return")
				row = {
					"name": name,
					"customer": CUSTOMER,
					"company": company,
					"posting_date": when.date(),
					"due_date": when.date(),
					"title": CUSTOMER,
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
					"party": CUSTOMER,
					"company": company,
					"posting_date": when.date(),
					"title": CUSTOMER,
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


def measure(frappe, runs: int):
	from crm_plus.services.customer_360 import get_360

	get_360(CUSTOMER)  # warm the metadata caches
	timings, queries = [], []
	original = frappe.db.__class__.sql

	def counting(self, *args, **kwargs):
		queries[-1] += 1
		return original(self, *args, **kwargs)

	frappe.db.__class__.sql = counting
	try:
		for _ in range(runs):
			queries.append(0)
			started = time.perf_counter()
			page = get_360(CUSTOMER, limit=50)
			timings.append((time.perf_counter() - started) * 1000)
	finally:
		frappe.db.__class__.sql = original
	return timings, queries, page


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--records", type=int, default=10_000)
	parser.add_argument("--runs", type=int, default=20)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		records = seed(frappe, args.records)
		total = sum(
			frappe.db.count(dt, {field: CUSTOMER})
			for dt, field in (
				("Customer Interaction", "customer"),
				("Quotation", "party_name"),
				("Sales Order", "customer"),
				("Sales Invoice", "customer"),
				("Payment Entry", "party"),
			)
		)
		timings, queries, page = measure(frappe, args.runs)
		print(f"Customer 360 first page (limit 50), customer with {total} records (seeded {records})")
		print(f"{'runs':>6} {'median ms':>10} {'p90 ms':>8} {'max ms':>8} {'queries':>8} {'entries':>8}")
		p90 = sorted(timings)[int(0.9 * (len(timings) - 1))]
		print(
			f"{len(timings):>6} {statistics.median(timings):>10.1f} {p90:>8.1f} {max(timings):>8.1f} "
			f"{max(queries):>8} {len(page['timeline']):>8}"
		)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
