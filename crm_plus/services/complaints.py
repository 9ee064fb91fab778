"""Customer complaints: intake checks, assignment, the SLA watch that ERPNext lacks, billing remedies
and the satisfaction survey. Deadlines come from ERPNext's Service Level Agreement; the arithmetic and
escalation rules from `crm_plus.domain.sla`."""

import hashlib
import hmac
import math
from datetime import datetime, time, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, get_datetime, get_url, getdate, now_datetime

from crm_plus.domain import sla
from crm_plus.services.assignments import open_todo, set_todo_status
from crm_plus.services.settings import get_settings, is_enabled

COMPLAINT = "Customer Complaint"
MAX_AMOUNT = 10**12  # what a Currency column holds
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# ---------------------------------------------------------------- the document


# The customer's answer to the survey: written only by survey_link and record_satisfaction (the
# customer's link or portal), never by a save, so that nobody on the staff can rate for a customer.
SURVEY_FIELDS = (
	"satisfaction",
	"satisfaction_comment",
	"satisfaction_on",
	"satisfaction_token",
	"satisfaction_requested_on",
)


def validate(doc):
	before = doc.get_doc_before_save()
	for field in SURVEY_FIELDS:
		doc.set(field, before.get(field) if before else None)
	if doc.is_new() and doc.email_account:
		doc.channel = "Email"  # opened by an email to an Email Account that appends to complaints
	if not doc.customer and doc.contact:
		doc.customer = customer_of_contact(doc.contact)
	if not doc.customer and doc.raised_by:
		contact = frappe.db.get_value(
			"Contact Email", {"email_id": doc.raised_by, "parenttype": "Contact"}, "parent"
		)
		doc.contact = doc.contact or contact
		doc.customer = customer_of_contact(contact) if contact else None
	if not doc.customer and doc.channel != "Email":
		frappe.throw(_("Customer is required"), frappe.MandatoryError)
	if not doc.opened_on:  # the Customer 360 and the SLA reports date a complaint by it
		doc.opened_on = doc.creation or now_datetime()
	for fieldname, doctype in (
		("sales_invoice", "Sales Invoice"),
		("sales_order", "Sales Order"),
		("delivery_note", "Delivery Note"),
	):
		reference = doc.get(fieldname)
		if reference and doc.customer and frappe.db.get_value(doctype, reference, "customer") != doc.customer:
			frappe.throw(
				_("{0} {1} does not belong to customer {2}").format(
					_(doctype), frappe.bold(reference), frappe.bold(doc.customer)
				)
			)
	previous = before.status if before else None
	if previous != doc.status:
		now = now_datetime()
		# the first response is an agent's move out of New; an escalation is not a response
		responded = doc.status not in (sla.NEW, sla.ESCALATED)
		if previous in (None, sla.NEW) and responded and not doc.get("first_responded_on"):
			if doc.meta.has_field("first_responded_on"):
				doc.first_responded_on = now  # acknowledging is the first response
		if doc.status == sla.RESOLVED:
			doc.resolved_on = now
		if doc.status == sla.CLOSED:
			doc.closed_on = now
		if doc.status == sla.REOPENED:
			doc.times_reopened = cint(doc.times_reopened) + 1
			doc.resolved_on = doc.closed_on = None
			doc.satisfaction_token = None
	if doc.status in (sla.RESOLVED, sla.CLOSED) and not doc.resolution_type:
		frappe.throw(_("Set the Resolution Type before resolving the complaint"), frappe.MandatoryError)
	doc.cost = flt(doc.compensation) + sum(
		flt(r.amount) for r in doc.remedies if r.document_status != "Cancelled"
	)
	if not abs(doc.cost) < MAX_AMOUNT:
		frappe.throw(_("The cost of the complaint (compensation and remedies) is out of range"))


def customer_of_contact(contact):
	"""The customer a contact belongs to (its first Customer link)."""
	return frappe.db.get_value(
		"Dynamic Link", {"parenttype": "Contact", "parent": contact, "link_doctype": "Customer"}, "link_name"
	)


