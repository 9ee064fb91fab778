"""Injection and escaping over HTTP: SQL in report filters and API parameters, HTML and script in what
users type (stored as Frappe stores it, rendered escaped by crm_plus's pages), tampered survey links,
and the rate limits of everything a Guest can reach."""

import ast
import re
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qs, urlencode, urlparse

import frappe
from bs4 import BeautifulSoup
from frappe.utils import add_days, now_datetime

from crm_plus.services import rate_limits
from crm_plus.services.complaints.survey import survey_link
from crm_plus.tests import security
from crm_plus.tests.security import PORTAL, PREFIX, SecurityAPITestCase, report_filters
from crm_plus.tests.utils import create_customer

APP = Path(__file__).resolve().parents[1]
MARK = "crm-xss"
INJECTIONS = (
	"' OR 1=1 --",
	"' OR '1'='1",
	"\\' OR 1=1 -- ",
	"1; DROP TABLE `tabCustomer Complaint`; --",
	"` OR 1=1 #",
	"' UNION SELECT name, password FROM `__Auth` --",
	"1) OR (1=1",
	"%' OR '%'='",
)
XSS = (
	f'<script>alert("{MARK}")</script>',
	f'<img src=x onerror=alert("{MARK}")>',
	f'"><svg onload=alert("{MARK}")>',
	f'["<img src=x onerror=alert(\\"{MARK}\\")>"]',  # JSON-looking: Frappe stores it unsanitized
)
# Tables a DROP or UPDATE smuggled into a filter would hit.
TABLES = (
	"Customer Complaint",
	"Customer Interaction",
	"Customer Health Snapshot",
	"Campaign Member",
	"Retention Plan",
	"Customer",
	"Sales Invoice",
)


