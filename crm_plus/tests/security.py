"""Shared by the security tests (permission matrix, fuzzing, injection): one user per role with token
auth, the matrix read from docs/permissions.md, committed fixtures and their removal.

Requests of Frappe's test client run in their own thread and database connection, so everything they
must see is committed, and removed again by `cleanup()`.
"""

import re
from pathlib import Path

import frappe
from frappe.core.doctype.user.user import generate_keys
from frappe.tests.test_api import FrappeAPITestCase
from frappe.utils import add_days, add_months, get_test_client, now_datetime, today

from crm_plus.constants import CRM_JOB_HEALTH
from crm_plus.constants import ROLES as CRM_ROLES
from crm_plus.domain.goals import REPURCHASE_RATE
from crm_plus.install.permissions import ensure_permissions
from crm_plus.tests.utils import create_customer, create_item, create_sales_invoice, create_user, get_company

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
PREFIX = "_Test Sec"

# The matrix's columns: the roles a user holds alone (None: nobody signed in).
ROLES = {
	"CRM Manager": ("crm-sec-crm-manager@example.com", "CRM Manager"),
	"CS Manager": ("crm-sec-cs-manager@example.com", "Customer Service Manager"),
	"CS Agent": ("crm-sec-cs-agent@example.com", "Customer Service Agent"),
	"Marketing Manager": ("crm-sec-marketing@example.com", "Marketing Manager"),
	"Sales User": ("crm-sec-sales@example.com", "Sales User"),
	"Employee": ("crm-sec-employee@example.com", "Employee"),
	"Portal customer": ("crm-sec-portal@example.com", "Customer"),
	"Guest": None,
}
PORTAL = "Portal customer"
RESTRICTED_SALES = "crm-sec-sales-restricted@example.com"  # a Sales User limited to one customer


# ---------------------------------------------------------------- the matrix in docs/permissions.md


def read_matrix(name: str) -> list[dict]:
	"""The rows of the table after `<!-- matrix: name -->`, each a dict by column header."""
	text = DOC.read_text()
	marker = f"<!-- matrix: {name} -->"
	if marker not in text:
		raise AssertionError(f"docs/permissions.md has no table marked {marker}")
	lines = []
	for line in text.split(marker, 1)[1].lstrip("\n").splitlines():
		if not line.startswith("|"):
			break
		lines.append([cell.strip() for cell in line.strip().strip("|").split("|")])
	header, rows = lines[0], lines[2:]
	return [dict(zip(header, row, strict=True)) for row in rows]


def row_name(row: dict) -> str:
	"""A row's first cell, without the backticks around method names."""
	return next(iter(row.values())).strip("`")


def allowed(cell: str) -> bool:
	if cell not in ("yes", "-"):
		raise AssertionError(f"a report or method cell is 'yes' or '-', not {cell!r}")
	return cell == "yes"


def letters(cell: str) -> set[str]:
	"""'RWC' -> {'read', 'write', 'create'}; '-' -> nothing."""
	if cell == "-":
		return set()
	if not re.fullmatch(r"R?W?C?D?S?", cell) or not cell:
		raise AssertionError(f"a doctype cell is some of RWCDS in that order, or '-', not {cell!r}")
	names = {"R": "read", "W": "write", "C": "create", "D": "delete", "S": "submit"}
	return {names[c] for c in cell}


# ---------------------------------------------------------------- users


def ensure_users() -> dict[str, str | None]:
	"""One user per column of the matrix, each with exactly its role; the Authorization header of each
	(None for Guest). Idempotent."""
	headers = {}
	# the roles as install makes them, with Desk access (a test elsewhere may have switched it off)
	for role in CRM_ROLES:
		frappe.db.set_value("Role", role, "desk_access", 1)
	for label, spec in ROLES.items():
		if spec is None:
			headers[label] = None
			continue
		email, role = spec
		if label == PORTAL:
			_ensure_portal_user(email)
		else:
			if role == "Employee":
				_ensure_employee(email)  # ERPNext takes the role Employee from a user with no Employee
			create_user(email, role)
		headers[label] = token(email)
	create_user(RESTRICTED_SALES, "Sales User")
	headers["restricted"] = token(RESTRICTED_SALES)
	return headers


def user_of(label: str) -> str:
	return ROLES[label][0] if ROLES.get(label) else "Guest"


def token(user: str) -> str:
	keys = generate_keys(user)
	return f"token {keys['api_key']}:{keys['api_secret']}"


def _ensure_employee(email: str):
	if not frappe.db.exists("User", email):
		create_user(email)
	if not frappe.db.exists("Employee", {"user_id": email}):
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": "Sec Employee",
				"gender": "Other",
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"status": "Active",
				"company": get_company(),
				"user_id": email,
			}
		).insert(ignore_permissions=True)