def on_update(doc):
	before = doc.get_doc_before_save()
	if doc.assigned_to and (not before or before.assigned_to != doc.assigned_to):
		_assign(doc, doc.assigned_to)
	if doc.status == sla.RESOLVED and (not before or before.status != sla.RESOLVED):
		if get_settings().satisfaction_survey and (doc.raised_by or doc.contact):
			frappe.enqueue(
				"crm_plus.services.complaints.send_satisfaction_survey",
				name=doc.name,
				enqueue_after_commit=True,
				now=frappe.flags.in_test,
			)


def _assign(doc, user):
	for todo in frappe.get_all(
		"ToDo",
		filters={"reference_type": COMPLAINT, "reference_name": doc.name, "status": "Open"},
		pluck="name",
	):
		set_todo_status(todo, "Cancelled")
	open_todo(
		COMPLAINT,
		doc.name,
		user,
		getdate(doc.sla_resolution_by or doc.response_by or now_datetime()),
		_("Complaint: {0}").format(doc.subject),
	)


# ---------------------------------------------------------------- the SLA watch


def calendar_for(agreement: str) -> sla.BusinessCalendar:
	"""ERPNext's Service Level Agreement working hours and holiday list as a domain calendar."""
	hours: dict[int, list] = {}
	for row in frappe.get_all(
		"Service Day",
		filters={"parent": agreement, "parenttype": "Service Level Agreement"},
		fields=["workday", "start_time", "end_time"],
	):
		hours.setdefault(WEEKDAYS.index(row.workday), []).append((_time(row.start_time), _time(row.end_time)))
	holiday_list = frappe.db.get_value("Service Level Agreement", agreement, "holiday_list")
	holidays = (
		frozenset(
			getdate(d)
			for d in frappe.get_all("Holiday", filters={"parent": holiday_list}, pluck="holiday_date")
		)
		if holiday_list
		else frozenset()
	)
	return sla.BusinessCalendar(hours=hours, holidays=holidays)


def _time(value) -> time:
	if isinstance(value, timedelta):
		seconds = int(value.total_seconds())
		return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60) if seconds < 86400 else time(0)
	return value if isinstance(value, time) else get_datetime(f"2000-01-01 {value}").time()


def escalation_chain() -> list[sla.EscalationLevel]:
	settings = get_settings()
	chain = [
		sla.EscalationLevel(1, sla.ASSIGNEE, Decimal(str(flt(settings.sla_warn_percent) or 75)) / 100),
		sla.EscalationLevel(
			2,
			"Customer Service Manager",
			Decimal(str(flt(settings.escalate_to_manager_percent) or 100)) / 100,
		),
		sla.EscalationLevel(
			3, "CRM Manager", Decimal(str(flt(settings.escalate_to_crm_manager_percent) or 150)) / 100
		),
	]
	try:
		sla.validate_chain(chain)
	except ValueError as e:
		frappe.throw(_("The escalation shares in CRM Plus Settings are invalid: {0}").format(str(e)))
	return chain


def check_slas(now: datetime | None = None) -> dict:
	"""Scheduled (every 15 minutes): mark breaches when they happen, warn the assignee and escalate
	along the chain. One read of the open complaints; a write only for those that change."""
	now = get_datetime(now or now_datetime())
	if not frappe.get_meta(COMPLAINT).has_field("service_level_agreement"):
		return {"breached": 0, "warned": 0, "escalated": 0}  # no Service Level Agreement set up yet
	rows = frappe.get_all(
		COMPLAINT,
		filters={"status": ("in", sorted(sla.OPEN_STATES)), "service_level_agreement": ("is", "set")},
		fields=[
			"name",
			"subject",
			"status",
			"assigned_to",
			"service_level_agreement",
			"service_level_agreement_creation",
			"creation",
			"response_by",
			"first_responded_on",
			"sla_resolution_by",
			"on_hold_since",
			"sla_breach",
			"escalation_level",
		],
	)
	chain = escalation_chain()
	calendars: dict[str, sla.BusinessCalendar] = {}
	counts = {"breached": 0, "warned": 0, "escalated": 0}
	for row in rows:
		if row.status in sla.SLA_PAUSED_STATES or row.on_hold_since:
			continue  # the clock is paused while we wait for the customer
		cal = calendars.get(row.service_level_agreement) or calendars.setdefault(
			row.service_level_agreement, calendar_for(row.service_level_agreement)
		)
		if not cal.has_working_time:
			continue
		start = get_datetime(row.service_level_agreement_creation or row.creation)
		due, stage = (
			(row.response_by, "First Response")
			if not row.first_responded_on
			else (row.sla_resolution_by, "Resolution")
		)
		if not due:
			continue
		evaluation = sla.evaluate(start, get_datetime(due), now, cal, warn_share=chain[0].at_share)
		updates = {}
		if evaluation.status == sla.STATUS_BREACHED and not row.sla_breach:
			updates.update({"sla_breach": stage, "sla_breached_on": now})
			counts["breached"] += 1
		level = sla.next_escalation(chain, cint(row.escalation_level), evaluation.share)
		if level:
			updates["escalation_level"] = level.level
			_escalate(row, level, evaluation, stage)
			counts["warned" if level.role_or_user == sla.ASSIGNEE else "escalated"] += 1
			if level.role_or_user == sla.ASSIGNEE:
				updates["sla_warning_sent"] = 1
		if updates:
			frappe.db.set_value(COMPLAINT, row.name, updates, update_modified=False)
	return counts


