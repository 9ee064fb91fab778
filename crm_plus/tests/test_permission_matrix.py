"""The permission matrix of docs/permissions.md, checked over HTTP as one user per role.

Every cell of the doctype, report and method tables is a request: allowed means 200 (202 for a
delete), refused means 403 with nothing written. The tables are read from the document itself, so the
document and the app cannot drift apart.
"""

import ast
import json
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import frappe
from frappe.utils import add_days, now_datetime, today

from crm_plus.domain.goals import REPURCHASE_RATE
from crm_plus.tests import security
from crm_plus.tests.security import PORTAL, PREFIX, ROLES, WRITES, SecurityAPITestCase, report_filters

APP = Path(__file__).resolve().parents[1]
OPS = ("read", "write", "create", "delete")
ALLOWED = (200, 202)
REFUSED = 403


class TestPermissionMatrix(SecurityAPITestCase):
	# ------------------------------------------------------------ the users are what the columns say

	def test_each_user_holds_exactly_its_role(self):
		for label, spec in ROLES.items():
			if spec is None:
				continue
			email, role = spec
			roles = set(frappe.get_roles(email)) - {"All", "Guest", "Desk User"}
			self.assertEqual(roles, {role}, label)
			user_type = "Website User" if label == PORTAL else "System User"
			self.assertEqual(frappe.db.get_value("User", email, "user_type"), user_type, label)

	# ------------------------------------------------------------ the document covers the app

	def test_matrix_covers_every_role_doctype_report_and_method(self):
		for table in ("doctypes", "erpnext doctypes", "reports", "methods"):
			header = list(security.read_matrix(table)[0])
			self.assertEqual(header[1:-1], list(ROLES), f"the columns of the {table} table")
		doctypes, children = set(), set()
		for path in sorted((APP / "crm_plus" / "doctype").glob("*/*.json")):
			if path.stem != path.parent.name:
				continue
			meta = json.loads(path.read_text())
			(children if meta.get("istable") else doctypes).add(meta["name"])
		self.assertEqual({security.row_name(r) for r in security.read_matrix("doctypes")}, doctypes)
		self.assertEqual({security.row_name(r) for r in security.read_matrix("child tables")}, children)
		reports = {
			json.loads(p.read_text())["name"]
			for p in (APP / "crm_plus" / "report").glob("*/*.json")
			if p.stem == p.parent.name
		}
		self.assertEqual({security.row_name(r) for r in security.read_matrix("reports")}, reports)
		self.assertEqual(
			{security.row_name(r) for r in security.read_matrix("methods")}, whitelisted_methods()
		)

	# ------------------------------------------------------------ doctypes over REST

	def test_doctypes(self):
		mismatches = []
		for row in security.read_matrix("doctypes"):
			doctype = security.row_name(row)
			meta = frappe.get_meta(doctype)
			self.assertFalse(meta.is_submittable, f"{doctype} is submittable: add S to its row and a check")
			for role in ROLES:
				expected = security.letters(row[role])
				for op in OPS:
					if meta.issingle and op in ("create", "delete"):
						self.assertNotIn(op, expected, f"{doctype} is a Single: no {op}")
						continue
					status, written = getattr(self, f"_{op}")(doctype, role)
					want = op in expected
					if (status in ALLOWED) if want else (status == REFUSED):
						if not want and written:
							mismatches.append(f"{role}: {op} {doctype} was refused but wrote")
					else:
						mismatches.append(f"{role}: {op} {doctype} answered {status}")
		self.assertEqual(mismatches, [])

	def _target(self, doctype: str, role: str) -> str:
		f = self.f
		if doctype == "Customer Complaint" and role == PORTAL:
			return f.portal_complaint
		return f.documents[doctype]

	def _read(self, doctype, role):
		response = self.request(role, "get", self.resource(doctype, self._target(doctype, role)))
		if response.status_code == 200:
			self.assertEqual(response.json["data"]["name"], self._target(doctype, role))
		return response.status_code, False

	def _write(self, doctype, role):
		name = self._target(doctype, role)
		change = WRITES[doctype]
		if frappe.get_meta(doctype).issingle:  # a distinct value per role shows who wrote
			change = {field: value + list(ROLES).index(role) + 1 for field, value in change.items()}
		before = self._written(doctype, name, change)
		response = self.request(role, "put", self.resource(doctype, name), change)
		self.fresh()
		return response.status_code, self._written(doctype, name, change) != before

	def _written(self, doctype, name, change):
		if frappe.get_meta(doctype).issingle:
			return [frappe.db.get_single_value(doctype, field) for field in change]
		return str(frappe.db.get_value(doctype, name, "modified"))

	def _create(self, doctype, role):
		payload = self._new(doctype, role)
		self.commit()
		before = frappe.db.count(doctype)
		response = self.request(role, "post", self.resource(doctype), payload)
		self.fresh()
		return response.status_code, frappe.db.count(doctype) != before

	def _delete(self, doctype, role):
		name = self._throwaway(doctype, role)
		self.commit()
		response = self.request(role, "delete", self.resource(doctype, name))
		self.fresh()
		return response.status_code, not frappe.db.exists(doctype, name)

	def _new(self, doctype: str, role: str) -> dict:
		f = self.f
		company = {"company": f.company}
		return {
			"Campaign Member": lambda: {
				"campaign": f.campaign,
				"party_type": "Customer",
				"party": security.customer(f"New {role}"),
			},
			"CRM Job Health": lambda: {"job_key": f"{PREFIX} new by {role}", "job": "New", "method": "x"},
			"CRM Goal": lambda: {
				"goal_name": f"{PREFIX} new by {role}",
				"metric": REPURCHASE_RATE,
				**company,
				"goal_owner": "Administrator",
				"period_start": today(),
				"period_end": add_days(today(), 30),
				"target": 50,
			},
			"Customer Complaint": lambda: {
				"subject": f"{PREFIX}: new by {role}",
				"customer": f.portal if role == PORTAL else f.main,
			},
			"Customer Health Snapshot": lambda: {
				"customer": f.main,
				**company,
				"period": "2020-02",
				"scored_on": today(),
			},
			"Customer Interaction": lambda: {
				"party_type": "Customer",
				"party": f.main,
				"subject": f"{PREFIX}: new by {role}",
				"interaction_at": str(now_datetime()),
				"user": "Administrator",
				"channel": "Phone",
				"direction": "Outbound",
				"touchpoint": "Sales",
				"sale_stage": "Sale",
				"interaction_type": "Other",
			},
			"Retention Control": lambda: {
				"customer": f.main,
				**company,
				"start_date": today(),
				"end_date": add_days(today(), 90),
			},
			"Retention Plan": lambda: {
				"customer": security.customer(f"New {role}"),
				**company,
				"plan_owner": "Administrator",
				"start_date": today(),
			},
		}[doctype]()

	def _throwaway(self, doctype: str, role: str) -> str:
		f = self.f
		return {
			"Campaign Member": lambda: security.member(f.campaign, security.customer(f"Del {role}")),
			"CRM Goal": lambda: security.goal(f"to delete by {role}"),
			"CRM Job Health": lambda: security.job_health_row(f"{PREFIX} to delete by {role}"),
			"Customer Complaint": lambda: security.complaint(
				f.portal if role == PORTAL else f.main, f"to delete by {role}"
			),
			"Customer Health Snapshot": lambda: security.snapshot(f.main),
			"Customer Interaction": lambda: security.interaction(f.main, f"to delete by {role}"),
			"Retention Control": lambda: security.control(f.main),
			"Retention Plan": lambda: security.plan(security.customer(f"Del {role}"), actions=False),
		}[doctype]()

	# ------------------------------------------------------------ child tables follow their parent

	def test_child_tables_answer_as_their_parent(self):
		f = self.f
		rows = {
			"CRM Campaign Cost": f.campaign_cost,
			"CRM Goal Measurement": f.goal_measurement,
			"CRM Important Date": f.important_date,
			"Customer Complaint Item": f.complaint_item,
			"Customer Complaint Remedy": f.complaint_remedy,
			"Retention Plan Action": f.plan_action,
		}
		parents = {
			security.row_name(r): r
			for r in security.read_matrix("doctypes") + security.read_matrix("erpnext doctypes")
		}
		mismatches = []
		for row in security.read_matrix("child tables"):
			child, parent = security.row_name(row), row["Parent"]
			self.assertEqual(frappe.db.get_value(child, rows[child], "parenttype"), parent)
			for role in ROLES:
				if role == PORTAL and parent == "Customer Complaint":
					continue  # their own complaints only: the rows here belong to another customer's
				want = "read" in security.letters(parents[parent][role])
				status = self.request(role, "get", self.resource(child, rows[child])).status_code
				if status != (200 if want else REFUSED):
					mismatches.append(f"{role}: read {child} (of {parent}) answered {status}")
		self.assertEqual(mismatches, [])

	# ------------------------------------------------------------ ERPNext doctypes, role level

	def test_erpnext_doctypes(self):
		mismatches = []
		for row in security.read_matrix("erpnext doctypes"):
			doctype = security.row_name(row)
			ops = (*OPS, "submit") if frappe.get_meta(doctype).is_submittable else OPS
			for role in ROLES:
				expected = security.letters(row[role])
				user = security.user_of(role)
				for op in ops:
					has = bool(frappe.has_permission(doctype, op, user=user))
					if has != (op in expected):
						mismatches.append(f"{role}: {op} {doctype} is {has}")
		self.assertEqual(mismatches, [])

	# ------------------------------------------------------------ reports

	def test_reports(self):
		filters = report_filters(self.f)
		mismatches = []
		for row in security.read_matrix("reports"):
			report = security.row_name(row)
			for role in ROLES:
				want = security.allowed(row[role])
				response = self.request(
					role,
					"post",
					self.method("frappe.desk.query_report.run"),
					{"report_name": report, "filters": filters[report]},
				)
				if response.status_code != (200 if want else REFUSED):
					mismatches.append(f"{role}: {report} answered {response.status_code} {_brief(response)}")
		self.assertEqual(mismatches, [])

	# ------------------------------------------------------------ whitelisted methods

	def test_methods(self):
		mismatches = []
		with patch("crm_plus.services.scoring.pipeline.enqueue_scoring") as enqueue:
			for row in security.read_matrix("methods"):
				method = security.row_name(row)
				for role in ROLES:
					want = security.allowed(row[role])
					verb, path, data = self._call(method, role)
					self.commit()
					response = self.request(role, verb, path, data)
					if response.status_code != (200 if want else REFUSED):
						mismatches.append(
							f"{role}: {method} answered {response.status_code} {_brief(response)}"
						)
			# recompute_now queued once, for the CRM Manager
			self.assertEqual(enqueue.call_count, 1)
		self.assertEqual(mismatches, [])

	def _call(self, method: str, role: str) -> tuple[str, str, dict]:
		f = self.f
		user = security.user_of(role)
		if "." in method and not method.startswith("crm_plus."):
			doctype, doc_method = method.split(".")
			name = (
				security.interaction(f.main, f"follow-up for {role}", follow_up=True)
				if doctype == "Customer Interaction"
				else f.goal
			)
			return "post", self.method("run_doc_method"), {"dt": doctype, "dn": name, "method": doc_method}
		short = method.rsplit(".", 1)[1]
		campaign = {"campaign": f.campaign}
		builders = {
			"preview_segment": lambda: ("get", campaign),
			"add_members": lambda: ("post", campaign),
			"update_responses": lambda: ("post", campaign),
			"get_figures": lambda: ("get", campaign),
			"get_form_figures": lambda: ("get", campaign),
			"sync_email_group": lambda: ("post", campaign),
			"make_call_list": lambda: (
				"post",
				{**campaign, "users": [user if user != "Guest" else "Administrator"]},
			),
			"create_offer": lambda: ("post", {**campaign, "discount_percentage": 5}),
			"enable_campaign_dimension": lambda: ("post", {}),
			"file_complaint": lambda: ("post", {"customer": f.main, "subject": f"{PREFIX}: filed by {role}"}),
			"make_credit_note": lambda: ("post", {"complaint": f.complaint, "amount": 1}),
			"search_references": lambda: (
				"get",
				{
					"doctype": "Sales Invoice",
					"txt": "",
					"searchfield": "name",
					"start": 0,
					"page_len": 10,
					"filters": json.dumps({"customer": f.main}),
				},
			),
			"make_complaint": lambda: ("get", {"source_name": f.invoice}),
			"get_credit_note_items": lambda: ("get", {"complaint": f.complaint}),
			"get_job_health": lambda: ("get", {}),
			"complaints_by_status": lambda: ("get", {}),
			"customers_by_churn_risk": lambda: ("get", {}),
			"make_refund": lambda: ("post", {"complaint": f.complaint, "amount": 1}),
			"make_replacement": lambda: (
				"post",
				{"complaint": f.complaint, "items": [{"item_code": f.item, "qty": 1}]},
			),
			"file_from_portal": lambda: ("post", {"subject": f"{PREFIX}: filed on the portal by {role}"}),
			"rate_from_portal": lambda: (
				"post",
				{"complaint": self._resolved_portal_complaint(), "rating": 4},
			),
			"submit_feedback": lambda: ("post", {**self._survey(), "rating": 5}),
			"get_360": lambda: ("get", {"customer": f.main}),
			"log_interaction": lambda: ("post", {"party": f.main, "subject": f"{PREFIX}: logged by {role}"}),
			"log_interactions": lambda: (
				"post",
				{"interactions": json.dumps([{"party": f.main, "subject": f"{PREFIX}: batch by {role}"}])},
			),
			"complete_follow_up": lambda: (
				"post",
				{"name": security.interaction(f.main, f"follow-up for {role}", follow_up=True)},
			),
			"get_interactions": lambda: ("get", {"customer": f.main}),
			"recompute_now": lambda: ("post", {}),
		}
		verb, data = builders[short]()
		return verb, self.method(method), data

	def _resolved_portal_complaint(self) -> str:
		name = security.complaint(self.f.portal, "resolved, to rate")
		frappe.db.set_value(
			"Customer Complaint", name, {"status": "Resolved", "resolution_type": "Explanation"}
		)
		return name

	def _survey(self) -> dict:
		from crm_plus.services.complaints.survey import survey_link

		query = parse_qs(urlparse(survey_link(security.complaint(self.f.main, "survey"))).query)
		return {key: query[key][0] for key in ("complaint", "nonce", "signature")}

	# ------------------------------------------------------------ row-level rules

	def test_portal_customer_sees_only_their_own_complaints(self):
		f = self.f
		own = self.request(PORTAL, "get", self.resource("Customer Complaint", f.portal_complaint))
		self.assertEqual(own.status_code, 200, own.text)
		other = self.request(PORTAL, "get", self.resource("Customer Complaint", f.complaint))
		self.assertEqual(other.status_code, REFUSED, other.text)
		self.assertNotIn("main customer", other.text)
		listing = self.request(
			PORTAL,
			"get",
			self.resource("Customer Complaint") + "?fields=" + json.dumps(["name", "customer"]),
		)
		self.assertEqual(listing.status_code, 200, listing.text)
		self.assertEqual({row["customer"] for row in listing.json["data"]}, {f.portal})

	def test_user_permissions_on_customer_restrict_the_360_documents_and_reports(self):
		f = self.f
		rows_of = {}
		for user in ("Sales User", "restricted"):
			mine = self.request(
				user, "get", self.method("crm_plus.api.customer.get_360"), {"customer": f.main}
			)
			self.assertEqual(mine.status_code, 200, mine.text)
			theirs = self.request(
				user, "get", self.method("crm_plus.api.customer.get_360"), {"customer": f.other}
			)
			document = self.request(user, "get", self.resource("Customer Complaint", f.other_complaint))
			report = self.request(
				user,
				"post",
				self.method("frappe.desk.query_report.run"),
				{"report_name": "Follow-ups Due", "filters": {"days_ahead": 7}},
			)
			self.assertEqual(report.status_code, 200, report.text)
			rows_of[user] = {row.get("party") for row in report.json["message"]["result"] if row}
			if user == "restricted":
				self.assertEqual(theirs.status_code, REFUSED, theirs.text)
				self.assertEqual(document.status_code, REFUSED, document.text)
			else:
				self.assertEqual(theirs.status_code, 200, theirs.text)
				self.assertEqual(document.status_code, 200, document.text)
		self.assertIn(f.other, rows_of["Sales User"])  # the open follow-up of the other customer
		self.assertNotIn(f.other, rows_of["restricted"])


def whitelisted_methods() -> set[str]:
	"""Every whitelisted function of crm_plus/api and every whitelisted document method, as the
	matrix names them (`module.function`, `Doctype.method`)."""
	names = set()
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.parts:
			continue
		tree = ast.parse(path.read_text())
		module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
		for node in tree.body:
			if isinstance(node, ast.FunctionDef) and _whitelisted(node):
				names.add(f"{module}.{node.name}")
			if isinstance(node, ast.ClassDef):
				for item in node.body:
					if isinstance(item, ast.FunctionDef) and _whitelisted(item):
						names.add(f"{_doctype_of(path)}.{item.name}")
	return names


def _whitelisted(node) -> bool:
	return any("whitelist" in ast.unparse(d) for d in node.decorator_list)


def _doctype_of(path: Path) -> str:
	return json.loads(path.with_suffix(".json").read_text())["name"]


def _brief(response) -> str:
	try:
		body = response.json
	except Exception:
		return response.text[:200]
	return str(body.get("exc_type") or body.get("_server_messages") or body.get("exception") or "")[:300]
