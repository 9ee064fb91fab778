import frappe
from frappe import _


def require(**values):
	"""A clear 417 naming each missing argument. Required arguments of the methods here default to None
	so that a call without one gets this answer instead of a bare TypeError (a 500)."""
	for name, value in values.items():
		if value is None or (isinstance(value, str) and not value.strip()):
			frappe.throw(_("{0} is required").format(name), frappe.MandatoryError, title=_("Missing field"))
