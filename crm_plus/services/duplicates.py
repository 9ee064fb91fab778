"""Warn when a new Lead, Customer or Contact matches an existing one by email, phone or tax id."""

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Lower
from frappe.utils import get_link_to_form
from pypika.functions import Upper

from crm_plus.domain.parties import normalize_email, normalize_phone, normalize_tax_id
from crm_plus.services.settings import is_enabled

RegexpReplace = CustomFunction("REGEXP_REPLACE", ["value", "pattern", "replacement"])

# doctype -> (email fields, phone fields, tax id field); child tables are read through CHILD_SOURCES
PARTY_FIELDS = {
	"Lead": (("email_id",), ("phone", "mobile_no", "whatsapp_no"), None),
	"Customer": (("email_id",), ("mobile_no",), "tax_id"),
	"Contact": (("email_id",), ("phone", "mobile_no"), None),
}
CHILD_SOURCES = (
	("Contact Email", "Contact", "email_id", "email"),
	("Contact Phone", "Contact", "phone", "phone"),
)


def warn_on_new_party(doc, method=None):
	"""doc_event (validate): show a warning, never block; the sales team decides."""
	if not doc.is_new() or doc.flags.ignore_crm_duplicate_warning or not is_enabled("warn_duplicate_parties"):
		return
	matches = find_matches(doc)
	if not matches:
		return
	lines = "".join(
		f"<li>{get_link_to_form(doctype, name)}: {_(reason)}</li>" for doctype, name, reason in matches[:10]
	)
	frappe.msgprint(
		_("This {0} may already exist:").format(_(doc.doctype)) + f"<ul>{lines}</ul>",
		title=_("Possible duplicate"),
		indicator="orange",
	)


def find_matches(doc) -> list[tuple[str, str, str]]:
	"""(doctype, name, reason) of existing leads, customers and contacts sharing an email, phone or tax id."""
	emails, phones, tax_id = _identifiers(doc)
	found: dict[tuple[str, str], str] = {}
	for doctype, (email_fields, phone_fields, tax_field) in PARTY_FIELDS.items():
		table = frappe.qb.DocType(doctype)
		conditions = []
		for fieldname in _existing(doctype, email_fields):
			if emails:
				conditions.append((Lower(table[fieldname]).isin(emails), "same email"))
		for fieldname in _existing(doctype, phone_fields):
			if phones:
				conditions.append((RegexpReplace(table[fieldname], "[^0-9]", "").isin(phones), "same phone"))
		if tax_field and tax_id:
			conditions.append(
				(RegexpReplace(Upper(table[tax_field]), "[^0-9A-Z]", "") == tax_id, "same tax id")
			)
		for condition, reason in conditions:
			query = frappe.qb.from_(table).select(table.name).where(condition).limit(10)
			if doctype == doc.doctype and doc.name:
				query = query.where(table.name != doc.name)
			for (name,) in query.run():
				found.setdefault((doctype, name), reason)
	for child, parenttype, fieldname, kind in CHILD_SOURCES:
		values = emails if kind == "email" else phones
		if not values:
			continue
		table = frappe.qb.DocType(child)
		value = Lower(table[fieldname]) if kind == "email" else RegexpReplace(table[fieldname], "[^0-9]", "")
		query = (
			frappe.qb.from_(table)
			.select(table.parent)
			.where((table.parenttype == parenttype) & value.isin(values))
			.limit(10)
		)
		if doc.doctype == parenttype and doc.name:
			query = query.where(table.parent != doc.name)
		for (name,) in query.run():
			found.setdefault((parenttype, name), f"same {kind}")
	return [(doctype, name, reason) for (doctype, name), reason in found.items()]


def _identifiers(doc):
	email_fields, phone_fields, tax_field = PARTY_FIELDS[doc.doctype]
	emails = {normalize_email(doc.get(f)) for f in email_fields}
	phones = {normalize_phone(doc.get(f)) for f in phone_fields}
	if doc.doctype == "Contact":
		emails |= {normalize_email(row.email_id) for row in doc.get("email_ids") or []}
		phones |= {normalize_phone(row.phone) for row in doc.get("phone_nos") or []}
	emails.discard(None)
	phones.discard(None)
	return sorted(emails), sorted(phones), normalize_tax_id(doc.get(tax_field)) if tax_field else None


def _existing(doctype, fieldnames):
	meta = frappe.get_meta(doctype)
	return [f for f in fieldnames if meta.has_field(f)]
