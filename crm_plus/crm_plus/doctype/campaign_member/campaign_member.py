# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.services.campaigns import members as campaign_members
from crm_plus.services.field_values import check_field_values


class CampaignMember(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attributed_revenue: DF.Currency
		call_todo: DF.Link | None
		campaign: DF.Link
		converted_on: DF.Date | None
		customer: DF.Link | None
		email_id: DF.Data | None
		party: DF.DynamicLink
		party_name: DF.Data | None
		party_type: DF.Literal["Customer", "Lead", "Contact"]
		response_channel: DF.Literal[
			"",
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
		response_date: DF.Date | None
		source: DF.Literal["Manual", "Segment"]
		status: DF.Literal["Targeted", "Contacted", "Responded", "Converted", "Unsubscribed", "Bounced"]

	# end: auto-generated types
	def autoname(self):
		# the same key the set-based insert uses: a party is a member of a campaign once
		self.name = campaign_members.member_name(self.campaign, self.party_type, self.party)

	def validate(self):
		check_field_values(self)
		if self.is_new() and frappe.db.exists(self.doctype, self.name):
			# its name is its key: Frappe would retry the insert as for a random name, then fail
			frappe.throw(
				_("{0} {1} is already a member of campaign {2}").format(
					_(self.party_type), frappe.bold(self.party), frappe.bold(self.campaign)
				),
				frappe.DuplicateEntryError,
			)
		campaign_members.validate_member(self)


def on_doctype_update():
	frappe.db.add_index("Campaign Member", ["campaign", "status"])
