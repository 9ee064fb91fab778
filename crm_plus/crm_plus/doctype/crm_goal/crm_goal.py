# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from crm_plus.services import goals
from crm_plus.services.field_values import check_field_values


class CRMGoal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_plus.doctype.crm_goal_measurement.crm_goal_measurement import CRMGoalMeasurement

		company: DF.Link
		current_value: DF.Float
		direction: DF.Literal["Higher", "Lower"]
		goal_name: DF.Data
		goal_owner: DF.Link
		last_measured_on: DF.Datetime | None
		measurements: DF.Table[CRMGoalMeasurement]
		metric: DF.Literal[
			"repurchase_rate",
			"retention_rate",
			"churn_rate",
			"new_customer_return_rate",
			"top20_revenue_share",
			"average_satisfaction",
			"sla_compliance",
			"average_resolution_hours",
			"campaign_roi",
			"interactions_per_active_customer",
		]
		period_end: DF.Date
		period_start: DF.Date
		progress: DF.Percent
		status: DF.Literal["Not Measured", "On Track", "At Risk", "Achieved", "Missed"]
		target: DF.Float

	# end: auto-generated types
	def validate(self):
		check_field_values(self)
		goals.validate(self)

	@frappe.whitelist()
	def measure_now(self):
		# the stored goal, not this object: run_doc_method can build it from values the caller sent
		frappe.get_doc(self.doctype, self.name).check_permission("write")
		goals.measure(self.name)
