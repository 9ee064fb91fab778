"""After `uninstall-app crm_plus`: ERPNext still works and nothing of crm_plus is left on its doctypes.

scripts/check_uninstall.sh runs the whole cycle on a throwaway site and calls `run()` with the bench's
Python (`bench execute` refuses an app the site no longer has). Raises AssertionError on failure.
"""

import frappe
from frappe.utils import nowdate
from frappe.utils.nestedset import get_root_of

from crm_plus.install.custom_fields import CUSTOM_FIELDS
from crm_plus.install.indexes import INDEXES


def run():
	assert "crm_plus" not in frappe.get_installed_apps(), "crm_plus is still installed"
	for doctype in CUSTOM_FIELDS:
		frappe.clear_cache(doctype=doctype)
		leftovers = [
			df.fieldname for df in frappe.get_meta(doctype).fields if df.fieldname.startswith("crm_")
		]
		assert not leftovers, f"{doctype} still has {leftovers}"
	assert not frappe.db.exists("DocType", "Customer Interaction"), "crm_plus doctypes remain"
	for doctype, indexes in INDEXES.items():
		if frappe.db.table_exists(doctype):
			left = [name for name in indexes if frappe.db.has_index(f"tab{doctype}", name)]
			assert not left, f"{doctype} still has crm_plus's indexes {left}"
	assert not frappe.db.exists("Module Def", "CRM Plus"), "the CRM Plus module remains"

	company = frappe.db.get_value("Company", {}, "name")
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"Uninstall Check {frappe.generate_hash(length=6)}",
			"customer_group": get_root_of("Customer Group"),
			"territory": get_root_of("Territory"),
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Check",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	item = frappe.db.get_value("Item", {"is_sales_item": 1, "disabled": 0, "has_variants": 0}, "name") or (
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "UNINSTALL-CHECK",
				"item_group": get_root_of("Item Group"),
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		)
		.insert()
		.name
	)
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer.name,
			"company": company,
			"posting_date": nowdate(),
			"due_date": nowdate(),
			"items": [{"item_code": item, "qty": 1, "rate": 100}],
		}
	).insert()
	invoice.submit()
	campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"Check {customer.name}"}).insert()
	campaign.description = "still editable"
	campaign.save()
	assert not frappe.db.exists("Workflow", {"document_type": "Campaign"}), "crm_plus's workflow remains"
	assert frappe.db.get_value("Sales Invoice", invoice.name, "docstatus") == 1
	frappe.db.commit()
	print(f"OK: ERPNext works without crm_plus (submitted {invoice.name} for {customer.name})")
