# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.complaints import document as complaint_document
from crm_plus.services.complaints import portal as complaint_portal
from crm_plus.services.field_values import check_field_values


class CustomerComplaint(Document):
	def validate(self):
		check_field_values(self)
		complaint_document.validate(self)

	def on_update(self):
		complaint_document.on_update(self)


def get_permission_query_conditions(user: str | None = None) -> str:
	"""Portal users see only the complaints of the customers they belong to."""
	return complaint_portal.portal_query_conditions(user)


def has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return complaint_portal.portal_has_permission(doc, ptype, user)
