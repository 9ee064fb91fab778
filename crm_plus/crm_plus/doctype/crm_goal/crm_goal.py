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
		goal_name: DF.Data | None
		goal_owner: DF.Link
		last_measured_on: DF.Datetime | None
		measurements: DF.Table[CRMGoalMeasurement]
		metric: DF.Literal[
			"Repurchase Rate",
			"Retention Rate",
			"Churn Rate",
			"New Customer Return Rate",
			"Revenue Share of the Top 20% of Customers",
			"Average Satisfaction (1-5)",
			"Complaint SLA Compliance",
			"Average Resolution Time (Hours)",
			"Campaign ROI",
			"Interactions per Active Customer",
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
