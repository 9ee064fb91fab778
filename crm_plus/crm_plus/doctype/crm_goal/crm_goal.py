# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import goals


class CRMGoal(Document):
	def validate(self):
		goals.validate(self)

	@frappe.whitelist()
	def measure_now(self):
		self.check_permission("write")
		goals.measure(self.name)
