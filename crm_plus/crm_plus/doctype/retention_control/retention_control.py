# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values


class RetentionControl(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link
		customer: DF.Link
		end_date: DF.Date
		retained_revenue: DF.Currency
		risk_score: DF.Int
		start_date: DF.Date
		status: DF.Literal["Open", "Won Back", "Lost"]
		won_back_on: DF.Date | None

	# end: auto-generated types
	def validate(self):
		check_field_values(self)
