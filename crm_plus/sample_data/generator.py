"""A large, realistic data set for benchmarks, made with set-based SQL.

    bench --site SITE crm-plus-generate [--customers 100000] [--invoices 1000000] [--seed 42]
    bench --site SITE execute crm_plus.sample_data.generator.make --kwargs "{'customers': 10000, ...}"

It fills a site that has ERPNext and crm_plus (on a site without a company it first completes the
setup wizard, as the demo does) with:

- customers in four groups and three territories, each with a Pareto-like weight (alpha 1.16: about
  a fifth of the customers carry four fifths of the revenue), a first purchase somewhere in the period
  (or before it), and a quarter of them who stop buying at some point;
- submitted Sales Invoices over `years` years (default 3) with one to three items each, about 5 % of
  them credit notes against an earlier invoice of the same customer, and 10 % carrying a campaign;
- a Payment Entry (with its reference row) for every paid invoice; recent invoices and slow payers'
  invoices stay unpaid, some of them overdue;
- Payment Ledger Entries for every invoice, credit note and payment, as ERPNext posts them (the
  receivable side; no GL Entries: no figure crm_plus or the compared ERPNext report shows reads them);
- interactions, complaints (on ERPNext's Service Level Agreement, so the SLA fields are filled) and
  campaigns with cost lines and members.

Every random choice is a hash of the seed, a stream name and the row number (MD5), so the same
arguments give the same rows on any machine, in any chunking. Rows are written with INSERT ... SELECT
from MariaDB's SEQUENCE engine (`seq_1_to_N`) in chunks of `chunk` rows, each committed, so memory
stays flat and an interrupted run is resumed by running it again (INSERT IGNORE on the names). Every
generated document's name starts with `GEN-` (its item rows, references and ledger entries get
random-looking names, as ERPNext gives them, and belong to a GEN- document); `clear()` removes them.
"""

import contextlib
import time
from datetime import date, timedelta

import frappe
from frappe.utils import getdate, today

from crm_plus.constants import INDEX_CACHE
from crm_plus.domain import campaigns as campaign_rules
from crm_plus.domain import sla as sla_rules

PREFIX = "GEN-"
STAGING = (
	"_crm_gen_customer",
	"_crm_gen_sale",
	"_crm_gen_return",
	"_crm_gen_invoice",
	"_crm_gen_item",
	"_crm_gen_sii",
	"_crm_gen_per",
	"_crm_gen_ple",
)
# The large tables are loaded without their secondary (non-unique) indexes, which are added back once
# at the end of the step: maintaining eleven indexes row by row on a table larger than the buffer pool
# is most of a load's time; a sort per index at the end is not. Their definitions are kept in this
# table until they are back, so a run interrupted mid-step restores them when it is run again.
DEFERRED_INDEXES = "_crm_gen_deferred_index"
GROUPS = ("Commercial", "Government", "Non Profit", "Individual")
TERRITORIES = ("North America", "Europe", "Asia Pacific")
ITEM_GROUPS = ("Products", "Services")
ITEMS = 24  # GEN-ITEM-01 .. GEN-ITEM-24
RETURN_SHARE = 0.05
CAMPAIGN_SHARE = 0.10
SENTIMENTS = ("Negative", "Neutral", "Neutral", "Neutral", "Positive", "Positive")
CHANNELS = ("Phone", "Email", "Meeting", "Visit", "Chat", "Social", "Letter", "Event")
TOUCHPOINTS = ("Sales", "Billing", "Collections", "After-sales Service", "Marketing", "Support")
STAGES = ("Pre-sale", "Sale", "Post-sale")
KINDS = ("Inquiry", "Follow-up", "Care", "Complaint", "Objection", "Feedback", "Negotiation", "Other")
CATEGORIES = ("Product", "Delivery", "Invoice", "Service", "Other")
ROOT_CAUSES = ("Product Defect", "Shipping Damage", "Wrong Item", "Late Delivery", "Billing Error")
PRIORITIES = ("Low", "Medium", "Medium", "High")


def sql_list(values) -> str:
	"""The domain's words as an SQL list (constants only, never user input)."""
	return ", ".join(f"'{v}'" for v in values)


def make(
	customers: int = 100_000,
	invoices: int = 1_000_000,
	interactions: int = 200_000,
	complaints: int = 20_000,
	campaigns: int = 50,
	years: int = 3,
	seed: int = 42,
	as_of: str | None = None,
	chunk: int = 50_000,
	keep_staging: bool = False,
) -> dict:
	"""Fill the site; returns the counts and the seconds each step took. Safe to run again."""
	frappe.only_for("System Manager")
	customers, invoices, seed, chunk = int(customers), int(invoices), int(seed), int(chunk)
	if customers < 10 or invoices < customers:
		frappe.throw(frappe._("At least 10 customers and one invoice per customer are needed"))
	as_of = getdate(as_of or today())
	g = Generator(seed, as_of, int(years), chunk)
	g.prepare_site()
	restore_indexes()  # of an interrupted run
	steps = [
		("staging", lambda: g.stage(customers, invoices, int(campaigns))),
		("customers", g.insert_customers),
		("sales invoices", deferred(g.insert_invoices, "Sales Invoice")),
		("invoice items", deferred(g.insert_items, "Sales Invoice Item")),
		("payments", deferred(g.insert_payments, "Payment Entry", "Payment Entry Reference")),
		("payment ledger", deferred(g.insert_ledger, "Payment Ledger Entry")),
		("campaigns", lambda: g.insert_campaigns(int(campaigns))),
		("interactions", lambda: g.insert_interactions(int(interactions), customers)),
		("complaints", lambda: g.insert_complaints(int(complaints), customers)),
	]
	timings = {}
	for label, step in steps:
		started = time.monotonic()
		step()
		frappe.db.commit()  # nosemgrep: a long generator commits each step (and each chunk)
		timings[label] = round(time.monotonic() - started, 1)
		print(f"  {label}: {timings[label]} s", flush=True)
	if not keep_staging:
		g.drop_staging()
	return {"counts": counts(), "seconds": timings}


