import frappe

from crm_plus.constants import SETTINGS


def get_settings():
	"""CRM Plus Settings from the request cache (a Single doctype: one row, cached by Frappe)."""
	return frappe.get_cached_doc(SETTINGS)


def is_enabled(fieldname: str) -> bool:
	return bool(get_settings().get(fieldname))
