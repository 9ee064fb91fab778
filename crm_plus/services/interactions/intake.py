"""Logging interactions for integrations: validated, permission-checked and idempotent."""

import frappe
from frappe import _

from crm_plus.constants import CUSTOMER_INTERACTION

MAX_KEY_LENGTH = 100


REQUIRED = ("party", "subject")


def log_interaction(values: dict, idempotency_key: str | None = None) -> dict:
	frappe.has_permission(CUSTOMER_INTERACTION, "create", throw=True)
	for field in REQUIRED:
		if not (values.get(field) or "").strip():
			frappe.throw(_("{0} is required").format(field), frappe.MandatoryError, title=_("Missing field"))
	party_type = values.get("party_type") or "Customer"
	if party_type in ("Customer", "Lead", "Prospect") and frappe.db.exists(party_type, values.get("party")):
		frappe.has_permission(party_type, "read", values["party"], throw=True)
	key = None
	if idempotency_key is not None:
		idempotency_key = idempotency_key.strip()
		if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
			frappe.throw(
				_("idempotency_key must be 1 to {0} characters").format(MAX_KEY_LENGTH),
				title=_("Invalid idempotency_key"),
			)
		key = f"api:{idempotency_key}"
		existing = _existing(key)
		if existing:
			return existing
	doc = frappe.get_doc({"doctype": CUSTOMER_INTERACTION, **values, "source": "API", "external_key": key})
	if "user" not in values:
		doc.user = frappe.session.user
	try:
		doc.insert()
	except frappe.DuplicateEntryError:
		# a concurrent retry with the same key won the race: answer with its record
		existing = _existing(key) if key else None
		if existing:
			return existing
		raise
	return _response(doc, created=True)


def _existing(key: str) -> dict | None:
	name = frappe.db.get_value(CUSTOMER_INTERACTION, {"external_key": key}, "name")
	if not name:
		return None
	doc = frappe.get_doc(CUSTOMER_INTERACTION, name)
	doc.check_permission("read")
	return _response(doc, created=False)


def _response(doc, created: bool) -> dict:
	return {
		"name": doc.name,
		"created": created,
		"party_type": doc.party_type,
		"party": doc.party,
		"customer": doc.customer,
		"interaction_at": str(doc.interaction_at),
		"follow_up_status": doc.follow_up_status or None,
	}