def deferred(step, *doctypes):
	"""The step, run with the secondary indexes of its tables deferred."""

	def run():
		with indexes_deferred(*doctypes):
			step()

	return run


@contextlib.contextmanager
def indexes_deferred(*doctypes):
	"""Drop the non-unique secondary indexes of these tables, run the block, and add them back, each
	table's in one ALTER TABLE (one scan, a sort per index). Unique indexes stay: they are constraints."""
	frappe.db.sql_ddl(
		f"""create table if not exists `{DEFERRED_INDEXES}` (table_name varchar(140), index_name varchar(140),
		definition text, primary key (table_name, index_name))"""
	)
	for doctype in doctypes:
		table = f"tab{doctype}"
		indexes = _secondary_indexes(table)
		if not indexes:
			continue
		for name, definition in indexes.items():
			frappe.db.sql(f"replace into `{DEFERRED_INDEXES}` values (%s, %s, %s)", (table, name, definition))
		frappe.db.commit()  # nosemgrep: the definitions are safe before the indexes go
		frappe.db.sql_ddl(
			"alter table `{}` {}".format(table, ", ".join(f"drop index `{name}`" for name in indexes))
		)
	try:
		yield
	finally:
		frappe.db.commit()  # nosemgrep
		restore_indexes()


def restore_indexes():
	"""Add back the indexes a load deferred (all of a table's in one ALTER TABLE)."""
	if not frappe.db.sql("show tables like %s", DEFERRED_INDEXES):
		return
	tables: dict[str, list] = {}
	for table, name, definition in frappe.db.sql(f"select * from `{DEFERRED_INDEXES}`"):
		tables.setdefault(table, []).append((name, definition))
	for table, indexes in tables.items():
		present = _secondary_indexes(table)
		missing = [(name, definition) for name, definition in indexes if name not in present]
		if missing:
			frappe.db.sql_ddl(
				"alter table `{}` {}".format(
					table, ", ".join(f"add index `{name}` ({definition})" for name, definition in missing)
				)
			)
		frappe.db.sql(f"delete from `{DEFERRED_INDEXES}` where table_name = %s", table)
		frappe.db.commit()  # nosemgrep
	frappe.db.sql_ddl(f"drop table if exists `{DEFERRED_INDEXES}`")
	frappe.cache.delete_value(INDEX_CACHE)  # crm_plus's own indexes were among them


def _secondary_indexes(table: str) -> dict[str, str]:
	"""The table's non-unique B-tree indexes: {name: key parts as in CREATE INDEX}."""
	indexes: dict[str, list[str]] = {}
	for name, column, sub_part, collation in frappe.db.sql(
		"""select index_name, column_name, sub_part, collation from information_schema.statistics
		where table_schema = database() and table_name = %s and index_name != 'PRIMARY'
			and non_unique = 1 and index_type = 'BTREE'
		order by index_name, seq_in_index""",
		table,
	):
		part = f"`{column}`" + (f"({sub_part})" if sub_part else "") + (" desc" if collation == "D" else "")
		indexes.setdefault(name, []).append(part)
	return {name: ", ".join(parts) for name, parts in indexes.items()}


def counts() -> dict:
	like = PREFIX + "%"
	return {
		"customers": frappe.db.count("Customer", {"name": ("like", like)}),
		"sales_invoices": frappe.db.count("Sales Invoice", {"name": ("like", like), "is_return": 0}),
		"credit_notes": frappe.db.count("Sales Invoice", {"name": ("like", like), "is_return": 1}),
		"invoice_items": frappe.db.count("Sales Invoice Item", {"parent": ("like", like)}),
		"payments": frappe.db.count("Payment Entry", {"name": ("like", like)}),
		"payment_ledger_entries": frappe.db.count("Payment Ledger Entry", {"voucher_no": ("like", like)}),
		"interactions": frappe.db.count("Customer Interaction", {"name": ("like", like)}),
		"complaints": frappe.db.count("Customer Complaint", {"name": ("like", like)}),
		"campaigns": frappe.db.count("Campaign", {"name": ("like", like)}),
		"campaign_members": frappe.db.count("Campaign Member", {"campaign": ("like", like)}),
	}


def clear():
	"""Remove every generated row (names starting with GEN-) and the month's scoring of them."""
	frappe.only_for("System Manager")
	restore_indexes()  # of an interrupted run
	like = PREFIX + "%"
	for doctype, field in (
		("Customer Health Snapshot", "customer"),
		("Campaign Member", "campaign"),
		("CRM Campaign Cost", "parent"),
		("Campaign", "name"),
		("Customer Complaint", "name"),
		("Customer Interaction", "name"),
		("Payment Ledger Entry", "voucher_no"),
		("Payment Entry Reference", "parent"),
		("Payment Entry", "name"),
		("Sales Invoice Item", "parent"),
		("Sales Invoice", "name"),
		("Customer", "name"),
		("Item Default", "parent"),
		("Item Price", "item_code"),
		("Item", "name"),
	):
		while True:  # chunked, so the undo log stays small
			frappe.db.sql(f"delete from `tab{doctype}` where `{field}` like %s limit 50000", like)
			deleted = frappe.db.sql("select row_count()")[0][0]
			frappe.db.commit()  # nosemgrep
			if not deleted:
				break


