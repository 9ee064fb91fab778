"""The customer's satisfaction after a resolution: a signed, single-use survey link, and the answer
recorded only from it or from the portal."""

import hashlib
import hmac
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, get_url, now_datetime

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.services.settings import get_settings


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
		CUSTOMER_COMPLAINT,
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
		CUSTOMER_COMPLAINT,
		name,
		["satisfaction_token", "satisfaction_requested_on", "satisfaction_on"],
		as_dict=True,
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
		CUSTOMER_COMPLAINT,
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


def send_satisfaction_survey(name: str, resolved_at=None):
	"""E-mail the survey for the resolution at `resolved_at`, once: the e-mail is queued in the same
	transaction as the request it records (`satisfaction_requested_on`), and a job run again for the same
	resolution (requeued, retried) finds that record under the row lock and sends nothing."""
	if resolved_at:
		requested = frappe.db.sql(
			f"select satisfaction_requested_on from `tab{CUSTOMER_COMPLAINT}` where name = %s for update",
			name,
		)
		if requested and requested[0][0] and get_datetime(requested[0][0]) >= get_datetime(resolved_at):
			return None  # already asked about this resolution
	doc = frappe.get_doc(CUSTOMER_COMPLAINT, name)
	recipient = doc.raised_by or frappe.db.get_value("Contact", doc.contact, "email_id")
	if not recipient:
		return None
	link = survey_link(name)
	# in the customer's language (Customer.language, else the system's), not the agent's who resolved it
	lang = (doc.customer and frappe.db.get_value("Customer", doc.customer, "language")) or None
	lang = lang or frappe.db.get_single_value("System Settings", "language") or "en"
	frappe.sendmail(
		recipients=[recipient],
		subject=_("How did we do? {0}", lang=lang).format(doc.subject),
		message=_(
			"Your complaint {0} has been resolved. Please tell us how satisfied you are: {1}", lang=lang
		).format(doc.name, f'<a href="{link}">{link}</a>'),
		reference_doctype=CUSTOMER_COMPLAINT,
		reference_name=name,
	)
	return link
