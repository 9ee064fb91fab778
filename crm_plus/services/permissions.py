"""Row-level restrictions for crm_plus's set-based queries (which do not pass through frappe.get_list)."""

import frappe
from frappe import _
from frappe.permissions import get_user_permissions


def apply_customer_restrictions(query, customer_column, doctype: str):
	"""Check read permission on `doctype` and limit `query` to the customers the user may see when the
	user has User Permissions on Customer (the way ERPNext restricts a sales person to their accounts)."""
	if not frappe.has_permission(doctype, "read"):
		frappe.throw(_("Not permitted to read {0}").format(_(doctype)), frappe.PermissionError)
	allowed = allowed_customers()
	if allowed is not None:
		query = query.where(customer_column.isin(allowed or [""]))
	return query


def allowed_customers(user: str | None = None) -> list[str] | None:
	"""The customers a user is restricted to, or None when unrestricted."""
	permissions = get_user_permissions(user or frappe.session.user).get("Customer")
	if not permissions:
		return None
	return sorted({p.get("doc") for p in permissions})