def _ensure_portal_user(email: str):
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": "Sec Portal",
				"user_type": "Website User",
				"send_welcome_email": 0,
			}
		)
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.roles = []
	user.add_roles("Customer")


# ---------------------------------------------------------------- fixtures


def customer(label: str) -> str:
	return create_customer(f"{PREFIX} {label}")


def build_fixtures() -> frappe._dict:
	"""The documents the security tests read, write and call methods on (committed by the caller)."""
	f = frappe._dict()
	f.company = get_company()
	f.item = create_item()
	f.main = customer("Customer")
	f.other = customer("Other Customer")
	f.portal = customer("Portal Customer")
	portal = frappe.get_doc("Customer", f.portal)
	portal_user = user_of(PORTAL)
	if not any(row.user == portal_user for row in portal.portal_users):
		portal.append("portal_users", {"user": portal_user})
	if not portal.get("crm_important_dates"):
		portal.append("crm_important_dates", {"date_type": "Birthday", "date": "1990-05-01"})
	portal.save(ignore_permissions=True)
	main = frappe.get_doc("Customer", f.main)
	if not main.get("crm_important_dates"):
		main.append("crm_important_dates", {"date_type": "Birthday", "date": "1990-05-01"})
		main.save(ignore_permissions=True)
	f.important_date = main.crm_important_dates[0].name
	_restrict(RESTRICTED_SALES, f.main)
	# a submitted invoice of the main customer: Raise Complaint maps it
	f.invoice = (
		frappe.db.get_value("Sales Invoice", {"customer": f.main, "docstatus": 1, "is_return": 0}, "name")
		or create_sales_invoice(f.main, item_code=f.item).name
	)

	campaign_name = f"{PREFIX} Campaign"
	if not frappe.db.exists("Campaign", {"campaign_name": campaign_name}):
		frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": campaign_name,
				"crm_company": f.company,
				"crm_start_date": today(),
				"crm_end_date": add_days(today(), 30),
				"crm_costs": [{"date": today(), "cost_type": "Media", "amount": 10}],
			}
		).insert(ignore_permissions=True)
	f.campaign = frappe.db.get_value("Campaign", {"campaign_name": campaign_name}, "name")
	f.campaign_cost = frappe.db.get_value("CRM Campaign Cost", {"parent": f.campaign}, "name")
	f.member = member(f.campaign, f.main)
	f.complaint = complaint(f.main, "complaint of the main customer", items=[f.item])
	f.complaint_item = frappe.db.get_value("Customer Complaint Item", {"parent": f.complaint}, "name")
	f.complaint_remedy = _remedy_row(f.complaint)
	f.other_complaint = complaint(f.other, "complaint of another customer")
	f.portal_complaint = complaint(f.portal, "complaint of the portal customer")
	f.interaction = interaction(f.main, "interaction with the main customer")
	f.other_interaction = interaction(f.other, "interaction with another customer", follow_up=True)
	f.goal = goal()
	f.goal_measurement = frappe.db.get_value("CRM Goal Measurement", {"parent": f.goal}, "name")
	f.snapshot = snapshot(f.main)
	f.control = control(f.main)
	f.plan = plan(f.main)
	f.plan_action = frappe.db.get_value("Retention Plan Action", {"parent": f.plan}, "name")
	f.job_health = job_health_row("goals")
	f.documents = {  # one document of each crm_plus doctype, for the REST calls
		"Campaign Member": f.member,
		"CRM Job Health": f.job_health,
		"CRM Goal": f.goal,
		"CRM Plus Settings": "CRM Plus Settings",
		"Customer Complaint": f.complaint,
		"Customer Health Snapshot": f.snapshot,
		"Customer Interaction": f.interaction,
		"Retention Control": f.control,
		"Retention Plan": f.plan,
	}
	return f


def job_health_row(key: str) -> str:
	"""A job's health row (the jobs write them; here one for the REST calls)."""
	if not frappe.db.exists(CRM_JOB_HEALTH, key):
		frappe.get_doc(
			{"doctype": CRM_JOB_HEALTH, "job_key": key, "job": key.title(), "method": "crm_plus.tests"}
		).insert(ignore_permissions=True)
	return key


def _restrict(user: str, customer_name: str):
	if not frappe.db.exists(
		"User Permission", {"user": user, "allow": "Customer", "for_value": customer_name}
	):
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": customer_name}
		).insert(ignore_permissions=True)


def member(campaign: str, party: str) -> str:
	doc = frappe.get_doc(
		{"doctype": "Campaign Member", "campaign": campaign, "party_type": "Customer", "party": party}
	)
	doc.insert(ignore_permissions=True, ignore_if_duplicate=True)
	return doc.name


