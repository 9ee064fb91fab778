"""The complaint itself: intake checks (customer, contact, documents), the timestamps its workflow sets,
its cost, and the assignment that follows its assignee."""

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.domain import sla
from crm_plus.services.assignments import open_todo, set_todo_status
from crm_plus.services.complaints.facts import COMPLAINT_FACTS, SET_WHEN_FILED, refuse_client_changes
from crm_plus.services.complaints.sla_watch import missed_at
from crm_plus.services.parties import customer_by_email, customer_of_contact
from crm_plus.services.settings import get_settings

MAX_AMOUNT = 10**12  # what a Currency column holds


# The customer's answer to the survey: written only by survey_link and record_satisfaction (the
# customer's link or portal), never by a save, so that nobody on the staff can rate for a customer.
SURVEY_FIELDS = (
	"satisfaction",
	"satisfaction_comment",
	"satisfaction_on",
	"satisfaction_token",
	"satisfaction_requested_on",
)


def file_complaint(values: dict):
	"""A complaint filed by a back-office system or an integration, for a customer the user may read."""
	frappe.has_permission(CUSTOMER_COMPLAINT, "create", throw=True)
	frappe.has_permission("Customer", "read", throw=True)
	if not frappe.db.exists("Customer", values["customer"]):
		frappe.throw(_("Customer {0} does not exist").format(values["customer"]), frappe.DoesNotExistError)
	frappe.has_permission("Customer", "read", values["customer"], throw=True)
	return frappe.get_doc({"doctype": CUSTOMER_COMPLAINT, **values}).insert()


def validate(doc):
	refuse_client_changes(doc, COMPLAINT_FACTS, SET_WHEN_FILED)  # before the server sets them below
	before = doc.get_doc_before_save()
	for field in SURVEY_FIELDS:
		doc.set(field, before.get(field) if before else None)
	if doc.is_new() and doc.email_account:
		doc.channel = "Email"  # opened by an email to an Email Account that appends to complaints
	if not doc.customer and doc.contact:
		doc.customer = customer_of_contact(doc.contact)
	if not doc.customer and doc.raised_by:
		contact, doc.customer = customer_by_email(doc.raised_by)
		doc.contact = doc.contact or contact
	if not doc.customer and doc.channel != "Email":
		frappe.throw(_("Customer is required"), frappe.MandatoryError)
	if not doc.opened_on:  # the Customer 360 and the SLA reports date a complaint by it
		doc.opened_on = doc.creation or _now()
	check_references(doc, before)
	set_company(doc)
	previous = before.status if before else None
	if previous != doc.status:
		now = _now()
		# the first response is an agent's first move out of New or Escalated; an escalation is not one
		if doc.meta.has_field("first_responded_on") and sla.is_first_response(
			previous, doc.status, bool(doc.get("first_responded_on"))
		):
			doc.first_responded_on = now
		if doc.status in sla.CLOSED_STATES and previous not in sla.CLOSED_STATES:
			doc.resolved_on = now
		if doc.status == sla.CLOSED:
			doc.closed_on = now
		if doc.status == sla.REOPENED:
			doc.times_reopened = cint(doc.times_reopened) + 1
			doc.resolved_on = doc.closed_on = None
			doc.satisfaction_token = None
			_rearm_resolution(doc)
	if doc.status in (sla.RESOLVED, sla.CLOSED) and not doc.resolution_type:
		frappe.throw(_("Set the Resolution Type before resolving the complaint"), frappe.MandatoryError)
	doc.cost = flt(doc.compensation) + sum(
		flt(r.amount) for r in doc.remedies if r.document_status != "Cancelled"
	)
	if not abs(doc.cost) < MAX_AMOUNT:
		frappe.throw(_("The cost of the complaint (compensation and remedies) is out of range"))


REFERENCES = (
	("sales_invoice", "Sales Invoice"),
	("sales_order", "Sales Order"),
	("delivery_note", "Delivery Note"),
)


def check_references(doc, before=None):
	"""The invoice, order and delivery note a complaint names are its customer's; a newly named one
	must also exist, be submitted and not be a return. Read without the user's permissions: an agent
	names an invoice they may not read (the form's search offers only these, `links.search_references`),
	and nothing of it but its name is stored."""
	for fieldname, doctype in REFERENCES:
		reference = doc.get(fieldname)
		if not reference:
			continue
		fields = ["customer", "docstatus"]
		if frappe.get_meta(doctype).has_field("is_return"):
			fields.append("is_return")
		values = frappe.db.get_value(doctype, reference, fields, as_dict=True)
		if not values:
			frappe.throw(
				_("{0} {1} does not exist").format(_(doctype), frappe.bold(reference)),
				frappe.LinkValidationError,
			)
		if doc.customer and values.customer != doc.customer:
			frappe.throw(
				_("{0} {1} does not belong to customer {2}").format(
					_(doctype), frappe.bold(reference), frappe.bold(doc.customer)
				)
			)
		if before and before.get(fieldname) == reference:
			continue  # named before: a later cancel does not make the complaint unsaveable
		if values.docstatus != 1:
			frappe.throw(
				_("{0} {1} is not submitted: a complaint names a submitted document").format(
					_(doctype), frappe.bold(reference)
				)
			)
		if values.get("is_return"):
			frappe.throw(
				_("{0} {1} is a return: name the document it returns").format(
					_(doctype), frappe.bold(reference)
				)
			)


