"""Row-level restrictions: whatever restricts a user in ERPNext (User Permissions on Customer,
Territory, Customer Group, Company or any other link of Customer that ERPNext applies) restricts every
crm_plus report, list, number card, chart and document that names a customer, the same way
`frappe.get_list("Customer")` would.

Set-based: the restriction is Frappe's own match condition on `tabCustomer`
(`DatabaseQuery.build_match_conditions`), used as a sub-select of the permitted customers, never a
Python list of names."""

import frappe
from frappe import _
from frappe.model.db_query import DatabaseQuery
from frappe.permissions import get_user_permissions
from pypika.terms import Criterion

from crm_plus.services.complaints import portal as complaint_portal


class RawCondition(Criterion):
	"""A condition Frappe built and escaped (its match conditions), placed as it is in a qb query."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		return f"({self.sql})"

	def nodes_(self):
		yield self


def customer_condition(user: str | None = None) -> str:
	"""The SQL condition on `tabCustomer` that frappe.get_list("Customer") applies for the user; "" when
	the user is not restricted (or may not read customers at all: then no customer is named to them
	through these rules, and the doctype's own role permissions decide)."""
	user = user or frappe.session.user
	if user == "Administrator" or not get_user_permissions(user):
		return ""
	if not frappe.has_permission("Customer", "read", user=user):
		return ""
	return DatabaseQuery("Customer", user=user).build_match_conditions(as_condition=True) or ""


def permitted_customers(user: str | None = None):
	"""A frappe.qb sub-select of the customers the user may read, or None when unrestricted."""
	condition = customer_condition(user)
	if not condition:
		return None
	customer = frappe.qb.DocType("Customer")
	return frappe.qb.from_(customer).select(customer.name).where(RawCondition(condition))


def apply_customer_restrictions(query, customer_column, doctype: str):
	"""Check read permission on `doctype` and limit `query` to the rows the user may read, as
	frappe.get_list(doctype) would: the doctype's own User Permission conditions (its customer,
	company...) and the customers the user may read. The query reads `doctype` without an alias (its
	conditions name `tab<doctype>`); for a query over Customer itself, pass doctype "Customer"."""
	if not frappe.has_permission(doctype, "read"):
		frappe.throw(_("Not permitted to read {0}").format(_(doctype)), frappe.PermissionError)
	if doctype == "Customer":
		condition = customer_condition()
	else:
		condition = DatabaseQuery(doctype).build_match_conditions(as_condition=True)
	if condition:
		query = query.where(RawCondition(condition))
	return query


def may_read_customer(customer: str | None, user: str | None = None) -> bool:
	"""Whether the user may read this customer under their restrictions (True when unrestricted)."""
	condition = customer_condition(user)
	if not condition or not customer:
		return True
	return bool(
		frappe.db.sql(
			f"select 1 from `tabCustomer` where `tabCustomer`.name = %s and ({condition})", customer
		)
	)


def check_company(company: str, user: str | None = None) -> None:
	"""Refuse a company the user is kept out of by User Permissions on Company (a report's company
	filter), with the 403 Frappe gives for a document the user may not read."""
	allowed = get_user_permissions(user or frappe.session.user).get("Company")
	if allowed and company not in {p.get("doc") for p in allowed}:
		frappe.throw(
			_("You are not permitted to see figures of company {0}").format(frappe.bold(company)),
			frappe.PermissionError,
		)


def customer_restriction_sql(column: str, user: str | None = None) -> str:
	"""`and <column> in (permitted customers)` for raw SQL (empty when unrestricted); the condition is
	Frappe's, escaped."""
	condition = customer_condition(user)
	if not condition:
		return ""
	return f"and {column} in (select `tabCustomer`.name from `tabCustomer` where {condition})"


# ---------------------------------------------------------------- hooks for crm_plus's doctypes


def query_conditions(doctype: str, user: str | None = None) -> str:
	"""`permission_query_conditions` of a crm_plus doctype with a `customer` field: its rows of the
	customers the user may read (rows naming no customer, such as a lead's interactions, stay)."""
	condition = customer_condition(user)
	if not condition:
		return ""
	return (
		f"(ifnull(`tab{doctype}`.`customer`, '') = '' or `tab{doctype}`.`customer` in "
		f"(select `tabCustomer`.name from `tabCustomer` where {condition}))"
	)


def has_customer_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	"""`has_permission` of a crm_plus doctype with a `customer` field."""
	return may_read_customer(doc.get("customer"), user)


def interaction_conditions(user: str | None = None) -> str:
	return query_conditions("Customer Interaction", user)


def snapshot_conditions(user: str | None = None) -> str:
	return query_conditions("Customer Health Snapshot", user)


def member_conditions(user: str | None = None) -> str:
	return query_conditions("Campaign Member", user)


def plan_conditions(user: str | None = None) -> str:
	return query_conditions("Retention Plan", user)


def control_conditions(user: str | None = None) -> str:
	return query_conditions("Retention Control", user)


def complaint_conditions(user: str | None = None) -> str:
	"""Portal users see only their own customers' complaints; Desk users those of the customers they
	may read."""
	return " and ".join(
		c
		for c in (
			complaint_portal.portal_query_conditions(user),
			query_conditions("Customer Complaint", user),
		)
		if c
	)


def complaint_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return complaint_portal.portal_has_permission(doc, ptype, user) and has_customer_permission(
		doc, ptype, user
	)
