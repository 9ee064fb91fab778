"""A fingerprint of everything crm_plus keeps and shows on a site: its tables, the fields it writes on
ERPNext's Customer, every Customer 360 and every crm_plus report. Two sites with the same fingerprint
show their users the same figures.

scripts/check_backup_restore.sh compares a site with its restored backup, and a site before and after
`bench migrate` run twice; run it by hand with
`bench --site SITE execute crm_plus.tests.fingerprint.run --kwargs "{'path': '/tmp/site.json'}"`.
"""

import hashlib
import json
from pathlib import Path

import frappe

from crm_plus.constants import MODULE

# reports whose figures depend on today only through their default filters: run with the same day
REPORT_FILTERS = {"company": None}


def _digest(value) -> str:
	return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def tables() -> dict:
	"""Each crm_plus doctype's rows: count and a digest of every column, in name order."""
	out = {}
	for doctype in frappe.get_all("DocType", filters={"module": MODULE, "issingle": 0}, pluck="name"):
		rows = frappe.db.sql(f"select * from `tab{doctype}` order by name", as_list=True)
		out[doctype] = {"rows": len(rows), "digest": _digest(rows)}
	settings = frappe.get_single("CRM Plus Settings").as_dict(no_default_fields=True)
	settings.pop("modified", None)
	out["CRM Plus Settings"] = _digest(settings)
	return out


def customer_fields() -> dict:
	"""The crm_* fields crm_plus writes on ERPNext's Customer (scores, bands, segments)."""
	from frappe.model import no_value_fields, table_fields

	fields = [
		f.fieldname
		for f in frappe.get_all("Custom Field", filters={"dt": "Customer"}, fields=["fieldname", "fieldtype"])
		if f.fieldname.startswith("crm_") and f.fieldtype not in (*no_value_fields, *table_fields)
	]
	rows = frappe.get_all("Customer", fields=["name", *fields], order_by="name", as_list=True)
	return {"customers": len(rows), "fields": sorted(fields), "digest": _digest(rows)}


def customer_360() -> dict:
	"""Every customer's 360 as Administrator: figures, the scored verdict and the first timeline page."""
	from crm_plus.services import customer_360 as three_sixty

	out = {}
	for customer in frappe.get_all("Customer", pluck="name", order_by="name"):
		data = three_sixty.get_360(customer, limit=30)
		out[customer] = _digest({k: data.get(k) for k in ("figures", "value", "service", "timeline")})
	return {"customers": len(out), "digest": _digest(out)}


def reports() -> dict:
	"""Each crm_plus report with the default company: its rows (or the error it gives, the same both sides)."""
	from frappe.desk.query_report import run as run_report

	company = frappe.defaults.get_global_default("company")
	out = {}
	for name in frappe.get_all("Report", filters={"module": MODULE}, pluck="name", order_by="name"):
		filters = {**REPORT_FILTERS, "company": company}
		try:
			result = run_report(name, filters=filters, ignore_prepared_report=True)
			out[name] = {"rows": len(result.get("result") or []), "digest": _digest(result.get("result"))}
		except Exception as error:
			frappe.db.rollback()
			out[name] = {"error": type(error).__name__}
	return out


def fingerprint() -> dict:
	return {
		"tables": tables(),
		"customer_fields": customer_fields(),
		"customer_360": customer_360(),
		"reports": reports(),
	}


def run(path: str | None = None) -> dict:
	"""Write the site's fingerprint to `path` (JSON) and return it."""
	frappe.set_user("Administrator")
	result = fingerprint()
	if path:
		Path(path).write_text(json.dumps(result, indent=1, sort_keys=True))
	return result


def compare(first: str, second: str) -> list[str]:
	"""The places where two fingerprint files differ (empty: the same)."""
	a, b = json.loads(Path(first).read_text()), json.loads(Path(second).read_text())
	differences = []

	def walk(x, y, where):
		if isinstance(x, dict) and isinstance(y, dict):
			for key in sorted(set(x) | set(y)):
				walk(x.get(key), y.get(key), f"{where}/{key}")
		elif x != y:
			differences.append(f"{where}: {x!r} != {y!r}")

	walk(a, b, "")
	return differences
