# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMImportantDate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		date: DF.Date
		date_type: DF.Literal["Birthday", "Anniversary", "Contract Renewal", "Custom"]
		label: DF.Data | None
		last_reminded_on: DF.Date | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		remind: DF.Check
	# end: auto-generated types
	pass
