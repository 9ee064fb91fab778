# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import complaints
from crm_plus.services.permissions import check_field_values


class CustomerComplaint(Document):
	def validate(self):
		check_field_values(self)
		complaints.validate(self)

	def on_update(self):
		complaints.on_update(self)


def get_permission_query_conditions(user: str | None = None) -> str:
	"""Portal users see only the complaints of the customers they belong to."""
	return complaints.portal_query_conditions(user)


def has_permission(doc, ptype: str = "read", user: str | None = None) -> bool:
	return complaints.portal_has_permission(doc, ptype, user)
