# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import campaigns


class CampaignMember(Document):
	def autoname(self):
		# the same key the set-based insert uses: a party is a member of a campaign once
		self.name = campaigns.member_name(self.campaign, self.party_type, self.party)

	def validate(self):
		campaigns.validate_member(self)


def on_doctype_update():
	frappe.db.add_index("Campaign Member", ["campaign", "status"])