def _escalate(row, level, evaluation, stage):
	share = int(evaluation.share * 100)
	if level.role_or_user == sla.ASSIGNEE:
		recipients = [row.assigned_to] if row.assigned_to else []
		subject = _("Complaint {0}: {1}% of the {2} time used").format(row.name, share, _(stage).lower())
	else:
		recipients = _users_with_role(level.role_or_user)
		subject = _("Complaint {0} escalated to {1}: {2}% of the {3} time used").format(
			row.name, _(level.role_or_user), share, _(stage).lower()
		)
		if recipients:
			open_todo(COMPLAINT, row.name, recipients[0], getdate(), subject)
		if row.status != sla.ESCALATED and row.status in sla.OPEN_STATES:
			doc = frappe.get_doc(COMPLAINT, row.name)
			doc.status = sla.ESCALATED
			doc.add_comment("Info", subject)
			doc.flags.ignore_permissions = True
			doc.save()
	for user in recipients:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": COMPLAINT,
				"document_name": row.name,
				"subject": subject,
			}
		).insert(ignore_permissions=True)


def _users_with_role(role: str) -> list[str]:
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.where(
			(has_role.role == role)
			& (has_role.parenttype == "User")
			& (user.enabled == 1)
			& (user.name != "Administrator")
		)
		.orderby(user.name)
		.run(pluck=True)
	)


# ---------------------------------------------------------------- remedies through ERPNext billing


def _remedy_doc(doc, remedy_type, target):
	target.crm_customer_complaint = doc.name
	target.flags.ignore_permissions = False
	target.insert()
	if get_settings().submit_remedies:
		target.submit()
	amount = abs(
		flt(target.get("base_grand_total") or target.get("grand_total") or target.get("paid_amount"))
	)
	doc.append(
		"remedies",
		{
			"remedy_type": remedy_type,
			"reference_doctype": target.doctype,
			"reference_name": target.name,
			"amount": amount,
			"document_status": _document_status(target.docstatus),
		},
	)
	doc.save()
	return target


def _document_status(docstatus) -> str:
	return {0: "Draft", 1: "Submitted", 2: "Cancelled"}[cint(docstatus)]