class Generator:
	def __init__(self, seed: int, as_of: date, years: int, chunk: int):
		self.seed, self.as_of, self.chunk = seed, as_of, chunk
		self.days = 365 * years
		self.day0 = as_of - timedelta(days=self.days)

	# ------------------------------------------------------------------ helpers

	def u(self, stream: str, expression: str) -> str:
		"""SQL for a uniform number in [0, 1) from the seed, a stream name and a row expression."""
		return (
			f"(conv(left(md5(concat('{self.seed}:{stream}:', {expression})), 12), 16, 10)"
			" / 281474976710656)"
		)

	def pick(self, values, stream: str, expression: str) -> str:
		"""SQL choosing one of `values` (constants of this module) by hash."""
		quoted = ", ".join(frappe.db.escape(v) for v in values)
		return f"elt(1 + floor({self.u(stream, expression)} * {len(values)}), {quoted})"

	def chunked(self, table: str, sql: str, params: dict | None = None):
		"""Run `sql` (with `{lo}` and `{hi}` bounds on `table`.id) chunk by chunk, committing each."""
		top = frappe.db.sql(f"select coalesce(max(id), 0) from `{table}`")[0][0]
		for lo in range(1, top + 1, self.chunk):
			frappe.db.sql(sql, {**(params or {}), "lo": lo, "hi": lo + self.chunk - 1})
			frappe.db.commit()  # nosemgrep

	def in_name_order(self, table: str, columns: str, select: str):
		"""Stage rows whose names are hashes (as ERPNext names child rows and ledger entries), numbered
		in name order: copied chunk by chunk, they then reach ERPNext's table in primary-key order
		(appended pages) instead of at random pages of a table larger than the buffer pool."""
		frappe.db.sql_ddl(f"drop table if exists `{table}`")
		frappe.db.sql_ddl(f"create table `{table}` (id int primary key, name char(16), {columns})")
		frappe.db.sql(
			f"insert into `{table}` select row_number() over (order by t.name), t.* from ({select}) t",
			self._params(),
		)
		frappe.db.commit()  # nosemgrep

	def drop_staging(self):
		for table in STAGING:
			frappe.db.sql_ddl(f"drop table if exists `{table}`")

	# ------------------------------------------------------------------ masters

	def prepare_site(self):
		from crm_plus.sample_data.demo import (
			ensure_company,
			ensure_complaint_sla,
			ensure_fiscal_years,
			ensure_masters,
		)

		self.company = ensure_company()
		ensure_fiscal_years(self.company, self.day0, self.as_of)
		ensure_masters()
		ensure_complaint_sla(self.as_of)
		company = frappe.get_cached_doc("Company", self.company)
		self.currency = company.default_currency
		self.receivable = company.default_receivable_account
		self.income = company.default_income_account
		self.cost_center = company.cost_center
		self.cash = company.default_cash_account or frappe.db.get_value(
			"Account", {"company": self.company, "account_type": "Cash", "is_group": 0}, "name"
		)
		self.price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or (
			frappe.db.get_value("Price List", {"selling": 1}, "name")
		)
		root_group = frappe.db.get_value("Item Group", {"is_group": 1, "parent_item_group": ""}, "name")
		for group in ITEM_GROUPS:
			if not frappe.db.exists("Item Group", group):
				frappe.get_doc(
					{"doctype": "Item Group", "item_group_name": group, "parent_item_group": root_group}
				).insert(ignore_permissions=True)
		for n in range(1, ITEMS + 1):
			code = f"{PREFIX}ITEM-{n:02}"
			if not frappe.db.exists("Item", code):
				frappe.get_doc(
					{
						"doctype": "Item",
						"item_code": code,
						"item_name": f"Generated item {n}",
						"item_group": ITEM_GROUPS[n % 2],
						"stock_uom": "Nos",
						"is_stock_item": 0,
						"include_item_in_manufacturing": 0,
						"standard_rate": 20 + 15 * n,
					}
				).insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	# ------------------------------------------------------------------ staging

	def stage(self, customers: int, invoices: int, campaigns: int):
		"""Plan every row in staging tables (ids in posting-date order); the inserts only copy them."""
		self.drop_staging()
		D, u = self.days, self.u
		returns = round(invoices * RETURN_SHARE)
		sales = invoices - returns
		frappe.db.sql_ddl(
			"""create table _crm_gen_item (n int primary key, item_code varchar(140),
			item_name varchar(140), item_group varchar(140), cost_ratio decimal(6, 4))"""
		)
		frappe.db.sql(
			f"""insert into _crm_gen_item
			select seq, concat('{PREFIX}ITEM-', lpad(seq, 2, '0')), concat('Generated item ', seq),
				if(mod(seq, 2) = 0, %(g0)s, %(g1)s), 0.45 + 0.30 * {u("cost", "seq")}
			from seq_1_to_{ITEMS}""",
			{"g0": ITEM_GROUPS[0], "g1": ITEM_GROUPS[1]},
		)
		frappe.db.sql_ddl(
			"""create table _crm_gen_customer (id int primary key, name varchar(140),
			customer_name varchar(140), grp varchar(140), terr varchar(140), w double, size double,
			start_day int, stop_day int, slow tinyint, cnt int)"""
		)
		frappe.db.sql(
			f"""insert into _crm_gen_customer
			select id, concat('{PREFIX}CUST-', lpad(id, 6, '0')), concat('Generated Customer ', lpad(id, 6, '0')),
				grp, terr, w, size, start_day,
				if(churns, least({D}, start_day + 30 + floor(stop_u * greatest({D} - start_day - 30, 0))), {D}),
				slow, 0
			from (
				select seq as id,
					least(pow(1 - {u("w", "seq")}, -1 / 1.16), 2000) as w,
					50 + 450 * {u("size", "seq")} as size,
					if({u("old", "seq")} < 0.3, 0, floor({u("start", "seq")} * {D} * 0.95)) as start_day,
					{u("churn", "seq")} < 0.25 as churns,
					{u("stop", "seq")} as stop_u,
					{u("slow", "seq")} < 0.1 as slow,
					{self.pick(GROUPS, "group", "seq")} as grp,
					{self.pick(TERRITORIES, "territory", "seq")} as terr
				from seq_1_to_{customers}
			) t"""
		)
		# invoices per customer: proportional to weight x active share of the period, at least one,
		# scaled so that they add up to `sales` exactly (the largest customer absorbs the rounding)
		raw = f"w * (stop_day - start_day + 1) / {D}"
		total_raw = frappe.db.sql(f"select sum({raw}) from _crm_gen_customer")[0][0]
		frappe.db.sql(
			f"update _crm_gen_customer set cnt = greatest(1, round({raw} * %(k)s))",
			{"k": sales / float(total_raw)},
		)
		diff = sales - int(frappe.db.sql("select sum(cnt) from _crm_gen_customer")[0][0])
		frappe.db.sql(
			"update _crm_gen_customer set cnt = cnt + %(diff)s order by cnt desc, id limit 1", {"diff": diff}
		)
		top = int(frappe.db.sql("select max(cnt) from _crm_gen_customer")[0][0])
		frappe.db.sql_ddl(
			"""create table _crm_gen_sale (rid int auto_increment primary key, cid int, day int,
			net decimal(18, 2), n_items tinyint)"""
		)
		key = "concat(c.id, '.', s.seq)"
		frappe.db.sql(
			f"""insert into _crm_gen_sale (cid, day, net, n_items)
			select c.id, c.start_day + floor({u("day", key)} * (c.stop_day - c.start_day + 1)),
				round(c.size * (0.4 + 1.2 * {u("amount", key)}) * (1 + floor({u("n", key)} * 3)), 2),
				1 + floor({u("n", key)} * 3)
			from _crm_gen_customer c join seq_1_to_{top} s on s.seq <= c.cnt
			order by c.id, s.seq"""
		)
		frappe.db.sql_ddl(
			"""create table _crm_gen_return (rid int primary key, against_rid int, cid int, day int,
			net decimal(18, 2))"""
		)
		frappe.db.sql(
			f"""insert into _crm_gen_return
			select row_number() over (order by against_rid), against_rid, cid, day, net from (
				select rid as against_rid, cid, least({D}, day + 1 + floor({u("rday", "rid")} * 60)) as day,
					-round(net * (0.2 + 0.8 * {u("rshare", "rid")}), 2) as net
				from _crm_gen_sale order by {u("return", "rid")}, rid limit {returns}
			) t"""
		)
		frappe.db.sql_ddl(
			"""create table _crm_gen_invoice (id int primary key, kind tinyint, src int, cid int, day int,
			net decimal(18, 2), n_items tinyint, against_id int, paid_day int, outstanding decimal(18, 2),
			campaign int, margin decimal(21, 9), key kind_src (kind, src), key against (against_id))"""
		)
		frappe.db.sql(
			"""insert into _crm_gen_invoice (id, kind, src, cid, day, net, n_items)
			select row_number() over (order by day, kind, src), kind, src, cid, day, net, n_items from (
				select 0 as kind, rid as src, cid, day, net, n_items from _crm_gen_sale
				union all
				select 1, rid, cid, day, net, 1 from _crm_gen_return
			) t"""
		)
		frappe.db.sql(
			"""update _crm_gen_invoice i
			join _crm_gen_return r on i.kind = 1 and r.rid = i.src
			join _crm_gen_invoice o on o.kind = 0 and o.src = r.against_rid
			set i.against_id = o.id"""
		)
		# paid a few days to two months later; the last 45 days and slow payers partly unpaid
		frappe.db.sql(
			f"""update _crm_gen_invoice i join _crm_gen_customer c on c.id = i.cid
			set i.paid_day = if(
				i.kind = 0
				and not ({D} - i.day < 45 and {u("unpaid", "i.id")} < 0.5)
				and not (c.slow and {u("late", "i.id")} < 0.4),
				i.day + 3 + floor({u("pay", "i.id")} * if(c.slow, 80, 40)), null)"""
		)
		frappe.db.sql(f"update _crm_gen_invoice set paid_day = null where paid_day > {D}")
		frappe.db.sql("update _crm_gen_invoice set outstanding = if(kind = 0 and paid_day is null, net, 0)")
		frappe.db.sql(
			"""update _crm_gen_invoice o join _crm_gen_invoice r on r.against_id = o.id
			set o.outstanding = greatest(o.net + r.net, 0) where o.outstanding > 0"""
		)
		if campaigns:
			frappe.db.sql(
				f"""update _crm_gen_invoice
				set campaign = 1 + least(floor(day * {campaigns} / {D}), {campaigns - 1})
				where kind = 0 and {u("campaign", "id")} < {CAMPAIGN_SHARE}"""
			)
		self.stage_items()

	def stage_items(self):
		"""Plan the invoice items, and keep each invoice's margin as crm_plus keeps it at submit
		(crm_plus.services.invoice_margin.ITEM_MARGIN over the rows insert_items writes)."""
		key = "concat(i.id, '.', s.seq)"
		share = (
			"if(s.seq < i.n_items, round(i.net / i.n_items, 2), "
			"i.net - (i.n_items - 1) * round(i.net / i.n_items, 2))"
		)
		self.in_name_order(
			"_crm_gen_sii",
			"inv int, day int, seq tinyint, qty int, amount decimal(18, 2), item int, key inv (inv)",
			f"""select left(md5(concat('{self.seed}:sii:', i.id, '.', s.seq)), 16) as name, i.id as inv, i.day,
				s.seq, if(i.kind = 1, -1, 1 + floor({self.u("qty", key)} * 4)) as qty, {share} as amount,
				1 + floor({self.u("item", key)} * {ITEMS}) as item
			from _crm_gen_invoice i join seq_1_to_3 s on s.seq <= i.n_items""",
		)
		frappe.db.sql(
			"""update _crm_gen_invoice i join (
				select t.inv, sum(t.amount - round(abs(round(t.amount / t.qty, 2)) * it.cost_ratio, 2) * t.qty) as m
				from _crm_gen_sii t join _crm_gen_item it on it.n = t.item group by t.inv
			) x on x.inv = i.id
			set i.margin = x.m"""
		)

	# ------------------------------------------------------------------ documents

	def _common(self, when: str) -> str:
		"""creation, modified, owner, modified_by; never later than now (today's 15:00 payment at 10:00)"""
		return f"least({when}, %(now)s), least({when}, %(now)s), 'Administrator', 'Administrator'"

	def _date(self, day: str) -> str:
		return f"date_add(%(day0)s, interval {day} day)"

	def insert_customers(self):
		self.chunked(
			"_crm_gen_customer",
			f"""insert ignore into `tabCustomer` (name, customer_name, customer_type, customer_group,
				territory, default_currency, language, disabled, docstatus, idx,
				creation, modified, owner, modified_by)
			select name, customer_name, 'Company', grp, terr, %(currency)s, 'en', 0, 0, 0,
				{self._common(self._date("start_day"))}
			from _crm_gen_customer where id between %(lo)s and %(hi)s""",
			self._params(),
		)

	def _params(self) -> dict:
		return {
			"day0": self.day0,
			"company": self.company,
			"currency": self.currency,
			"receivable": self.receivable,
			"income": self.income,
			"cost_center": self.cost_center,
			"cash": self.cash,
			"price_list": self.price_list,
			"now": frappe.utils.now_datetime(),
		}

	def insert_invoices(self):
		posted = f"timestamp({self._date('i.day')}, '10:00:00')"
		status = (
			"case when i.kind = 1 then 'Return' when i.outstanding = 0 and r.id is not null "
			"then 'Credit Note Issued' when i.outstanding = 0 then 'Paid' "
			f"when i.day + 30 < {self.days} then 'Overdue' else 'Unpaid' end"
		)
		self.chunked(
			"_crm_gen_invoice",
			f"""insert ignore into `tabSales Invoice` (name, naming_series, title, customer, customer_name,
				customer_group, territory, company, posting_date, posting_time, set_posting_time, due_date,
				currency, conversion_rate, selling_price_list, price_list_currency, plc_conversion_rate,
				debit_to, party_account_currency, is_return, return_against, update_stock, total_qty,
				base_total, total, base_net_total, net_total, base_grand_total, grand_total,
				base_rounded_total, rounded_total, outstanding_amount, status, campaign, language,
				crm_plus_margin, docstatus, idx, creation, modified, owner, modified_by)
			select concat('{PREFIX}SINV-', lpad(i.id, 7, '0')), 'ACC-SINV-.YYYY.-', c.customer_name, c.name,
				c.customer_name, c.grp, c.terr, %(company)s, {self._date("i.day")}, '10:00:00', 1,
				{self._date("i.day + 30")}, %(currency)s, 1, %(price_list)s, %(currency)s, 1,
				%(receivable)s, %(currency)s, i.kind,
				if(i.against_id is null, null, concat('{PREFIX}SINV-', lpad(i.against_id, 7, '0'))), 0,
				if(i.kind = 1, -1, i.n_items), i.net, i.net, i.net, i.net, i.net, i.net, i.net, i.net,
				i.outstanding, {status},
				if(i.campaign is null, null, concat('{PREFIX}Campaign ', lpad(i.campaign, 2, '0'))), 'en',
				i.margin, 1, 0, {self._common(posted)}
			from _crm_gen_invoice i join _crm_gen_customer c on c.id = i.cid
			left join _crm_gen_invoice r on r.against_id = i.id
			where i.id between %(lo)s and %(hi)s""",
			self._params(),
		)

	def insert_items(self):
		posted = f"timestamp({self._date('t.day')}, '10:00:00')"
		self.chunked(
			"_crm_gen_sii",
			f"""insert ignore into `tabSales Invoice Item` (name, parent, parenttype, parentfield, idx,
				item_code, item_name, item_group, description, uom, stock_uom, conversion_factor, qty,
				stock_qty, price_list_rate, base_price_list_rate, rate, base_rate, amount, base_amount,
				net_rate, base_net_rate, net_amount, base_net_amount, incoming_rate, income_account,
				cost_center, docstatus, creation, modified, owner, modified_by)
			select t.name, concat('{PREFIX}SINV-', lpad(t.inv, 7, '0')), 'Sales Invoice', 'items', t.seq,
				it.item_code, it.item_name, it.item_group, it.item_name, 'Nos', 'Nos', 1, t.qty, t.qty,
				t.rate, t.rate, t.rate, t.rate, t.amount, t.amount, t.rate, t.rate, t.amount, t.amount,
				round(abs(t.rate) * it.cost_ratio, 2), %(income)s, %(cost_center)s, 1, {self._common(posted)}
			from (select *, round(amount / qty, 2) as rate from _crm_gen_sii where id between %(lo)s and %(hi)s) t
			join _crm_gen_item it on it.n = t.item""",
			self._params(),
		)

	def insert_payments(self):
		paid = f"timestamp({self._date('i.paid_day')}, '15:00:00')"
		self.chunked(
			"_crm_gen_invoice",
			f"""insert ignore into `tabPayment Entry` (name, naming_series, title, payment_type,
				posting_date, company, party_type, party, party_name, paid_from, paid_from_account_currency,
				paid_to, paid_to_account_currency, paid_amount, base_paid_amount, received_amount,
				base_received_amount, source_exchange_rate, target_exchange_rate, total_allocated_amount,
				base_total_allocated_amount, unallocated_amount, difference_amount, reference_no,
				reference_date, status, docstatus, creation, modified, owner, modified_by)
			select concat('{PREFIX}PAY-', lpad(i.id, 7, '0')), 'ACC-PAY-.YYYY.-', c.customer_name, 'Receive',
				{self._date("i.paid_day")}, %(company)s, 'Customer', c.name, c.customer_name, %(receivable)s,
				%(currency)s, %(cash)s, %(currency)s, i.net, i.net, i.net, i.net, 1, 1, i.net, i.net, 0, 0,
				concat('{PREFIX}REF-', i.id), {self._date("i.paid_day")}, 'Submitted', 1, {self._common(paid)}
			from _crm_gen_invoice i join _crm_gen_customer c on c.id = i.cid
			where i.paid_day is not null and i.id between %(lo)s and %(hi)s""",
			self._params(),
		)
		self.in_name_order(
			"_crm_gen_per",
			"inv int, day int, paid_day int, net decimal(18, 2)",
			f"""select left(md5(concat('{self.seed}:per:', id)), 16) as name, id as inv, day, paid_day, net
			from _crm_gen_invoice where paid_day is not null""",
		)
		paid = f"timestamp({self._date('t.paid_day')}, '15:00:00')"
		self.chunked(
			"_crm_gen_per",
			f"""insert ignore into `tabPayment Entry Reference` (name, parent, parenttype, parentfield, idx,
				reference_doctype, reference_name, due_date, total_amount, outstanding_amount,
				allocated_amount, exchange_rate, docstatus, creation, modified, owner, modified_by)
			select t.name, concat('{PREFIX}PAY-', lpad(t.inv, 7, '0')), 'Payment Entry', 'references', 1,
				'Sales Invoice', concat('{PREFIX}SINV-', lpad(t.inv, 7, '0')), {self._date("t.day + 30")},
				t.net, t.net, t.net, 1, 1, {self._common(paid)}
			from _crm_gen_per t where t.id between %(lo)s and %(hi)s""",
			self._params(),
		)

	def insert_ledger(self):
		"""The receivable side of every invoice, credit note (against the invoice it returns) and payment."""
		self.in_name_order(
			"_crm_gen_ple",
			"""posted int, day int, cid int, voucher_type varchar(20), voucher_no varchar(20),
			against_no varchar(20), amount decimal(18, 2)""",
			f"""select left(md5(concat('{self.seed}:ple-i:', i.id)), 16) as name, i.day as posted, i.day,
				i.cid, 'Sales Invoice' as voucher_type, concat('{PREFIX}SINV-', lpad(i.id, 7, '0')) as voucher_no,
				concat('{PREFIX}SINV-', lpad(coalesce(i.against_id, i.id), 7, '0')) as against_no, i.net as amount
			from _crm_gen_invoice i
			union all
			select left(md5(concat('{self.seed}:ple-p:', i.id)), 16), i.paid_day, i.day, i.cid, 'Payment Entry',
				concat('{PREFIX}PAY-', lpad(i.id, 7, '0')), concat('{PREFIX}SINV-', lpad(i.id, 7, '0')), -i.net
			from _crm_gen_invoice i where i.paid_day is not null""",
		)
		posted = (
			f"timestamp({self._date('t.posted')}, "
			"if(t.voucher_type = 'Sales Invoice', '10:00:00', '15:00:00'))"
		)
		self.chunked(
			"_crm_gen_ple",
			f"""insert ignore into `tabPayment Ledger Entry` (name, posting_date, company, account_type,
				account, party_type, party, due_date, voucher_type, voucher_no, against_voucher_type,
				against_voucher_no, account_currency, amount, amount_in_account_currency, delinked,
				docstatus, creation, modified, owner, modified_by)
			select t.name, {self._date("t.posted")}, %(company)s, 'Receivable', %(receivable)s, 'Customer',
				c.name, {self._date("t.day + 30")}, t.voucher_type, t.voucher_no, 'Sales Invoice', t.against_no,
				%(currency)s, t.amount, t.amount, 0, 1, {self._common(posted)}
			from _crm_gen_ple t join _crm_gen_customer c on c.id = t.cid
			where t.id between %(lo)s and %(hi)s""",
			self._params(),
		)

	def insert_campaigns(self, campaigns: int):
		if not campaigns:
			return
		D, u = self.days, self.u
		name = f"concat('{PREFIX}Campaign ', lpad(seq, 2, '0'))"
		start = f"floor((seq - 1) * {D} / {campaigns})"
		end = f"least({start} + 60, {D} + 30)"
		status = f"if({end} < {D}, '{campaign_rules.COMPLETED}', if({start} <= {D}, '{campaign_rules.ACTIVE}', '{campaign_rules.APPROVED}'))"
		frappe.db.sql(
			f"""insert ignore into `tabCampaign` (name, campaign_name, description, crm_status,
				crm_campaign_type, crm_objective, crm_owner, crm_company, crm_start_date, crm_end_date,
				crm_currency, crm_budget, crm_expected_revenue, crm_approved_by, crm_approved_budget, crm_target_customer_group,
				docstatus, idx, creation, modified, owner, modified_by)
			select {name}, {name}, 'Generated campaign', {status},
				{self.pick(("Email", "Telemarketing", "Event", "Social Media", "Direct Mail"), "ctype", "seq")},
				'Revenue', 'Administrator', %(company)s, {self._date(start)}, {self._date(end)}, %(currency)s,
				round(2000 + 18000 * {u("budget", "seq")}, 0), round(20000 + 80000 * {u("expect", "seq")}, 0),
				'Administrator', round(2000 + 18000 * {u("budget", "seq")}, 0),
				{self.pick(GROUPS, "cgroup", "seq")}, 0, 0,
				{self._common(f"timestamp({self._date(start)}, '08:00:00')")}
			from seq_1_to_{campaigns}""",
			self._params(),
		)
		frappe.db.sql(
			f"""insert ignore into `tabCRM Campaign Cost` (name, parent, parenttype, parentfield, idx, date,
				cost_type, description, amount, docstatus, creation, modified, owner, modified_by)
			select concat('{PREFIX}CCOST-', c.seq, '-', k.seq), {name.replace("seq", "c.seq")}, 'Campaign',
				'crm_costs', k.seq, {self._date(start.replace("seq", "c.seq"))},
				elt(k.seq, 'Media', 'Agency', 'Event'), 'Generated cost',
				round(500 + 6000 * {u("cost", "concat(c.seq, '.', k.seq)")}, 0), 0,
				{self._common("now()")}
			from seq_1_to_{campaigns} c join seq_1_to_3 k""",
			self._params(),
		)
		# members: 1,000 to 5,000 customers per campaign, spread over all customers with a prime stride
		customers = frappe.db.sql("select count(*) from _crm_gen_customer")[0][0]
		stride = next(p for p in (7919, 7907, 7901) if customers % p)
		r = campaign_rules
		statuses = (
			(r.TARGETED,) * 10 + (r.CONTACTED,) * 5 + (r.RESPONDED,) * 3 + (r.CONVERTED, r.UNSUBSCRIBED)
		)
		response_day = self._date(f"floor((t.campaign - 1) * {D} / {campaigns}) + 7")
		frappe.db.sql(
			f"""insert ignore into `tabCampaign Member` (name, campaign, party_type, party, party_name,
				customer, status, source, response_date, response_channel, docstatus, idx,
				creation, modified, owner, modified_by)
			select md5(concat_ws('|', t.campaign_name, 'Customer', c.name)), t.campaign_name, 'Customer', c.name, c.customer_name,
				c.name, t.status, 'Segment',
				if(t.status in ({sql_list(campaign_rules.RESPONSE_STATUSES)}), {response_day}, null),
				if(t.status in ({sql_list(campaign_rules.RESPONSE_STATUSES)}), 'Email', null), 0, 0, {self._common("now()")}
			from (
				select k.seq as campaign, concat('{PREFIX}Campaign ', lpad(k.seq, 2, '0')) as campaign_name, s.seq,
					1 + mod(floor({u("offset", "k.seq")} * {customers}) + s.seq * {stride}, {customers}) as cid,
					{self.pick(statuses, "mstatus", "concat(k.seq, '.', s.seq)")} as status
				from seq_1_to_{campaigns} k
				join seq_1_to_5000 s on s.seq <= least(1000 + floor({u("members", "k.seq")} * 4000), {customers})
			) t join _crm_gen_customer c on c.id = t.cid""",
			self._params(),
		)

	def insert_interactions(self, interactions: int, customers: int):
		if not interactions:
			return
		u = self.u
		day = self._date(f"floor({u('iday', 'seq')} * {self.days})")
		# never later than now: today's interactions happened this morning
		when = f"least(timestamp({day}, sec_to_time(28800 + floor({u('itime', 'seq')} * 36000))), %(now)s)"
		for lo in range(1, interactions + 1, self.chunk):
			hi = min(lo + self.chunk - 1, interactions)
			frappe.db.sql(
				f"""insert ignore into `tabCustomer Interaction` (name, naming_series, party_type, party,
					party_name, customer, interaction_at, user, source, channel, direction, touchpoint,
					sale_stage, interaction_type, sentiment, subject, next_follow_up_on, follow_up_by,
					follow_up_status, docstatus, idx, creation, modified, owner, modified_by)
				select t.name, 'CRM-INT-.YYYY.-', 'Customer', c.name, c.customer_name, c.name, t.at,
					'Administrator', 'Manual', t.channel, t.direction, t.touchpoint, t.stage, t.kind,
					t.sentiment, concat(t.kind, ' by ', lower(t.channel)),
					if(t.follow_up, date(t.at) + interval 7 day, null), if(t.follow_up, 'Administrator', null),
					if(t.follow_up, if(date(t.at) + interval 7 day < %(as_of)s, 'Done', 'Open'), null),
					0, 0, t.at, t.at, 'Administrator', 'Administrator'
				from (
					select seq, concat('{PREFIX}INT-', lpad(seq, 7, '0')) as name,
						1 + floor({u("icust", "seq")} * {customers}) as cid, {when} as at,
						{self.pick(CHANNELS, "channel", "seq")} as channel,
						{self.pick(("Outbound", "Inbound"), "direction", "seq")} as direction,
						{self.pick(TOUCHPOINTS, "touchpoint", "seq")} as touchpoint,
						{self.pick(STAGES, "stage", "seq")} as stage,
						{self.pick(KINDS, "kind", "seq")} as kind,
						{self.pick(SENTIMENTS, "sentiment", "seq")} as sentiment,
						{u("follow", "seq")} < 0.08 as follow_up
					from seq_{lo}_to_{hi}
				) t join _crm_gen_customer c on c.id = t.cid""",
				{"day0": self.day0, "as_of": self.as_of, "now": frappe.utils.now_datetime()},
			)
			frappe.db.commit()  # nosemgrep

	def insert_complaints(self, complaints: int, customers: int):
		"""Older complaints are resolved or closed (a few still escalated); recent ones in every state."""
		if not complaints:
			return
		u, D = self.u, self.days
		sla = frappe.db.get_value("Service Level Agreement", {"document_type": "Customer Complaint"}, "name")
		has_sla = bool(sla) and frappe.get_meta("Customer Complaint").has_field("response_by")
		sla_columns = sla_values = ""
		if has_sla:
			sla_columns = """, service_level_agreement, priority, service_level_agreement_creation,
				response_by, first_responded_on, sla_resolution_by, sla_resolution_date"""
			sla_values = """, %(sla)s, t.priority, t.opened, t.opened + interval 8 hour,
				t.opened + interval t.responded_hours hour, t.opened + interval 40 hour, t.resolved"""
		# every open state a complaint reaches on its way (a reopened one is opened again, not new)
		open_states = tuple(
			s for s in sla_rules.STATES if s in sla_rules.OPEN_STATES and s != sla_rules.REOPENED
		)
		opened = (
			f"timestamp({self._date('d.day')}, sec_to_time(28800 + floor({u('ctime', 'd.seq')} * 32400)))"
		)
		hours = f"4 + floor(pow({u('hours', 'o.seq')}, 2) * 120)"
		frappe.db.sql(
			f"""insert ignore into `tabCustomer Complaint` (name, naming_series, subject, customer,
				customer_name, company, status, severity, channel, category, opened_on, description,
				root_cause_category, resolution_type, resolution, resolved_on, closed_on, compensation, cost,
				satisfaction, satisfaction_on, sla_breach, sla_breached_on, docstatus, idx,
				creation, modified, owner, modified_by {sla_columns})
			select t.name, 'CRM-CMP-.YYYY.-', concat(t.category, ' complaint'), c.name, c.customer_name,
				%(company)s, t.status, t.severity, t.channel, t.category, t.opened, 'Generated complaint',
				if(t.resolved is null, null, t.cause), if(t.resolved is null, null, 'Explanation'),
				if(t.resolved is null, null, 'Explained and settled'), t.resolved,
				if(t.status = '{sla_rules.CLOSED}', t.resolved + interval 2 day, null), t.compensation, t.compensation,
				if(t.rated, t.rating, 0), if(t.rated, t.resolved + interval 1 day, null),
				if(t.breached, 'Resolution', null), if(t.breached, t.opened + interval 40 hour, null),
				0, 0, t.opened, coalesce(t.resolved, t.opened), 'Administrator', 'Administrator'
				{sla_values}
			from (
				select r.*,
					if(r.resolved is null, {self.pick(open_states, "cstate", "r.seq")},
						if({u("closed", "r.seq")} < 0.85, '{sla_rules.CLOSED}', '{sla_rules.RESOLVED}')) as status,
					r.resolved is not null and {u("rated", "r.seq")} < 0.6 as rated,
					r.resolved is not null and r.resolved > r.opened + interval 40 hour as breached
				from (
					select o.seq, o.opened, concat('{PREFIX}CMP-', lpad(o.seq, 6, '0')) as name,
						1 + floor({u("ccust", "o.seq")} * {customers}) as cid,
						if(o.age > 30 and {u("stuck", "o.seq")} >= 0.03 or {u("done", "o.seq")} < 0.4,
							least(o.opened + interval ({hours}) hour, %(now)s), null) as resolved,
						{self.pick(("Minor", "Minor", "Major", "Critical"), "severity", "o.seq")} as severity,
						{self.pick(("Desk", "Phone", "Email", "Portal", "API"), "cchannel", "o.seq")} as channel,
						{self.pick(CATEGORIES, "category", "o.seq")} as category,
						{self.pick(ROOT_CAUSES, "cause", "o.seq")} as cause,
						{self.pick(PRIORITIES, "priority", "o.seq")} as priority,
						round(if({u("comp", "o.seq")} < 0.2, 20 + 200 * {u("comp2", "o.seq")}, 0), 2)
							as compensation,
						1 + floor(pow({u("rating", "o.seq")}, 0.6) * 5) as rating,
						1 + floor({u("responded", "o.seq")} * 10) as responded_hours
					from (
						select seq, day, {D} - day as age, {opened} as opened from (
							select seq, floor({u("cday", "seq")} * {D}) as day from seq_1_to_{complaints}
						) d
					) o
				) r
			) t join _crm_gen_customer c on c.id = t.cid""",
			{**self._params(), "sla": sla, "now": frappe.utils.now_datetime()},
		)