def set_company(doc):
	"""The company a complaint is about: its invoice's, order's or delivery note's; else the one chosen
	or the user's default company, as ERPNext fills a new document's; else the company of the customer's
	latest invoice. With none to go by, the user must choose one."""
	from_documents = next(
		(
			frappe.db.get_value(doctype, doc.get(fieldname), "company")
			for fieldname, doctype in REFERENCES
			if doc.get(fieldname)
		),
		None,
	)
	if from_documents:  # the documents decide (a new form's company is only the user's default)
		doc.company = from_documents
		return
	if doc.company:  # chosen, or the user's default company as Frappe fills a new document's
		return
	doc.company = frappe.defaults.get_user_default("Company") or frappe.defaults.get_global_default("company")
	if not doc.company and doc.customer:  # no default: where the customer last bought
		doc.company = frappe.db.get_value(
			"Sales Invoice",
			{"customer": doc.customer, "docstatus": 1},
			"company",
			order_by="posting_date desc, creation desc",
		)
	if not doc.company and doc.channel != "Email":
		frappe.throw(
			_("Company is required: the customer has no invoice to take it from"), frappe.MandatoryError
		)


def _now():
	"""Now, or the time a test or an import sets (ERPNext's SLA reads the same flag)."""
	return get_datetime(frappe.flags.current_time) if frappe.flags.current_time else now_datetime()


def _rearm_resolution(doc):
	"""A reopened complaint is watched again: the resolution stage starts over at level 0 (its breach,
	if any, stays on record) and it no longer counts as resolved within the SLA."""
	doc.resolution_escalation_level = 0
	doc.resolved_within_sla = 0
	doc.escalation_level = cint(doc.response_escalation_level)
	doc.sla_warning_sent = int(cint(doc.response_escalation_level) > 0 and not doc.get("first_responded_on"))


def before_save(doc):
	"""The stages' outcome once ERPNext's Service Level Agreement has set its deadlines (its validate
	hook runs after the controller's): in time or not, from the timestamps, and a breach the 15-minute
	watch did not see, stamped with the deadline it missed."""
	before = doc.get_doc_before_save()
	previous = before.status if before else None
	if previous == doc.status:
		return
	start = doc.get("service_level_agreement_creation") or doc.creation
	if doc.status in sla.CLOSED_STATES and previous not in sla.CLOSED_STATES:
		deadline = doc.get("sla_resolution_by")
		resolved = get_datetime(doc.resolved_on) if doc.resolved_on else None
		doc.resolved_within_sla = int(
			sla.met_deadline(resolved, get_datetime(deadline) if deadline else None)
		)
		if deadline and resolved and not doc.resolved_within_sla and not doc.resolution_breached_on:
			doc.resolution_breached_on = missed_at(doc.get("service_level_agreement"), start, deadline)
	responded, deadline = doc.get("first_responded_on"), doc.get("response_by")
	if responded and deadline and not (before and before.get("first_responded_on")):
		if get_datetime(responded) > get_datetime(deadline) and not doc.response_breached_on:
			doc.response_breached_on = missed_at(doc.get("service_level_agreement"), start, deadline)
	if not doc.sla_breach:
		first = sla.first_breach(
			{
				sla.RESPONSE: get_datetime(doc.response_breached_on) if doc.response_breached_on else None,
				sla.RESOLUTION: get_datetime(doc.resolution_breached_on)
				if doc.resolution_breached_on
				else None,
			}
		)
		if first:
			doc.sla_breach, doc.sla_breached_on = first


def on_update(doc):
	before = doc.get_doc_before_save()
	if doc.assigned_to and (not before or before.assigned_to != doc.assigned_to):
		_assign(doc, doc.assigned_to)
	if doc.status == sla.RESOLVED and (not before or before.status != sla.RESOLVED):
		if get_settings().satisfaction_survey and (doc.raised_by or doc.contact):
			frappe.enqueue(
				"crm_plus.services.complaints.survey.send_satisfaction_survey",
				name=doc.name,
				resolved_at=now_datetime(),  # a second run for this resolution sends nothing
				enqueue_after_commit=True,
				now=frappe.flags.in_test,
			)


def _assign(doc, user):
	for todo in frappe.get_all(
		"ToDo",
		filters={"reference_type": CUSTOMER_COMPLAINT, "reference_name": doc.name, "status": "Open"},
		pluck="name",
	):
		set_todo_status(todo, "Cancelled")
	open_todo(
		CUSTOMER_COMPLAINT,
		doc.name,
		user,
		# ERPNext's deadlines exist only once a Service Level Agreement is set up for complaints
		getdate(doc.get("sla_resolution_by") or doc.get("response_by") or now_datetime()),
		_("Complaint: {0}").format(doc.subject),
	)
