# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.complaints import document as complaint_document
from crm_plus.services.field_values import check_field_values


class CustomerComplaint(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.crm_plus.doctype.customer_complaint_item.customer_complaint_item import (
			CustomerComplaintItem,
		)
		from crm_plus.crm_plus.doctype.customer_complaint_remedy.customer_complaint_remedy import (
			CustomerComplaintRemedy,
		)

		assigned_to: DF.Link | None
		category: DF.Literal["Product", "Delivery", "Invoice", "Service", "Other"]
		channel: DF.Literal["Desk", "Phone", "Email", "Portal", "Chat", "Visit", "API", "Other"]
		closed_on: DF.Datetime | None
		company: DF.Link | None
		compensation: DF.Currency
		contact: DF.Link | None
		corrective_action: DF.SmallText | None
		cost: DF.Currency
		customer: DF.Link | None
		customer_name: DF.Data | None
		delivery_note: DF.Link | None
		description: DF.TextEditor | None
		email_account: DF.Link | None
		escalation_level: DF.Int
		items: DF.Table[CustomerComplaintItem]
		naming_series: DF.Literal["CRM-CMP-.YYYY.-"]
		opened_on: DF.Datetime | None
		preventive_action: DF.SmallText | None
		raised_by: DF.Data | None
		remedies: DF.Table[CustomerComplaintRemedy]
		resolution: DF.Text | None
		resolution_breached_on: DF.Datetime | None
		resolution_escalation_level: DF.Int
		resolution_type: DF.Literal[
			"",
			"Explanation",
			"Replacement",
			"Repair",
			"Credit Note",
			"Refund",
			"Discount on Next Order",
			"Other",
		]
		resolved_on: DF.Datetime | None
		resolved_within_sla: DF.Check
		response_breached_on: DF.Datetime | None
		response_escalation_level: DF.Int
		root_cause_analysis: DF.Text | None
		root_cause_category: DF.Literal[
			"",
			"Product Defect",
			"Shipping Damage",
			"Wrong Item",
			"Late Delivery",
			"Billing Error",
			"Pricing",
			"Service Failure",
			"Communication",
			"Other",
		]
		sales_invoice: DF.Link | None
		sales_order: DF.Link | None
		satisfaction: DF.Int
		satisfaction_comment: DF.SmallText | None
		satisfaction_on: DF.Datetime | None
		satisfaction_requested_on: DF.Datetime | None
		satisfaction_token: DF.Data | None
		severity: DF.Literal["Minor", "Major", "Critical"]
		sla_breach: DF.Literal["", "First Response", "Resolution"]
		sla_breached_on: DF.Datetime | None
		sla_warning_sent: DF.Check
		status: DF.Literal[
			"New",
			"Acknowledged",
			"Investigating",
			"Awaiting Customer",
			"Escalated",
			"Resolved",
			"Closed",
			"Reopened",
		]
		subject: DF.Data
		times_reopened: DF.Int

	# end: auto-generated types
	def validate(self):
		check_field_values(self)
		complaint_document.validate(self)

	def before_save(self):
		complaint_document.before_save(self)

	def on_update(self):
		complaint_document.on_update(self)
