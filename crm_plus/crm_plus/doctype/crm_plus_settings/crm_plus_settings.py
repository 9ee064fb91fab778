# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values


class CRMPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attribution_model: DF.Literal["Last Touch", "First Touch", "Linear"]
		attribution_window_days: DF.Int
		auto_open_band: DF.Literal["Medium", "High", "Critical"]
		auto_open_plans: DF.Check
		band_critical: DF.Int
		band_high: DF.Int
		band_medium: DF.Int
		campaign_approval_threshold: DF.Currency
		capture_call_logs: DF.Check
		capture_emails: DF.Check
		capture_events: DF.Check
		control_group_percent: DF.Percent
		default_gap_days: DF.Int
		default_plan_owner: DF.Link | None
		enable_sales_hooks: DF.Check
		escalate_to_crm_manager_percent: DF.Percent
		escalate_to_manager_percent: DF.Percent
		fill_campaign_in_sales_documents: DF.Check
		important_date_reminder_days: DF.Int
		last_scoring_finished: DF.Datetime | None
		last_scoring_rows: DF.Int
		last_scoring_started: DF.Datetime | None
		new_customer_days: DF.Int
		plan_window_days: DF.Int
		profit_period_years: DF.Literal["1", "2"]
		rescore_on_change: DF.Check
		roi_basis: DF.Literal["Margin", "Revenue"]
		satisfaction_link_days: DF.Int
		satisfaction_survey: DF.Check
		scoring_chunk_size: DF.Int
		scoring_recent_days: DF.Int
		scoring_workers: DF.Int
		sla_warn_percent: DF.Percent
		submit_remedies: DF.Check
		suppress_open_complaints: DF.Check
		suppress_overdue: DF.Check
		warn_duplicate_parties: DF.Check
		weight_complaints: DF.Int
		weight_negative_interactions: DF.Int
		weight_overdue_gap: DF.Int
		weight_overdue_receivables: DF.Int
		weight_returns_ratio: DF.Int
		weight_revenue_trend: DF.Int

	# end: auto-generated types
	def validate(self):
		check_field_values(self)
