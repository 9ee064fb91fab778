"""Benchmark: adding the members of a campaign's segment (set-based INSERT ... SELECT).

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/campaign_members.py SITE [--customers 100000]

Creates (once, with bulk inserts) a customer group of N customers, or with --group targets an existing
group (on a site filled by `crm-plus-generate`: --group "All Customer Groups"), then times Preview
Segment and Add Members for a campaign targeting that group, and removes the members again so it can
be re-run.
Prints a table; asserts nothing.
"""

import argparse
import time

GROUP = "_Bench Segment Group"
CAMPAIGN = "_Bench Segment Campaign"


def seed(frappe, count: int) -> int:
	from frappe.utils.nestedset import get_root_of

	if not frappe.db.exists("Customer Group", GROUP):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": GROUP,
				"parent_customer_group": get_root_of("Customer Group"),
			}
		).insert(ignore_permissions=True)
	existing = frappe.db.count("Customer", {"customer_group": GROUP})
	if existing >= count:
		return existing
	territory = get_root_of("Territory")
	now = frappe.utils.now()
	fields = [
		"name",
		"customer_name",
		"customer_type",
		"customer_group",
		"territory",
		"email_id",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"idx",
	]
	batch = []
	for i in range(existing, count):
		name = f"_Bench Seg Customer {i:06}"
		batch.append(
			(
				name,
				name,
				"Company",
				GROUP,
				territory,
				f"bench{i}@example.invalid",
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				0,
			)
		)
		if len(batch) == 10_000:
			frappe.db.bulk_insert("Customer", fields, batch, ignore_duplicates=True)
			batch = []
	if batch:
		frappe.db.bulk_insert("Customer", fields, batch, ignore_duplicates=True)
	frappe.db.commit()
	return frappe.db.count("Customer", {"customer_group": GROUP})


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--customers", type=int, default=100_000)
	parser.add_argument(
		"--group",
		help="target this existing customer group (and its descendants) instead of seeding customers, "
		"e.g. 'All Customer Groups' on a site filled by crm-plus-generate",
	)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		started = time.perf_counter()
		group = args.group or GROUP
		customers = frappe.db.count("Customer") if args.group else seed(frappe, args.customers)
		seeded_in = time.perf_counter() - started
		if not frappe.db.exists("Campaign", CAMPAIGN):
			frappe.get_doc({"doctype": "Campaign", "campaign_name": CAMPAIGN}).insert(ignore_permissions=True)
		frappe.db.set_value("Campaign", CAMPAIGN, "crm_target_customer_group", group)
		frappe.db.delete("Campaign Member", {"campaign": CAMPAIGN})
		frappe.db.commit()

		from crm_plus.services.campaigns.segments import add_segment_members, preview_segment

		started = time.perf_counter()
		preview = preview_segment(CAMPAIGN)
		preview_s = time.perf_counter() - started
		started = time.perf_counter()
		added = add_segment_members(CAMPAIGN)
		frappe.db.commit()
		add_s = time.perf_counter() - started
		started = time.perf_counter()
		again = add_segment_members(CAMPAIGN)
		frappe.db.commit()
		again_s = time.perf_counter() - started
		print(
			f"Campaign members for group {group!r}, {customers} customers on the site"
			+ ("" if args.group else f" (seeding took {seeded_in:.1f} s)")
		)
		print(f"{'step':<28} {'seconds':>8} {'rows':>8}")
		print(f"{'preview (count + sample)':<28} {preview_s:>8.2f} {preview['count']:>8}")
		print(f"{'add members':<28} {add_s:>8.2f} {added:>8}")
		print(f"{'add again (nobody new)':<28} {again_s:>8.2f} {again:>8}")
		frappe.db.delete("Campaign Member", {"campaign": CAMPAIGN})
		frappe.db.commit()
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
