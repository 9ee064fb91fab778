# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import interactions
from crm_plus.services.permissions import check_field_values


class CustomerInteraction(Document):
	def validate(self):
		check_field_values(self)
		interactions.validate(self)

	def on_update(self):
		interactions.sync_follow_up(self)

	def on_trash(self):
		interactions.cancel_follow_up(self)

	@frappe.whitelist()
	def complete_follow_up(self, outcome: str | None = None, **ignored: object):
		# run_doc_method passes every key of `args`: others are ignored, as /api/method ignores them
		interactions.complete_follow_up(self.name, outcome)
