# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values


class CustomerHealthSnapshot(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link
		customer: DF.Link
		first_purchase: DF.Date | None
		frequency: DF.Int
		gross_profit: DF.Currency
		is_main_company: DF.Check
		last_purchase: DF.Date | None
		last_satisfaction: DF.Int
		monetary: DF.Currency
		negative_interactions: DF.Int
		open_complaints: DF.Int
		outstanding: DF.Currency
		overdue: DF.Currency
		period: DF.Data
		profit_rank: DF.Int
		purchase_days: DF.Int
		reasons: DF.SmallText | None
		recency_days: DF.Int
		recent_complaints: DF.Int
		returns_amount: DF.Currency
		revenue_previous: DF.Currency
		revenue_recent: DF.Currency
		rfm: DF.Data | None
		risk_band: DF.Data | None
		risk_score: DF.Int
		scored_on: DF.Date
		segment: DF.Data | None
		usual_gap_days: DF.Float
		value_class: DF.Data | None

	# end: auto-generated types
	def validate(self):
		check_field_values(self)
