"""crm_plus's records in the Connections of ERPNext's and Frappe's documents (the
`override_doctype_dashboards` hook, as HRMS does): a customer's interactions, complaints, plans,
memberships and health; a campaign's members, interactions and the sales documents that carry it; an
invoice's or order's complaints; a contact's interactions and complaints."""

from frappe import _

from crm_plus.constants import (
	CAMPAIGN_MEMBER,
	CUSTOMER_COMPLAINT,
	CUSTOMER_INTERACTION,
	HEALTH_SNAPSHOT,
	RETENTION_PLAN,
)


def _add(data, label: str, items: list[str], fieldname: str | None = None):
	data.setdefault("transactions", []).append({"label": label, "items": items})
	if fieldname and data.get("fieldname") != fieldname:
		data.setdefault("non_standard_fieldnames", {}).update(dict.fromkeys(items, fieldname))
	return data


def customer(data):
	return _add(
		data,
		_("CRM"),
		[CUSTOMER_INTERACTION, CUSTOMER_COMPLAINT, RETENTION_PLAN, CAMPAIGN_MEMBER, HEALTH_SNAPSHOT],
		"customer",
	)


def contact(data):
	data.setdefault("fieldname", "contact")
	return _add(data, _("CRM"), [CUSTOMER_INTERACTION, CUSTOMER_COMPLAINT], "contact")


def campaign(data):
	"""Its members (named by their party, the list's title) and interactions, and ERPNext's documents
	that carry the campaign: what it brought in (Lead names it in `campaign_name`)."""
	data.setdefault("fieldname", "campaign")
	_add(data, _("CRM"), [CAMPAIGN_MEMBER, CUSTOMER_INTERACTION], "campaign")
	_add(data, _("Pre Sales"), ["Lead", "Opportunity"], "campaign")
	data.setdefault("non_standard_fieldnames", {})["Lead"] = "campaign_name"
	return _add(data, _("Sales"), ["Quotation", "Sales Order", "Sales Invoice"], "campaign")


def sales_invoice(data):
	return _add(data, _("Service"), [CUSTOMER_COMPLAINT], "sales_invoice")


def sales_order(data):
	return _add(data, _("Service"), [CUSTOMER_COMPLAINT], "sales_order")
