# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMGoalMeasurement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		measured_on: DF.Date
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		progress: DF.Percent
		value: DF.Float
	# end: auto-generated types
	pass