def complaint(customer_name: str, subject: str, items=(), **values) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Complaint",
				"subject": f"{PREFIX}: {subject}",
				"customer": customer_name,
				"items": [{"item_code": item, "qty": 1} for item in items],
				**values,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def _remedy_row(complaint_name: str) -> str:
	"""A remedy row written directly: a real remedy needs billing documents, a read needs only a row."""
	row = frappe.get_doc(
		{
			"doctype": "Customer Complaint Remedy",
			"parent": complaint_name,
			"parenttype": "Customer Complaint",
			"parentfield": "remedies",
			"remedy_type": "Refund",
			"amount": 1,
			"document_status": "Draft",
			"idx": 1,
		}
	)
	row.db_insert()
	return row.name


def interaction(customer_name: str, subject: str, follow_up: bool = False) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"party_type": "Customer",
				"party": customer_name,
				"subject": f"{PREFIX}: {subject}",
				"interaction_at": now_datetime(),
				"user": "Administrator",
				"next_follow_up_on": today() if follow_up else None,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def goal(name: str = "goal") -> str:
	doc = frappe.get_doc(
		{
			"doctype": "CRM Goal",
			"goal_name": f"{PREFIX} {name}",
			"metric": REPURCHASE_RATE,
			"company": get_company(),
			"goal_owner": "Administrator",
			"period_start": add_months(today(), -1),
			"period_end": add_months(today(), 1),
			"target": 50,
			"measurements": [{"measured_on": today(), "value": 10, "progress": 20}],
		}
	)
	return doc.insert(ignore_permissions=True).name


def snapshot(customer_name: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Health Snapshot",
				"customer": customer_name,
				"company": get_company(),
				"period": "2020-01",
				"scored_on": today(),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def control(customer_name: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Retention Control",
				"customer": customer_name,
				"company": get_company(),
				"start_date": today(),
				"end_date": add_days(today(), 90),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def plan(customer_name: str, actions: bool = True) -> str:
	"""A retention plan; an open one for `customer_name` is reused (one open plan per customer)."""
	existing = frappe.db.get_value(
		"Retention Plan", {"customer": customer_name, "status": ("in", ("Draft", "Active"))}, "name"
	)
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Retention Plan",
			"customer": customer_name,
			"company": get_company(),
			"plan_owner": "Administrator",
			"start_date": today(),
			"actions": [
				{"action_type": "Call", "owner_user": "Administrator", "due_date": add_days(today(), 7)}
			]
			if actions
			else [],
		}
	)
	return doc.insert(ignore_permissions=True).name


# ---------------------------------------------------------------- cleanup

CUSTOMER_DOCTYPES = (
	"Customer Complaint",
	"Customer Interaction",
	"Customer Health Snapshot",
	"Retention Control",
	"Retention Plan",
	"Campaign Member",
)


def test_customers() -> list[str]:
	return frappe.get_all("Customer", filters={"name": ("like", f"{PREFIX}%")}, pluck="name")


def delete_all(doctype: str, filters) -> list[str]:
	"""Delete documents and their child rows without their controllers (fixtures only)."""
	names = frappe.get_all(doctype, filters=filters, pluck="name")
	if not names:
		return []
	for df in frappe.get_meta(doctype).get_table_fields():
		frappe.db.delete(df.options, {"parenttype": doctype, "parent": ("in", names)})
	frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", names)})
	frappe.db.delete(doctype, {"name": ("in", names)})
	return names


FIXTURE_DOCTYPES = {
	"member": "Campaign Member",
	"complaint": "Customer Complaint",
	"other_complaint": "Customer Complaint",
	"portal_complaint": "Customer Complaint",
	"interaction": "Customer Interaction",
	"other_interaction": "Customer Interaction",
	"goal": "CRM Goal",
	"snapshot": "Customer Health Snapshot",
	"control": "Retention Control",
	"plan": "Retention Plan",
}


