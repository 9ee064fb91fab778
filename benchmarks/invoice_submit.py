"""Benchmark: what crm_plus adds to making and submitting a Sales Invoice.

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/invoice_submit.py SITE
        [--rounds 10] [--per-round 20]

Each sample inserts and submits a Sales Invoice of one customer with two items (ERPNext's own
`insert()` and `submit()`: taxes, GL and Payment Ledger entries, and every doc_event), then rolls back,
so the data set is the same for every sample. Two variants alternate round by round, in the same
process on the same data:

- **crm_plus**: the site as installed (crm_plus's doc_events, its settings, its indexes);
- **hooks disabled**: the same, with every crm_plus doc_event handler taken out of Frappe's hooks.

With --without-indexes a third block runs after them with crm_plus's indexes on Sales Invoice dropped
too (ERPNext alone); the indexes are created again at the end. Goal: crm_plus at most 5 % slower.
Prints the median time per submit, the statements per submit and the overhead; asserts nothing.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import StatementCounter, environment, median, site, table


def pick_customer_and_items(frappe):
	customer = frappe.db.get_value(
		"Customer", {"name": ("like", "GEN-CUST-%")}, "name"
	) or frappe.db.get_value("Customer", {}, "name")
	items = frappe.get_all("Item", filters={"disabled": 0, "is_stock_item": 0}, pluck="name", limit=2)
	return customer, items


def sample(frappe, customer: str, items: list[str]) -> tuple[float, int]:
	"""Seconds and statements for one insert + submit (rolled back)."""
	frappe.db.rollback()
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"items": [{"item_code": item, "qty": 2, "rate": 75} for item in items],
		}
	)
	with StatementCounter(frappe) as counter:
		started = time.perf_counter()
		doc.insert()
		doc.submit()
		seconds = time.perf_counter() - started
	frappe.db.rollback()
	return seconds, counter.count


def without_crm_plus_hooks(frappe) -> dict:
	hooks = frappe.get_doc_hooks()
	return {
		doctype: {
			event: [m for m in methods if not m.startswith("crm_plus.")] for event, methods in events.items()
		}
		for doctype, events in hooks.items()
	}


def crm_plus_indexes(frappe) -> list[tuple[str, list[str]]]:
	found: dict[str, list[str]] = {}
	for row in frappe.db.sql("show index from `tabSales Invoice`", as_dict=True):
		if row.Key_name.startswith("crm_plus"):
			found.setdefault(row.Key_name, []).append(row.Column_name)
	return list(found.items())


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--rounds", type=int, default=10)
	parser.add_argument("--per-round", type=int, default=20)
	parser.add_argument("--without-indexes", action="store_true")
	args = parser.parse_args()

	with site(args.site) as frappe:
		table(["", ""], environment(frappe), "Environment")
		customer, items = pick_customer_and_items(frappe)
		installed = frappe.get_doc_hooks()
		stripped = without_crm_plus_hooks(frappe)
		variants = {"crm_plus": installed, "hooks disabled": stripped}
		samples = {name: [] for name in variants}
		statements = {name: [] for name in variants}
		for _ in range(2):  # warm caches, compile templates, load metadata
			sample(frappe, customer, items)
		for n in range(args.rounds):
			order = list(variants) if n % 2 == 0 else list(reversed(variants))
			for name in order:
				frappe.local.doc_events_hooks = variants[name]
				for _ in range(args.per_round):
					seconds, count = sample(frappe, customer, items)
					samples[name].append(seconds)
					statements[name].append(count)
		frappe.local.doc_events_hooks = installed

		if args.without_indexes:
			indexes = crm_plus_indexes(frappe)
			for name, _columns in indexes:
				frappe.db.sql_ddl(f"alter table `tabSales Invoice` drop index `{name}`")
			try:
				frappe.local.doc_events_hooks = stripped
				samples["ERPNext alone (no hooks, no indexes)"] = []
				statements["ERPNext alone (no hooks, no indexes)"] = []
				for _ in range(args.rounds * args.per_round):
					seconds, count = sample(frappe, customer, items)
					samples["ERPNext alone (no hooks, no indexes)"].append(seconds)
					statements["ERPNext alone (no hooks, no indexes)"].append(count)
			finally:
				frappe.local.doc_events_hooks = installed
				for name, columns in indexes:
					frappe.db.add_index("Sales Invoice", columns, name)

		base = median(samples["hooks disabled"])
		rows = [
			[
				name,
				len(values),
				median(values) * 1000,
				median(statements[name]),
				(median(values) / base - 1) * 100,
			]
			for name, values in samples.items()
		]
		table(
			["variant", "samples", "ms per insert + submit (median)", "statements", "% vs hooks disabled"],
			rows,
			f"Sales Invoice insert + submit, {len(items)} items, customer {customer}",
		)


if __name__ == "__main__":
	main()