class TestInjection(SecurityAPITestCase):
	def tables(self) -> dict:
		self.fresh()
		return {t: frappe.db.count(t) if frappe.db.table_exists(t) else None for t in TABLES}

	def run_report(self, user, report, filters):
		return self.request(
			user,
			"post",
			self.method("frappe.desk.query_report.run"),
			{"report_name": report, "filters": filters},
		)

	# ------------------------------------------------------------ SQL in report filters

	def test_report_filters_resist_sql_injection(self):
		before = self.tables()
		base = report_filters(self.f)
		problems = []
		for row in security.read_matrix("reports"):
			report = security.row_name(row)
			self.assertEqual(row["CRM Manager"], "yes", f"{report}: the CRM Manager runs every report")
			baseline = self.run_report("CRM Manager", report, base[report])
			self.assertEqual(baseline.status_code, 200, f"{report}: {baseline.text[:500]}")
			allowed_rows = _rows(baseline)
			for key in [*_report_filter_names(report), "name"]:
				for value in INJECTIONS:
					response = self.run_report("CRM Manager", report, {**base[report], key: value})
					status = response.status_code
					if status not in (200, 403, 404, 417):
						problems.append(f"{report} {key}={value!r}: {status} {response.text[-300:]}")
					elif status == 200 and len(_rows(response)) > len(allowed_rows):
						problems.append(f"{report} {key}={value!r}: more rows than without it")
					elif status == 200 and "pbkdf2" in response.text:
						problems.append(f"{report} {key}={value!r}: password hashes in the answer")
		self.assertEqual(problems, [])
		self.assertEqual(self.tables(), before)

	def test_restricted_users_reports_stay_restricted_under_injection(self):
		f = self.f
		follow_ups = {"days_ahead": 7}
		everyone = self.run_report("Sales User", "Follow-ups Due", follow_ups)
		self.assertIn(f.other, everyone.text)  # the other customer's follow-up shows when unrestricted
		for key in ("follow_up_by", "days_ahead", "only_overdue", "customer"):
			for value in INJECTIONS:
				response = self.run_report("restricted", "Follow-ups Due", {**follow_ups, key: value})
				self.assertIn(response.status_code, (200, 417), response.text[-300:])
				self.assertNotIn(f.other, response.text, f"{key}={value!r}")

	# ------------------------------------------------------------ SQL in API parameters

	def test_api_parameters_resist_sql_injection(self):
		f = self.f
		before = self.tables()
		get_360 = self.method("crm_plus.api.customer.get_360")
		for value in INJECTIONS:
			for user, verb, path, data in (
				("CRM Manager", "get", get_360, {"customer": value}),
				("CRM Manager", "get", get_360, {"customer": f.main, "kinds": value}),
				("CRM Manager", "get", get_360, {"customer": f.main, "limit": value}),
				("CRM Manager", "get", self.method("crm_plus.api.interaction.get_interactions"), {"customer": value}),
				("CRM Manager", "get", self.method("crm_plus.api.campaign.preview_segment"), {"campaign": value}),
				("CRM Manager", "post", self.method("crm_plus.api.complaint.file_complaint"), {"customer": value, "subject": "x"}),
				("CRM Manager", "post", self.method("crm_plus.api.interaction.log_interaction"), {"party": value, "subject": "x"}),
				("CRM Manager", "post", self.method("crm_plus.api.interaction.complete_follow_up"), {"name": value}),
				("Marketing Manager", "post", self.method("crm_plus.api.campaign.make_call_list"), {"campaign": f.campaign, "users": value}),
			):  # fmt: skip
				response = self.request(user, verb, path, data)
				self.assertIn(response.status_code, (403, 404, 417), f"{path} {data}: {response.text[-300:]}")
			# a cursor is data, never SQL: the page holds the main customer's entries only
			cursor = self.request("CRM Manager", "get", get_360, {"customer": f.main, "before": f"2999-01-01T00:00:00|0|{value}"})  # fmt: skip
			self.assertEqual(cursor.status_code, 200, cursor.text[-300:])
			for entry in cursor.json["message"]["timeline"]:
				self.assertIn(_customer_of(entry), (f.main, None), entry)
		self.assertEqual(self.tables(), before)

	def test_a_campaign_named_with_quotes_and_backslashes_adds_exactly_its_segment(self):
		"""The segment query is built with frappe.qb and run inside an INSERT ... SELECT: its values
		must travel as parameters, not as inlined text (a backslash would escape the closing quote)."""
		territory = f"{PREFIX} Territory"
		if not frappe.db.exists("Territory", territory):
			frappe.get_doc(
				{"doctype": "Territory", "territory_name": territory, "parent_territory": _root("Territory")}
			).insert(ignore_permissions=True)
		target = create_customer(f"{PREFIX} Target Customer", territory=territory)
		for name in (f"{PREFIX} O'Brien \\' OR 1=1 -- ", f"{PREFIX} trailing\\", f"{PREFIX} %s %(user)s"):
			campaign = frappe.get_doc(
				{"doctype": "Campaign", "campaign_name": name, "crm_target_territory": territory}
			).insert(ignore_permissions=True)
			self.commit()
			preview = self.request(
				"Marketing Manager", "get", self.method("crm_plus.api.campaign.preview_segment"), {"campaign": campaign.name}
			)  # fmt: skip
			self.assertEqual(preview.status_code, 200, preview.text[-500:])
			self.assertEqual(preview.json["message"]["count"], 1)
			added = self.request(
				"Marketing Manager", "post", self.method("crm_plus.api.campaign.add_members"), {"campaign": campaign.name}
			)  # fmt: skip
			self.assertEqual(added.status_code, 200, added.text[-500:])
			self.assertEqual(added.json["message"]["added"], 1)
			self.fresh()
			members = frappe.get_all("Campaign Member", filters={"campaign": campaign.name}, pluck="customer")
			self.assertEqual(members, [target])

	# ------------------------------------------------------------ HTML and script in what users type

	def test_html_in_interactions_and_complaints_is_stored_sanitized(self):
		f = self.f
		for payload in XSS[:3]:
			logged = self.request(
				"CS Agent",
				"post",
				self.method("crm_plus.api.interaction.log_interaction"),
				{"party": f.main, "subject": f"{PREFIX}: {payload}", "notes": payload},
			)
			self.assertEqual(logged.status_code, 200, logged.text)
			filed = self.request(
				"CS Agent",
				"post",
				self.method("crm_plus.api.complaint.file_complaint"),
				{"customer": f.main, "subject": f"{PREFIX}: {payload}", "description": payload},
			)
			self.assertEqual(filed.status_code, 200, filed.text)
			self.fresh()
			interaction = frappe.db.get_value(
				"Customer Interaction", logged.json["message"]["name"], ["subject", "notes"], as_dict=True
			)
			complaint = frappe.db.get_value(
				"Customer Complaint", filed.json["message"]["name"], ["subject", "description"], as_dict=True
			)
			for stored in (*interaction.values(), *complaint.values()):
				self.assertFalse(_live(stored), stored)
		page = self.request(
			"CS Agent", "get", self.method("crm_plus.api.customer.get_360"), {"customer": f.main}
		)
		self.assertEqual(page.status_code, 200, page.text)
		for entry in page.json["message"]["timeline"]:
			self.assertFalse(_live(entry["title"]), entry)

	def test_customer_360_page_escapes_what_users_typed(self):
		"""The page builds HTML from the payload: every text a user typed goes through escape_html."""
		source = (APP / "crm_plus" / "page" / "customer_360" / "customer_360.js").read_text()
		user_text = re.compile(
			r"\b(e\.(title|name|status|doctype)|f\.company|value\.(segment|rfm|value_class|open_retention_plan)"
			r"|detail|r|k\.label|data\.customer_name)\b"
		)
		unescaped = []
		for expression in _placeholders(source):
			bare = _without_safe_calls(expression)
			if user_text.search(bare):
				unescaped.append(expression)
		self.assertEqual(unescaped, [])

	def test_portal_pages_escape_what_users_typed(self):
		f = self.f
		names = []
		for payload in XSS:
			filed = self.request(
				PORTAL,
				"post",
				self.method("crm_plus.api.complaint.file_from_portal"),
				{"subject": f"{PREFIX}: {payload}", "description": payload},
			)
			self.assertEqual(filed.status_code, 200, filed.text)
			names.append(filed.json["message"])
		# and as if written around the ORM (an import, a patch): the pages must escape anyway
		raw = security.complaint(f.portal, "raw")
		frappe.db.set_value(
			"Customer Complaint",
			raw,
			{"subject": XSS[1], "description": XSS[0] + XSS[2], "resolution": XSS[1], "status": "Resolved"},
		)
		names.append(raw)
		self.commit()
		listing = self.request(PORTAL, "get", "/complaints")
		self.assertEqual(listing.status_code, 200, listing.text[-500:])
		self.assertIn(raw, listing.text)
		self.assertEqual(_live_in_page(listing.text), [])
		for name in names:
			detail = self.request(PORTAL, "get", f"/complaints?name={name}")
			self.assertEqual(detail.status_code, 200, detail.text[-500:])
			self.assertIn(MARK, detail.text)  # shown, as text
			self.assertEqual(_live_in_page(detail.text), [], name)

	def test_survey_page_escapes_the_subject(self):
		name = security.complaint(self.f.main, "survey")
		frappe.db.set_value("Customer Complaint", name, "subject", XSS[0] + XSS[1])
		link = survey_link(name)
		self.commit()
		security.clear_rate_limits()
		page = self.request("Guest", "get", urlparse(link).path + "?" + urlparse(link).query)
		self.assertEqual(page.status_code, 200, page.text[-500:])
		self.assertIn(MARK, page.text)
		self.assertEqual(_live_in_page(page.text), [])

	# ------------------------------------------------------------ signed survey links

	def test_tampered_survey_links_are_refused_and_write_nothing(self):
		f = self.f
		a, b, old = (security.complaint(f.main, f"survey {x}") for x in "abc")
		link_a, link_b, link_old = (_link_args(survey_link(name)) for name in (a, b, old))
		frappe.db.set_value(
			"Customer Complaint", old, "satisfaction_requested_on", add_days(now_datetime(), -400)
		)
		self.commit()
		security.clear_rate_limits()
		flipped = link_a["signature"][:-1] + ("0" if link_a["signature"][-1] != "0" else "1")
		tampered = {
			"wrong signature": {**link_a, "signature": flipped},
			"another complaint's signature": {**link_a, "signature": link_b["signature"]},
			"another complaint's nonce and signature": {**link_b, "complaint": a},
			"no signature": {**link_a, "signature": ""},
			"expired": link_old,
		}
		stored = self._survey_state(a, b, old)
		for label, args in tampered.items():
			answer = self.request("Guest", "post", self._feedback(), {**args, "rating": 5})
			self.assertEqual(answer.status_code, 403, f"{label}: {answer.text[-300:]}")
			page = self.request("Guest", "get", "/complaint-feedback?" + urlencode(args))
			self.assertEqual(page.status_code, 403, label)
			self.assertNotIn('id="crm-feedback"', page.text, label)  # no form
			self.assertEqual(self._survey_state(a, b, old), stored, f"{label} wrote")
		first = self.request("Guest", "post", self._feedback(), {**link_a, "rating": 4, "comment": "Fine"})
		self.assertEqual(first.status_code, 200, first.text)
		answered = self._survey_state(a, b, old)
		again = self.request("Guest", "post", self._feedback(), {**link_a, "rating": 1, "comment": "Changed"})
		self.assertEqual(again.status_code, 403, "a used link")
		self.assertEqual(self._survey_state(a, b, old), answered)
		self.assertEqual(answered[a][0], 4)

	def _feedback(self) -> str:
		return self.method("crm_plus.api.complaint.submit_feedback")

	def _survey_state(self, *names) -> dict:
		self.fresh()
		return {
			name: frappe.db.get_value(
				"Customer Complaint",
				name,
				["satisfaction", "satisfaction_comment", "satisfaction_on", "satisfaction_token"],
			)
			for name in names
		}

	def test_staff_cannot_rate_for_the_customer(self):
		"""The survey answer is the customer's: a save by staff never sets or changes it."""
		name = self.f.complaint
		for values in (
			{"satisfaction": 5, "satisfaction_comment": "Great"},
			{"satisfaction_token": "0" * 64},
		):
			before = frappe.db.get_value("Customer Complaint", name, list(values), as_dict=True)
			self.assertNotIn("Great", before.values())
			response = self.request("CS Manager", "put", self.resource("Customer Complaint", name), values)
			self.assertEqual(response.status_code, 200, response.text)
			self.fresh()
			self.assertEqual(
				frappe.db.get_value("Customer Complaint", name, list(values), as_dict=True), before
			)
		created = self.request(
			"CS Agent",
			"post",
			self.resource("Customer Complaint"),
			{"customer": self.f.main, "subject": f"{PREFIX}: pre-rated", "satisfaction": 5},
		)
		self.assertEqual(created.status_code, 200, created.text)
		self.assertFalse(created.json["data"]["satisfaction"])

	# ------------------------------------------------------------ what a Guest can reach

	def test_every_guest_endpoint_is_listed_and_rate_limited(self):
		methods, pages = set(), set()
		for path in sorted(APP.rglob("*.py")):
			if "tests" in path.parts:
				continue
			for node in ast.walk(ast.parse(path.read_text())):
				if isinstance(node, ast.FunctionDef) and any(
					"allow_guest=True" in ast.unparse(d) for d in node.decorator_list
				):
					module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
					methods.add(f"POST /api/method/{module}.{node.name}")
					self.assertTrue(
						any("rate_limit" in ast.unparse(d) for d in node.decorator_list),
						f"{module}.{node.name} is open to Guest without a rate limit",
					)
		for path in sorted((APP / "www").rglob("*.py")):
			# Frappe finds a page's module by its route with - as _ (complaint-feedback.html: .py)
			page = path.parent.name if path.stem == "index" else path.stem.replace("_", "-")
			self.assertTrue(
				path.with_name(f"{page}.html").exists() or path.with_suffix(".html").exists(), path
			)
			pages.add(f"GET /{page}")
			self.assertIn(f'limit_page_rate("{page}")', path.read_text(), f"/{page} has no rate limit")
			self.assertIn(page, rate_limits.PAGE_RATE_LIMITS)
		listed = {security.row_name(row) for row in security.read_matrix("guest endpoints")}
		self.assertEqual(listed, methods | pages)

	def test_submit_feedback_answers_429_past_its_limit(self):
		security.clear_rate_limits()
		args = {"complaint": self.f.complaint, "nonce": "x", "signature": "y", "rating": 5}
		statuses = [self.request("Guest", "post", self._feedback(), args).status_code for _ in range(21)]
		security.clear_rate_limits()
		self.assertEqual(statuses, [403] * 20 + [429])

	def test_guest_pages_answer_429_past_their_limit(self):
		security.clear_rate_limits()
		limits = {"complaint-feedback": (3, 60), "complaints": (2, 60)}
		with patch.dict(rate_limits.PAGE_RATE_LIMITS, limits):
			survey = [
				self.request("Guest", "get", "/complaint-feedback?complaint=x").status_code for _ in range(4)
			]
			portal = [self.request("Guest", "get", "/complaints").status_code for _ in range(3)]
		security.clear_rate_limits()
		self.assertEqual(survey, [403, 403, 403, 429])
		self.assertEqual(portal, [403, 403, 429])