def cleanup(fixtures: dict | None = None):
	"""Remove what the security tests made (customers and users are kept: their factories are
	idempotent). The fixtures go by name too: a test may have changed the fields they are found by."""
	for key, doctype in FIXTURE_DOCTYPES.items():
		if (fixtures or {}).get(key):
			delete_all(doctype, {"name": fixtures[key]})
	customers = test_customers()
	if customers:
		for doctype in CUSTOMER_DOCTYPES:
			delete_all(doctype, {"customer": ("in", customers)})
		delete_all("Sales Order", {"customer": ("in", customers), "docstatus": 0})
	campaigns = frappe.get_all("Campaign", filters={"campaign_name": ("like", f"{PREFIX}%")}, pluck="name")
	if campaigns:
		delete_all("Campaign Member", {"campaign": ("in", campaigns)})
		delete_all("Customer Interaction", {"campaign": ("in", campaigns)})
		rules = frappe.get_all("Pricing Rule", filters={"campaign": ("in", campaigns)}, pluck="name")
		if rules:
			delete_all("Coupon Code", {"pricing_rule": ("in", rules)})
			delete_all("Pricing Rule", {"name": ("in", rules)})
		groups = frappe.get_all("Email Group", filters={"title": ("like", f"{PREFIX}%")}, pluck="name")
		if groups:
			frappe.db.delete("Email Group Member", {"email_group": ("in", groups)})
			frappe.db.delete("Email Group", {"name": ("in", groups)})
		delete_all("Campaign", {"name": ("in", campaigns)})
	delete_all("CRM Goal", {"goal_name": ("like", f"{PREFIX}%")})
	frappe.db.delete(CRM_JOB_HEALTH, {"job_key": ("like", f"{PREFIX}%")})
	frappe.db.delete("Customer Interaction", {"subject": ("like", f"{PREFIX}%")})
	frappe.db.delete("Customer Complaint", {"subject": ("like", f"{PREFIX}%")})


def clear_rate_limits():
	"""Reset the per-IP counters of crm_plus's Guest endpoints (all test requests come from one IP)."""
	frappe.cache.delete_keys("rl:crm_plus.api.complaint.submit_feedback")
	frappe.cache.delete_keys("rl:page:")


def report_filters(f) -> dict[str, dict]:
	"""Filters that each report accepts (its required ones)."""
	period = {"from_date": add_months(today(), -3), "to_date": today()}
	return {
		"Campaign Funnel": {"campaign": f.campaign},
		"Campaign ROI": {"company": f.company},
		"Churn Risk": {"company": f.company},
		"Complaint Ageing": {"group_by": "Status"},
		"Complaint SLA Compliance": {**period, "group_by": "Priority"},
		"CRM Goal Progress": {"company": f.company},
		"CRM Team Leaderboard": period,
		"Customer Priority": {"company": f.company},
		"Customer Satisfaction": period,
		"Customer Value Segmentation": {"company": f.company},
		"Follow-ups Due": {"days_ahead": 7},
		"Interaction Activity": {**period, "group_by": "User", "period": "Monthly"},
		"Repeat Purchase and Cohorts": {**period, "company": f.company, "months": 3},
		"Retention Effectiveness": {"company": f.company},
		"Root Cause Pareto": {**period, "measure": "Count"},
	}


# A harmless change per doctype for the write check.
WRITES = {
	"Campaign Member": {"response_channel": "Phone"},
	"CRM Goal": {"target": 60},
	"CRM Job Health": {"error": "Checked by the permission matrix"},
	"CRM Plus Settings": {"important_date_reminder_days": 7},
	"Customer Complaint": {"corrective_action": "Checked by the permission matrix"},
	"Customer Health Snapshot": {"reasons": "Checked by the permission matrix"},
	"Customer Interaction": {"outcome": "Checked by the permission matrix"},
	"Retention Control": {"risk_score": 11},
	"Retention Plan": {"obstacles": "Checked by the permission matrix"},
}


class SecurityAPITestCase(FrappeAPITestCase):
	"""Token auth per role (no cookies: a Guest request carries nothing); fixtures are committed."""

	TEST_CLIENT = get_test_client(use_cookies=False)

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cleanup()
		ensure_permissions()  # what install and migrate do: the matrix tests the app as installed
		cls.auth = ensure_users()
		cls.f = build_fixtures()
		cls.settings = _singles("CRM Plus Settings")  # the tests write the settings: put them back
		clear_rate_limits()
		frappe.db.commit()  # nosemgrep: visible to the request threads

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		_restore_singles("CRM Plus Settings", cls.settings)
		cleanup(cls.f)
		clear_rate_limits()
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def request(self, role: str, verb: str, path: str, data=None):
		headers = {"Authorization": self.auth[role]} if self.auth.get(role) else {}
		if verb == "delete":
			return self.delete(path, headers=headers)
		return getattr(self, verb)(path, data, headers=headers)

	def commit(self):
		frappe.db.commit()  # nosemgrep: a fixture the next request must see

	def fresh(self):
		frappe.db.rollback()  # see what the request threads committed


def _singles(doctype: str) -> list:
	singles = frappe.qb.DocType("Singles")
	return (
		frappe.qb.from_(singles).select(singles.field, singles.value).where(singles.doctype == doctype).run()
	)


def _restore_singles(doctype: str, rows: list):
	frappe.db.delete("Singles", {"doctype": doctype})
	for field, value in rows:
		frappe.db.sql(
			"insert into `tabSingles` (doctype, field, value) values (%s, %s, %s)", (doctype, field, value)
		)
	frappe.clear_document_cache(doctype, doctype)
