# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RetentionPlanAction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action_type: DF.Literal[
			"Call", "Visit", "Offer", "Loyalty Enrolment", "Account Review", "Email Sequence", "Other"
		]
		description: DF.SmallText | None
		due_date: DF.Date
		outcome: DF.SmallText | None
		owner_user: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		status: DF.Literal["Open", "Done", "Cancelled"]
		todo: DF.Link | None
	# end: auto-generated types
	pass
