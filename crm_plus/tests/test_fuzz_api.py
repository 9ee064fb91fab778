"""Fuzzing the API with hypothesis: every whitelisted method of crm_plus and the REST writes on its
doctypes, called with generated payloads (wrong types, huge strings, unicode, nulls, negative and huge
numbers, nested JSON, unknown keys, names that do not exist) by a user who is permitted.

Only clear answers are allowed: 200, or 403, 404, 409, 417 (and 429 from a rate limit); never a
5xx. When a call is refused, nothing is written: a checksum of every table the API can touch is the
same before and after. Set CRM_FUZZ_RANDOM=1 to explore new examples instead of the fixed ones.
"""

import inspect
import json
import os
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import frappe
from frappe.utils import add_days, today
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_plus.domain import attribution
from crm_plus.tests import security
from crm_plus.tests.security import PREFIX, SecurityAPITestCase
from crm_plus.tests.utils import create_sales_invoice, create_user

FUZZER = "crm-sec-fuzzer@example.com"
# every role that can reach something, so the calls get past the permission checks into the code
FUZZER_ROLES = (
	"CRM Manager",
	"Customer Service Manager",
	"Customer Service Agent",
	"Marketing Manager",
	"Sales User",
	"Sales Manager",
	"Accounts User",
)
CLEAR = {200, 202, 403, 404, 409, 417, 429}
EXAMPLES = 40
FUZZ = settings(
	max_examples=EXAMPLES,
	deadline=None,
	database=None,
	derandomize=not os.environ.get("CRM_FUZZ_RANDOM"),
	suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Tables the API can write to: a refused call must leave every one of them as it was.
WATCHED = (
	"Campaign",
	"Campaign Member",
	"CRM Campaign Cost",
	"CRM Goal",
	"CRM Goal Measurement",
	"Customer Complaint",
	"Customer Complaint Item",
	"Customer Complaint Remedy",
	"Customer Health Snapshot",
	"Customer Interaction",
	"Retention Control",
	"Retention Plan",
	"Retention Plan Action",
	"Singles",
	"ToDo",
	"Sales Invoice",
	"Sales Order",
	"Payment Entry",
	"Pricing Rule",
	"Coupon Code",
	"Email Group",
	"Email Group Member",
	"Accounting Dimension",
	"Version",
)

# ---------------------------------------------------------------- values

NASTY_STRINGS = (
	"",
	" ",
	"'",
	'"',
	"\\",
	"' OR 1=1 --",
	"\\' OR 1=1 -- ",
	"`; DROP TABLE `tabCustomer Complaint`; --",
	"%s",
	"%(user)s",
	"{0}",
	"<script>alert(1)</script>",
	'<img src=x onerror="alert(1)">',
	"\x00",
	"\u202e\u0000\ufeff",
	"😀🔥",
	"名前と顧客",
	"null",
	"None",
	"[]",
	"{}",
	"[1, {",
	"-1",
	"1e309",
	"NaN",
	"2026-02-30",
	"2026-01-01T00:00:00+05:00|0|x",
	"0001-01-01T00:00:00|0|x",
	"../../etc/passwd",
	"Nonexistent " + "x" * 20,
)

scalars = st.one_of(
	st.none(),
	st.booleans(),
	st.integers(min_value=-(2**70), max_value=2**70),
	st.sampled_from((0, -1, 1, 2**31, 2**63, -(2**63))),
	st.floats(allow_nan=True, allow_infinity=True),
	st.text(max_size=40),
	st.sampled_from(NASTY_STRINGS),
	# huge strings, cheaply
	st.builds(lambda c, n: c * n, st.sampled_from(("a", "é", "😀", "'", "<")), st.integers(141, 70_000)),
)
values = st.recursive(
	scalars,
	lambda children: st.lists(children, max_size=4)
	| st.dictionaries(st.text(max_size=8), children, max_size=4),
	max_leaves=8,
)
unknown_keys = st.dictionaries(
	st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(("x", "__proto__", "doctype", "flags"))),
	values,
	max_size=2,
)


def payloads(params: dict[str, list]) -> st.SearchStrategy:
	"""Half the time anything at all (each parameter absent, real or anything); half the time every
	parameter real but one or two, so that calls get past the first checks deep into the code."""
	optional = {
		name: st.one_of(st.sampled_from(real), values) if real else values for name, real in params.items()
	}
	anything = st.builds(
		lambda known, extra: {**extra, **known}, st.fixed_dictionaries({}, optional=optional), unknown_keys
	)
	if not params:
		return anything
	real = st.fixed_dictionaries({name: st.sampled_from(pool) for name, pool in params.items() if pool})
	spoiled = st.dictionaries(st.sampled_from(sorted(params)), values, max_size=2)
	mostly_real = st.builds(lambda good, bad, extra: {**extra, **good, **bad}, real, spoiled, unknown_keys)
	return st.one_of(anything, mostly_real)


