# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values


class CRMPlusSettings(Document):
	def validate(self):
		check_field_values(self)
