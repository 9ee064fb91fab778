# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from crm_plus.services.field_values import check_field_values


class CRMJobHealth(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		duration: DF.Float
		error: DF.SmallText | None
		error_log: DF.Link | None
		failing_since: DF.Datetime | None
		job: DF.Data | None
		job_key: DF.Data | None
		last_finished: DF.Datetime | None
		last_started: DF.Datetime | None
		last_success: DF.Datetime | None
		method: DF.Data | None
		notified: DF.Check
		rows_handled: DF.Int
		run_id: DF.Data | None
		status: DF.Literal["", "Running", "OK", "Failed"]
	# end: auto-generated types
	"""Written by the jobs themselves (crm_plus.services.jobs); read-only in Desk."""

	def validate(self):
		# an admin (or a fuzzer) editing over REST gets a 417 for a malformed value, never a 500
		check_field_values(self)