def make_credit_note(name: str, items: list | None = None, amount: float | None = None):
	"""A Sales Invoice return against the complaint's invoice: the chosen items and quantities (all by
	default), or a flat amount as a discount on the return."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	doc = frappe.get_doc(COMPLAINT, name)
	doc.check_permission("write")
	frappe.has_permission("Sales Invoice", "create", throw=True)
	if not doc.sales_invoice:
		frappe.throw(
			_("Set the Sales Invoice the complaint is about before making a credit note"),
			frappe.MandatoryError,
		)
	credit = make_sales_return(doc.sales_invoice)
	if items:
		wanted = {row["item_code"]: flt(row["qty"]) for row in items}
		credit.items = [row for row in credit.items if row.item_code in wanted]
		for row in credit.items:
			if not 0 < wanted[row.item_code] <= abs(row.qty):
				frappe.throw(_("Qty for {0} must be between 0 and {1}").format(row.item_code, abs(row.qty)))
			row.qty = -wanted[row.item_code]
		if not credit.items:
			frappe.throw(_("None of the chosen items is on invoice {0}").format(doc.sales_invoice))
	elif amount:
		total = abs(flt(credit.grand_total))
		if not 0 < flt(amount) <= total:
			frappe.throw(_("Amount must be above 0 and at most {0}").format(total))
		# return everything at the invoice's prices, less a discount that leaves exactly the amount
		credit.apply_discount_on = "Grand Total"
		credit.discount_amount = -(total - flt(amount))
	credit.remarks = _("Credit note for complaint {0}").format(doc.name)
	original = frappe.db.get_value(
		"Sales Invoice", doc.sales_invoice, ["posting_date", "posting_time"], as_dict=True
	)
	if getdate(original.posting_date) >= getdate(credit.posting_date):
		# a return cannot precede the invoice it returns (ERPNext allows future-dated invoices)
		credit.set_posting_time = 1
		credit.posting_date = original.posting_date
		credit.posting_time = (
			get_datetime(f"{original.posting_date} {original.posting_time}") + timedelta(seconds=1)
		).time()
	return _remedy_doc(doc, "Credit Note", credit)


def make_refund(name: str, amount: float):
	"""A Payment Entry (Pay) to the customer for the amount, e.g. against a credit note."""
	doc = frappe.get_doc(COMPLAINT, name)
	doc.check_permission("write")
	frappe.has_permission("Payment Entry", "create", throw=True)
	if not math.isfinite(flt(amount)) or not 0 < flt(amount) < MAX_AMOUNT:
		frappe.throw(_("Refund amount must be above 0 and below {0}").format(MAX_AMOUNT))
	company = (
		frappe.db.get_value("Sales Invoice", doc.sales_invoice, "company") if doc.sales_invoice else None
	)
	company = (
		company or frappe.defaults.get_user_default("Company") or frappe.db.get_value("Company", {}, "name")
	)
	from erpnext.accounts.party import get_party_account

	paid_from = frappe.get_cached_value(
		"Company", company, "default_cash_account"
	) or frappe.get_cached_value("Company", company, "default_bank_account")
	receivable = get_party_account("Customer", doc.customer, company)
	refund = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Pay",
			"party_type": "Customer",
			"party": doc.customer,
			"company": company,
			"posting_date": getdate(),
			"paid_from": paid_from,
			"paid_to": receivable,
			"paid_amount": flt(amount),
			"received_amount": flt(amount),
			"reference_no": doc.name,
			"reference_date": getdate(),
			"remarks": _("Refund for complaint {0}").format(doc.name),
		}
	)
	refund.setup_party_account_field()
	refund.set_missing_values()
	return _remedy_doc(doc, "Refund", refund)


def make_replacement(name: str, items: list | None = None, delivery_date=None):
	"""A Sales Order at zero rate for the items to replace (the complaint's items by default)."""
	doc = frappe.get_doc(COMPLAINT, name)
	doc.check_permission("write")
	frappe.has_permission("Sales Order", "create", throw=True)
	rows = items or [{"item_code": row.item_code, "qty": row.qty or 1} for row in doc.items]
	if not rows:
		frappe.throw(_("List the items to replace"), frappe.MandatoryError)
	company = (
		frappe.db.get_value("Sales Invoice", doc.sales_invoice, "company") if doc.sales_invoice else None
	)
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": doc.customer,
			"company": company or frappe.db.get_value("Company", {}, "name"),
			"transaction_date": getdate(),
			"delivery_date": getdate(delivery_date) if delivery_date else add_days(getdate(), 7),
			"items": [
				{
					"item_code": r["item_code"],
					"qty": flt(r["qty"]),
					"rate": 0,
					"margin_type": "",
					"discount_percentage": 0,
				}
				for r in rows
			],
			"ignore_pricing_rule": 1,
			# at the price list's rates, fully discounted: the customer pays nothing for a replacement
			"apply_discount_on": "Grand Total",
			"additional_discount_percentage": 100,
		}
	)
	order = _remedy_doc(doc, "Replacement", order)
	# a replacement's cost is what the goods are worth, not the zero it is billed at
	value = sum(
		flt(frappe.db.get_value("Item", r["item_code"], "valuation_rate")) * flt(r["qty"]) for r in rows
	)
	doc.reload()
	doc.remedies[-1].amount = value
	doc.save()
	return order


