# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import interactions


class CustomerInteraction(Document):
	def validate(self):
		interactions.validate(self)

	def on_update(self):
		interactions.sync_follow_up(self)

	def on_trash(self):
		interactions.cancel_follow_up(self)

	@frappe.whitelist()
	def complete_follow_up(self, outcome: str | None = None):
		interactions.complete_follow_up(self.name, outcome)
