# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMCampaignCost(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		cost_type: DF.Literal["Media", "Agency", "Event", "Print", "Incentives", "Other"]
		date: DF.Date
		description: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