def on_remedy_change(target, method=None):
	"""doc_event (on_submit / on_cancel of Sales Invoice, Payment Entry, Sales Order): the complaint
	shows its remedies' status and their cost."""
	complaint = target.get("crm_customer_complaint")
	if not complaint or not is_enabled("enable_sales_hooks"):
		return
	row = frappe.db.get_value(
		"Customer Complaint Remedy",
		{"parent": complaint, "reference_doctype": target.doctype, "reference_name": target.name},
		"name",
	)
	if not row:
		return
	frappe.db.set_value(
		"Customer Complaint Remedy", row, "document_status", _document_status(target.docstatus)
	)
	remedy = frappe.qb.DocType("Customer Complaint Remedy")
	from frappe.query_builder.functions import Sum

	total = (
		frappe.qb.from_(remedy)
		.select(Sum(remedy.amount))
		.where((remedy.parent == complaint) & (remedy.document_status != "Cancelled"))
		.run()[0][0]
	)
	compensation = frappe.db.get_value(COMPLAINT, complaint, "compensation")
	frappe.db.set_value(COMPLAINT, complaint, "cost", flt(total) + flt(compensation), update_modified=False)


# ---------------------------------------------------------------- satisfaction


def _signature(name: str, nonce: str) -> str:
	secret = (
		frappe.local.conf.get("crm_plus_survey_secret")
		or frappe.local.conf.encryption_key
		or frappe.local.site
	)
	return hmac.new(secret.encode(), f"{name}|{nonce}".encode(), hashlib.sha256).hexdigest()


def survey_link(name: str) -> str:
	"""A signed, single-use link; only the nonce's hash is stored, so the database cannot forge it."""
	nonce = frappe.generate_hash(length=20)
	frappe.db.set_value(
		COMPLAINT,
		name,
		{
			"satisfaction_token": hashlib.sha256(nonce.encode()).hexdigest(),
			"satisfaction_requested_on": now_datetime(),
		},
		update_modified=False,
	)
	return get_url(f"/complaint-feedback?complaint={name}&nonce={nonce}&signature={_signature(name, nonce)}")


def verify_survey(name: str, nonce: str, signature: str):
	"""The complaint a survey link is for; a tampered, expired or used link is refused."""
	if not (name and nonce and signature) or not hmac.compare_digest(_signature(name, nonce), signature):
		frappe.throw(_("This link is not valid."), frappe.PermissionError)
	values = frappe.db.get_value(
		COMPLAINT, name, ["satisfaction_token", "satisfaction_requested_on", "satisfaction_on"], as_dict=True
	)
	if (
		not values
		or values.satisfaction_on
		or values.satisfaction_token != hashlib.sha256(nonce.encode()).hexdigest()
	):
		frappe.throw(_("This link has already been used."), frappe.PermissionError)
	days = cint(get_settings().satisfaction_link_days) or 30
	if values.satisfaction_requested_on and get_datetime(
		values.satisfaction_requested_on
	) < now_datetime() - timedelta(days=days):
		frappe.throw(_("This link has expired."), frappe.PermissionError)
	return name


def record_satisfaction(name: str, rating: int, comment: str | None = None):
	rating = cint(rating)
	if not 1 <= rating <= 5:
		frappe.throw(_("Rating must be between 1 and 5"))
	if comment is not None and not isinstance(comment, str):
		frappe.throw(_("Comment must be text"))
	frappe.db.set_value(
		COMPLAINT,
		name,
		{
			"satisfaction": rating,
			"satisfaction_comment": _clean_comment(comment),
			"satisfaction_on": now_datetime(),
			"satisfaction_token": None,
		},
	)


def _clean_comment(comment: str | None) -> str | None:
	"""The customer's comment as a document save would store it: set_value skips Frappe's HTML
	sanitizing, and the comment comes from a page anyone with the link can post to."""
	from frappe.utils.html_utils import sanitize_html

	comment = (comment or "").strip()[:1000]
	return sanitize_html(comment, always_sanitize=True) if comment else None


