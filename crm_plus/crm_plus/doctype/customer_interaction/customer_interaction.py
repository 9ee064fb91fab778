# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values
from crm_plus.services.interactions import records as interaction_records


class CustomerInteraction(Document):
	def validate(self):
		check_field_values(self)
		interaction_records.validate(self)

	def on_update(self):
		interaction_records.sync_follow_up(self)

	def on_trash(self):
		interaction_records.cancel_follow_up(self)

	@frappe.whitelist()
	def complete_follow_up(self, outcome: str | None = None, **ignored: object):
		# run_doc_method passes every key of `args`: others are ignored, as /api/method ignores them
		interaction_records.complete_follow_up(self.name, outcome)
