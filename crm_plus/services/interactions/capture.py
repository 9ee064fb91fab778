"""Interactions captured from ERPNext's and Frappe's own records (emails, calls, events), once each,
without ever blocking the record they come from."""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime, strip_html

from crm_plus.constants import CUSTOMER_INTERACTION
from crm_plus.services.parties import customers_of_links
from crm_plus.services.settings import is_enabled


def _never_blocks(capture):
	"""A capture failure is logged; it never stops the email, call or event from being saved."""

	def wrapper(doc, method=None):
		try:
			capture(doc)
		except Exception:
			frappe.log_error(title=_("CRM Plus could not capture {0} {1}").format(doc.doctype, doc.name))

	wrapper.__doc__ = capture.__doc__
	return wrapper


@_never_blocks
def capture_communication(comm):
	"""An email linked to a customer (directly, or through one of its contacts) becomes an interaction."""
	if (
		comm.communication_type != "Communication"
		or comm.communication_medium != "Email"
		or comm.reference_doctype == CUSTOMER_INTERACTION
		or not is_enabled("capture_emails")
	):
		return
	inbound = comm.sent_or_received == "Received"
	for customer, contact in customers_of_links(
		[(comm.reference_doctype, comm.reference_name)]
		+ [(link.link_doctype, link.link_name) for link in comm.timeline_links or []]
	):
		_capture(
			key=f"Communication:{comm.name}:{customer}",
			customer=customer,
			contact=contact,
			source="Email",
			channel="Email",
			direction="Inbound" if inbound else "Outbound",
			subject=comm.subject or _("(no subject)"),
			notes=comm.content,
			interaction_at=comm.communication_date or comm.creation,
			user=(comm.user if not inbound else None) or comm.owner,
			reference=(comm.reference_doctype, comm.reference_name),
		)


@_never_blocks
def capture_call_log(call):
	"""A finished ERPNext Call Log with a customer becomes an interaction (once)."""
	if call.status in ("Ringing", "In Progress", "Queued") or not is_enabled("capture_call_logs"):
		return
	links = [("Customer", call.customer)] + [(link.link_doctype, link.link_name) for link in call.links or []]
	for customer, contact in customers_of_links(links):
		_capture(
			key=f"Call Log:{call.name}:{customer}",
			customer=customer,
			contact=contact,
			source="Call Log",
			channel="Phone",
			direction="Inbound" if call.type == "Incoming" else "Outbound",
			subject=_("{0} call: {1}").format(_(call.type or "Phone"), _(call.status)),
			notes=call.summary,
			outcome=_(call.status),
			interaction_at=call.start_time or call.creation,
			duration=cint(call.duration),
			user=call.employee_user_id or call.owner,
		)


EVENT_CHANNELS = {"Meeting": "Meeting", "Call": "Phone", "Sent/Received Email": "Email"}


@_never_blocks
def capture_event(event):
	"""An Event with a customer among its participants becomes an interaction for that customer."""
	if event.status == "Cancelled" or not is_enabled("capture_events"):
		return
	links = [(p.reference_doctype, p.reference_docname) for p in event.event_participants or []]
	for customer, contact in customers_of_links(links):
		_capture(
			key=f"Event:{event.name}:{customer}",
			customer=customer,
			contact=contact,
			source="Event",
			channel=EVENT_CHANNELS.get(event.event_category, "Event"),
			direction="Outbound",
			subject=strip_html(event.subject or "")[:240] or _("Event"),
			notes=event.description,
			interaction_at=event.starts_on,
			user=event.owner,
			reference=("Event", event.name),
		)


def _capture(key, customer, reference=(None, None), **values):
	"""Insert one captured interaction unless its key exists (the unique key guards races too)."""
	if frappe.db.exists(CUSTOMER_INTERACTION, {"external_key": key}):
		return None
	reference_doctype, reference_name = reference
	if reference_doctype and not reference_name:
		reference_doctype = None
	user = values.pop("user", None)
	doc = frappe.get_doc(
		{
			"doctype": CUSTOMER_INTERACTION,
			"party_type": "Customer",
			"party": customer,
			"external_key": key,
			"user": user if user and frappe.db.exists("User", user) else "Administrator",
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"touchpoint": "Sales",
			"sale_stage": "Post-sale" if _has_bought(customer) else "Pre-sale",
			"interaction_type": "Other",
			**values,
		}
	)
	doc.interaction_at = get_datetime(doc.interaction_at or now_datetime())
	try:
		doc.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		return None
	return doc.name


def _has_bought(customer) -> bool:
	return bool(frappe.db.exists("Sales Invoice", {"customer": customer, "docstatus": 1}))