# ---------------------------------------------------------------- helpers


def _rows(response) -> list:
	return [row for row in response.json["message"]["result"] if isinstance(row, dict | list)]


def _report_filter_names(report: str) -> list[str]:
	folder = APP / "crm_plus" / "report" / frappe.scrub(report).replace("-", "_")
	source = (folder / f"{folder.name}.js").read_text()
	return re.findall(r'fieldname: "(\w+)"', source)


def _customer_of(entry: dict) -> str | None:
	field = {"Quotation": "party_name", "Payment Entry": "party", "Campaign Member": "customer"}.get(
		entry["doctype"], "customer"
	)
	return frappe.db.get_value(entry["doctype"], entry["name"], field)


def _root(doctype: str) -> str:
	from frappe.utils.nestedset import get_root_of

	return get_root_of(doctype)


def _link_args(link: str) -> dict:
	query = parse_qs(urlparse(link).query)
	return {key: query[key][0] for key in ("complaint", "nonce", "signature")}


def _live(text) -> bool:
	"""Would this text, put into a page as HTML, run script?"""
	return bool(text) and bool(_live_in_page(f"<div>{text}</div>"))


def _live_in_page(html: str) -> list[str]:
	"""Elements in the page that would run the test's script: a <script> with the mark, or any element
	with an on... attribute or a javascript: URL carrying it."""
	found = []
	for tag in BeautifulSoup(html, "html.parser").find_all(True):
		if tag.name == "script" and MARK in (tag.string or ""):
			found.append(str(tag)[:200])
		for attribute, value in tag.attrs.items():
			value = " ".join(value) if isinstance(value, list) else str(value)
			if MARK in value and (
				attribute.startswith("on") or value.strip().lower().startswith("javascript:")
			):
				found.append(str(tag)[:200])
	return found


def _placeholders(source: str) -> list[str]:
	"""The expressions of every ${...} in the template literals of a JavaScript source."""
	found = []
	start = source.find("${")
	while start != -1:
		depth, i = 1, start + 2
		while depth and i < len(source):
			depth += {"{": 1, "}": -1}.get(source[i], 0)
			i += 1
		found.append(source[start + 2 : i - 1])
		start = source.find("${", start + 2)
	return found


def _without_safe_calls(expression: str) -> str:
	"""The expression less escape_html(...) / encodeURI(...) calls, comparisons and ternary tests,
	which never put their argument into the page as HTML."""
	for call in ("frappe.utils.escape_html(", "encodeURIComponent(", "encodeURI("):
		while call in expression:
			start = expression.index(call)
			depth, i = 1, start + len(call)
			while depth and i < len(expression):
				depth += {"(": 1, ")": -1}.get(expression[i], 0)
				i += 1
			expression = expression[:start] + "SAFE" + expression[i:]
	expression = re.sub(r"[\w.]+\s*[!=]==?\s*[\w.]+", "SAFE", expression)  # comparisons
	expression = re.sub(r"^\s*[\w.]+\s*\?", "SAFE ?", expression)  # the test of a ternary
	return expression