def send_satisfaction_survey(name: str):
	doc = frappe.get_doc(COMPLAINT, name)
	recipient = doc.raised_by or frappe.db.get_value("Contact", doc.contact, "email_id")
	if not recipient:
		return None
	link = survey_link(name)
	frappe.sendmail(
		recipients=[recipient],
		subject=_("How did we do? {0}").format(doc.subject),
		message=_("Your complaint {0} has been resolved. Please tell us how satisfied you are: {1}").format(
			doc.name, f'<a href="{link}">{link}</a>'
		),
		reference_doctype=COMPLAINT,
		reference_name=name,
	)
	return link


# ---------------------------------------------------------------- the customer portal


def portal_customers(user: str) -> list[str]:
	"""The customers a website user belongs to (Customer portal users, or a contact linked to them).
	None for Desk users: they work complaints in Desk, with their role permissions (an empty list)."""
	from erpnext.controllers.website_list_for_contact import get_customers_suppliers

	if user == "Guest" or not _is_portal_user(user):
		return []
	customers, _suppliers = get_customers_suppliers(COMPLAINT, user)
	return customers or []


def portal_user_customers() -> list[str]:
	"""The signed-in portal user's customers; anyone else is refused (403)."""
	user = frappe.session.user
	if user == "Guest":
		frappe.throw(_("Sign in to see your complaints"), frappe.PermissionError)
	if not _is_portal_user(user):
		frappe.throw(
			_("This page is for customers; use the Customer Complaint list in Desk"), frappe.PermissionError
		)
	customers = portal_customers(user)
	if not customers:
		frappe.throw(_("Your account is not linked to a customer"), frappe.PermissionError)
	return customers


def _is_portal_user(user: str) -> bool:
	return frappe.get_cached_value("User", user, "user_type") == "Website User"


def portal_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if not _is_portal_user(user):
		return ""
	customers = portal_customers(user)
	if not customers:
		return "1=0"
	return "`tabCustomer Complaint`.`customer` in ({})".format(
		", ".join(frappe.db.escape(c) for c in customers)
	)


def portal_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not _is_portal_user(user):
		return True  # desk users: the role permissions decide
	if ptype not in ("read", "create"):
		return False
	return bool(doc.customer) and doc.customer in portal_customers(user)


def file_from_portal(subject: str, description: str, sales_invoice: str | None = None) -> str:
	"""A signed-in customer files a complaint for the customer they belong to."""
	user = frappe.session.user
	customers = portal_user_customers()
	if not (subject or "").strip():
		frappe.throw(_("Subject is required"), frappe.MandatoryError)
	customer = customers[0]
	if sales_invoice:
		invoice = frappe.db.get_value(
			"Sales Invoice", sales_invoice, ["customer", "docstatus", "is_return"], as_dict=True
		)
		if not invoice or invoice.customer not in customers or invoice.docstatus != 1 or invoice.is_return:
			frappe.throw(_("Invoice {0} is not one of yours").format(sales_invoice), frappe.PermissionError)
		customer = invoice.customer
	doc = frappe.get_doc(
		{
			"doctype": COMPLAINT,
			"subject": subject.strip()[:240],
			"description": frappe.utils.escape_html(description or ""),
			"customer": customer,
			"raised_by": user,
			"channel": "Portal",
			"sales_invoice": sales_invoice,
		}
	)
	doc.insert(ignore_permissions=True)  # the checks above are the portal user's permission
	return doc.name


def rate_from_portal(name: str, rating: int, comment: str | None = None):
	"""A signed-in customer rates their own resolved complaint on the portal."""
	customers = portal_user_customers()
	customer = frappe.db.get_value(COMPLAINT, name, "customer") if name else None
	if not customer or customer not in customers:
		frappe.throw(_("Not permitted"), frappe.PermissionError)  # never tell whether it exists
	doc = frappe.get_doc(COMPLAINT, name)
	if doc.status not in (sla.RESOLVED, sla.CLOSED):
		frappe.throw(_("You can rate a complaint once it is resolved"))
	if doc.satisfaction_on:
		frappe.throw(_("This complaint has already been rated"))
	record_satisfaction(name, rating, comment)
