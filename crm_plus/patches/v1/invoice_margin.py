"""Keep each submitted Sales Invoice's margin on the invoice (crm_plus_margin), for the invoices
submitted before crm_plus did it at submit: set-based, a chunk of invoices per statement and commit, so
it is safe to run again. The field is created first (migrate creates custom fields only after the
patches)."""

import frappe

from crm_plus.install.custom_fields import ensure_custom_fields
from crm_plus.services import invoice_margin


def execute():
	ensure_custom_fields()
	frappe.clear_cache(doctype="Sales Invoice")
	total = frappe.db.count("Sales Invoice", {"docstatus": 1})
	if total:
		print(f"crm_plus: the margin of {total} submitted invoices")
	invoice_margin.backfill()
