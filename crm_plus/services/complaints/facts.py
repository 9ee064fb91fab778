"""Facts only the server writes: when a complaint was opened, responded to, resolved, closed and reopened,
and what the SLA watch recorded. A client's save (REST, Desk, an import) that changes one of them is
refused and writes nothing; the server sets them in validate, in the SLA watch (`frappe.db.set_value`)
and through the workflow's transitions."""

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime

# The one list of a complaint's server-set fields (ERPNext's SLA fields count only where they exist).
COMPLAINT_FACTS = (
	"opened_on",
	"first_responded_on",  # ERPNext's, once a Service Level Agreement applies
	"sla_resolution_date",  # ERPNext's
	"resolved_on",
	"resolved_within_sla",
	"closed_on",
	"times_reopened",
	"sla_breach",
	"sla_breached_on",
	"sla_warning_sent",
	"escalation_level",
	"response_escalation_level",
	"response_breached_on",
	"resolution_escalation_level",
	"resolution_breached_on",
)
# Given when the complaint is filed (it may have come in earlier, by phone or letter); fixed afterwards.
SET_WHEN_FILED = ("opened_on",)

NUMBER_TYPES = {"Int", "Check", "Float", "Currency", "Percent", "Duration"}
DATE_TYPES = {"Date", "Datetime", "Time"}


def refuse_client_changes(doc, fields: tuple[str, ...], set_when_filed: tuple[str, ...] = ()) -> None:
	"""Refuse (417, nothing written) a save that changes a server-set field: against the stored document,
	or, for a new one, against an empty value (except `set_when_filed`). Call it first in validate,
	before the server computes these fields."""
	before = doc.get_doc_before_save()
	changed = []
	for fieldname in fields:
		df = doc.meta.get_field(fieldname)
		if not df or (before is None and fieldname in set_when_filed):
			continue
		if not _same(df.fieldtype, doc.get(fieldname), before.get(fieldname) if before else None):
			changed.append(_(df.label or fieldname))
	if changed:
		frappe.throw(
			_("Set by the system, these fields cannot be changed: {0}").format(
				", ".join(frappe.bold(label) for label in changed)
			),
			title=_("Not Allowed"),
		)


def _same(fieldtype: str, value, stored) -> bool:
	if fieldtype in NUMBER_TYPES:
		return (cint(value) if fieldtype in ("Int", "Check") else flt(value)) == (
			cint(stored) if fieldtype in ("Int", "Check") else flt(stored)
		)
	if fieldtype in DATE_TYPES:
		return _moment(value) == _moment(stored)
	return (value or None) == (stored or None)


def _moment(value):
	return None if value in (None, "") else get_datetime(value)
