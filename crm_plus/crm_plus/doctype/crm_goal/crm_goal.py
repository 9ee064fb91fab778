# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import goals
from crm_plus.services.field_values import check_field_values


class CRMGoal(Document):
	def validate(self):
		check_field_values(self)
		goals.validate(self)

	@frappe.whitelist()
	def measure_now(self):
		# the stored goal, not this object: run_doc_method can build it from values the caller sent
		frappe.get_doc(self.doctype, self.name).check_permission("write")
		goals.measure(self.name)
