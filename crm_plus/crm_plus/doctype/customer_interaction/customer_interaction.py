# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values
from crm_plus.services.interactions import records as interaction_records


class CustomerInteraction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		channel: DF.Literal[
			"Phone",
			"Email",
			"Meeting",
			"Visit",
			"Chat",
			"Social",
			"SMS",
			"Letter",
			"Fax",
			"Event",
			"Web",
			"Other",
		]
		contact: DF.Link | None
		customer: DF.Link | None
		direction: DF.Literal["Outbound", "Inbound"]
		duration: DF.Duration | None
		external_key: DF.Data | None
		follow_up_by: DF.Link | None
		follow_up_done_on: DF.Datetime | None
		follow_up_on_time: DF.Check
		follow_up_status: DF.Literal["", "Open", "Done", "Cancelled"]
		follow_up_todo: DF.Link | None
		interaction_at: DF.Datetime
		interaction_type: DF.Literal[
			"Inquiry", "Follow-up", "Care", "Complaint", "Objection", "Feedback", "Negotiation", "Other"
		]
		naming_series: DF.Literal["CRM-INT-.YYYY.-"]
		next_follow_up_on: DF.Date | None
		notes: DF.TextEditor | None
		outcome: DF.SmallText | None
		party: DF.DynamicLink
		party_name: DF.Data | None
		party_type: DF.Literal["Customer", "Lead", "Prospect"]
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		sale_stage: DF.Literal["Pre-sale", "Sale", "Post-sale"]
		sentiment: DF.Literal["Neutral", "Positive", "Negative"]
		source: DF.Literal["Manual", "Email", "Call Log", "Event", "API"]
		subject: DF.Data
		touchpoint: DF.Literal[
			"Sales", "Billing", "Collections", "After-sales Service", "Marketing", "Support"
		]
		user: DF.Link

	# end: auto-generated types
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