class TestFuzzAPI(SecurityAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_user(FUZZER, *FUZZER_ROLES)
		cls.auth["fuzzer"] = security.token(FUZZER)
		f = cls.f
		invoice = frappe.db.get_value("Sales Invoice", {"customer": f.main, "docstatus": 1, "is_return": 0})
		f.invoice = invoice or create_sales_invoice(f.main, item_code=f.item).name
		f.billed_complaint = security.complaint(
			f.main, "about an invoice", items=[f.item], sales_invoice=f.invoice
		)
		f.follow_up = security.interaction(f.main, "fuzzed follow-up", follow_up=True)
		f.resolved_portal_complaint = security.complaint(f.portal, "resolved, to rate")
		frappe.db.set_value(
			"Customer Complaint",
			f.resolved_portal_complaint,
			{"status": "Resolved", "resolution_type": "Explanation"},
		)
		cls.auth["admin"] = security.token("Administrator")
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for doctype in ("Customer Interaction", "Customer Complaint", "Campaign Member", "CRM Goal"):
			security.delete_all(doctype, {"owner": FUZZER})
		security.delete_all("Sales Invoice", {"owner": FUZZER, "docstatus": 0})
		security.delete_all("Payment Entry", {"owner": FUZZER, "docstatus": 0})
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	# ------------------------------------------------------------ the checks

	def checksum(self) -> dict:
		frappe.db.rollback()  # a fresh snapshot: see what the request threads committed
		tables = ", ".join(f"`tab{doctype}`" for doctype in WATCHED)
		return dict(frappe.db.sql(f"checksum table {tables}"))

	def check(self, label: str, user: str, verb: str, path: str, payload: dict):
		before = self.checksum()
		response = self.request(user, verb, path, payload)
		status = response.status_code
		self.assertIn(
			status,
			CLEAR,
			f"{label} answered {status} to {_short(payload)}:\n{_exception(response)}",
		)
		if status not in (200, 202):
			changed = {t for t, value in self.checksum().items() if before.get(t) != value}
			self.assertEqual(changed, set(), f"{label} refused {_short(payload)} ({status}) but wrote")
		return response

	def real_values(self) -> dict[str, list]:
		"""Real names and values per parameter name, so some calls go deep into the code."""
		f = self.f
		return {
			"campaign": [f.campaign],
			"complaint": [f.complaint, f.billed_complaint, f.portal_complaint, f.resolved_portal_complaint],
			"customer": [f.main, f.other],
			"party": [f.main, f.other],
			"party_type": ["Customer", "Lead", "Prospect"],
			"name": [f.follow_up, f.interaction],
			"subject": [f"{PREFIX}: fuzzed"],
			"users": [[FUZZER], FUZZER, "Administrator, " + FUZZER],
			"items": [[{"item_code": f.item, "qty": 1}], json.dumps([{"item_code": f.item, "qty": 1}])],
			"amount": [1, 10.5],
			"rating": [1, 5, "3"],
			"model": [*attribution.MODELS, "last_touch"],  # and a former internal name, still understood
			"kinds": ["interaction,complaint", ["quotation", "sales_invoice"], '["payment"]'],
			"before": ["2026-01-01T00:00:00|0|CRM-INT-0001"],
			"limit": [1, 20, 500],
			"discount_percentage": [5, 100],
			"sales_invoice": [f.invoice],
			"source_name": [f.invoice],
			"doctype": ["Sales Invoice", "Sales Order", "Delivery Note"],
			"filters": [json.dumps({"customer": f.main})],
			"channel": ["Phone", "Email", "API"],
			"category": ["Product", "Invoice"],
			"severity": ["Minor", "Major"],
			"next_follow_up_on": [today(), add_days(today(), 3)],
			"due_date": [today()],
			"interaction_at": ["2026-01-01 10:00:00"],
			"outcome": ["Called back"],
		}

	# ------------------------------------------------------------ whitelisted methods

	def test_whitelisted_methods(self):
		with patch("crm_plus.services.scoring.pipeline.enqueue_scoring"):  # no real scoring run queued
			for row in security.read_matrix("methods"):
				method = security.row_name(row)
				with self.subTest(method=method):
					self._fuzz_method(method, row)

	def _fuzz_method(self, method: str, row: dict):
		user = self._caller(row)
		real = self.real_values()
		if not method.startswith("crm_plus."):
			doctype, doc_method = method.split(".")
			names = [self.f.follow_up] if doctype == "Customer Interaction" else [self.f.goal]
			args = payloads({"outcome": real["outcome"]})
			strategy = st.fixed_dictionaries(
				{
					"dt": st.just(doctype),
					"dn": st.one_of(st.sampled_from([*names, "Nonexistent"]), values),
					"method": st.just(doc_method),
					"args": st.one_of(args, args.map(json.dumps), values),
				}
			)
			verb, path = "post", self.method("run_doc_method")
		else:
			fn = frappe.get_attr(method)
			params = inspect.signature(fn).parameters
			strategy = payloads({name: real.get(name, []) for name in params})
			allowed = frappe.allowed_http_methods_for_whitelisted_func.get(fn) or ["POST"]
			verb, path = (
				("get" if "GET" in allowed and "POST" not in allowed else "post"),
				self.method(method),
			)
			if method.endswith("submit_feedback"):
				strategy = self._feedback_payloads()

		@FUZZ
		@given(payload=strategy)
		def run(payload):
			if user == "Guest":
				security.clear_rate_limits()
			self.check(method, user, verb, path, payload)

		run()

	def _caller(self, row: dict) -> str:
		if row["Guest"] == "yes":
			return "Guest"
		desk = [role for role in security.ROLES if role not in (security.PORTAL, "Guest")]
		if not any(row[role] == "yes" for role in desk) and row[security.PORTAL] == "yes":
			return security.PORTAL
		return "fuzzer"

	def _feedback_payloads(self):
		from crm_plus.services.complaints.survey import survey_link

		query = parse_qs(urlparse(survey_link(security.complaint(self.f.main, "fuzzed survey"))).query)
		link = {key: query[key][0] for key in ("complaint", "nonce", "signature")}
		frappe.db.commit()  # nosemgrep: the link's nonce must be visible to the request threads
		return payloads({**{key: [value] for key, value in link.items()}, "rating": [1, 5], "comment": []})

	# ------------------------------------------------------------ REST writes

	def test_rest_writes(self):
		for doctype, name in self.f.documents.items():
			with self.subTest(doctype=doctype):
				self._fuzz_rest(doctype, name)

	def _fuzz_rest(self, doctype: str, name: str):
		meta = frappe.get_meta(doctype)
		fields = self._field_values(meta)
		# Frappe's own fields, with values of their own type (the framework does not check those)
		if meta.issingle:  # a Single's name is its doctype's
			fields.pop("name", None)
		else:
			fields["name"] = st.text(max_size=20) | st.sampled_from(NASTY_STRINGS)
		fields.update(
			{
				"owner": st.sampled_from(("Administrator", FUZZER, "nobody@example.com")),
				"docstatus": st.sampled_from((0, 1, 2)),
				"idx": st.integers(min_value=0, max_value=2**31 - 1),
			}
		)
		body = st.builds(
			lambda known, extra: {**extra, **known},
			st.fixed_dictionaries({}, optional=fields),
			st.dictionaries(st.text(min_size=1, max_size=12).map(lambda k: "x_" + k), values, max_size=2),
		)
		for verb in ["put"] if meta.issingle else ["post", "put"]:
			path = self.resource(doctype) if verb == "post" else self.resource(doctype, name)
			self._fuzz_rest_verb(f"{verb.upper()} {doctype}", verb, path, body)

	def _field_values(self, meta) -> dict:
		"""A strategy per field: real values, or anything of a kind Frappe itself copes with.

		Frappe reads a table, validates links and names a series before any controller runs, and
		answers an object in a link, a non-text doctype of a dynamic link, a non-list in a table or a
		non-text series with a 500 for every doctype: a framework limit (see docs/permissions.md), so
		those get lists, scalars and text."""
		real = self.real_values()
		link_types = {df.options for df in meta.fields if df.fieldtype == "Dynamic Link"}
		fields = {}
		for df in meta.fields:
			if df.fieldtype in ("Section Break", "Column Break", "Tab Break", "HTML", "Button"):
				continue
			if df.fieldtype in ("Table", "Table MultiSelect"):
				rows = st.fixed_dictionaries({}, optional=self._field_values(frappe.get_meta(df.options)))
				fields[df.fieldname] = st.lists(rows, max_size=3)
				continue
			pool = real.get(df.fieldname, [])
			if df.fieldtype == "Select":
				pool = [*pool, *(df.options or "").split("\n")[:3]]
			anything = values
			if df.fieldtype in ("Link", "Dynamic Link"):
				anything = scalars | st.lists(scalars, max_size=3)
			if df.fieldname == "naming_series" or df.fieldname in link_types:
				anything = st.text(max_size=20) | st.sampled_from(NASTY_STRINGS)
			fields[df.fieldname] = st.one_of(st.sampled_from(pool), anything) if pool else anything
		return fields

	def _fuzz_rest_verb(self, label: str, verb: str, path: str, body):
		doctype = label.split(" ", 1)[1]
		ptype = "create" if verb == "post" else "write"
		# the fuzzer holds every crm_plus role; what only System Manager may write, Administrator fuzzes
		user = "fuzzer" if frappe.has_permission(doctype, ptype, user=FUZZER) else "admin"

		@FUZZ
		@given(payload=body)
		def run(payload):
			self.check(label, user, verb, path, payload)

		run()


def _short(payload) -> str:
	text = json.dumps(payload, default=str, ensure_ascii=False)
	return text if len(text) < 400 else text[:400] + "..."


def _exception(response) -> str:
	try:
		body = response.json
	except Exception:
		return response.text[:1500]
	trace = body.get("exc")
	if trace:
		try:
			trace = "\n".join(json.loads(trace))
		except ValueError:
			pass
	return str(trace or body.get("exception") or body)[-2500:]
