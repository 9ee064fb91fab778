# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services import retention
from crm_plus.services.field_values import check_field_values


class RetentionPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_plus.doctype.retention_plan_action.retention_plan_action import RetentionPlanAction

		actions: DF.Table[RetentionPlanAction]
		budget: DF.Currency
		closed_on: DF.Date | None
		company: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		end_date: DF.Date | None
		goal: DF.SmallText | None
		lost_reason: DF.SmallText | None
		naming_series: DF.Literal["CRM-RET-.YYYY.-"]
		obstacles: DF.SmallText | None
		plan_owner: DF.Link
		retained_revenue: DF.Currency
		risk_band: DF.Data | None
		risk_reasons: DF.SmallText | None
		risk_score: DF.Int
		segment: DF.Data | None
		source: DF.Literal["Manual", "Automatic"]
		start_date: DF.Date
		status: DF.Literal["Draft", "Active", "Won Back", "Lost", "Cancelled"]
		strategy: DF.TextEditor | None
		window_days: DF.Int
		won_back_invoice: DF.Link | None
		won_back_on: DF.Date | None

	# end: auto-generated types
	def validate(self):
		check_field_values(self)
		retention.validate(self)

	def on_update(self):
		retention.sync_actions(self)
