# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CustomerComplaintRemedy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		document_status: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		remedy_type: DF.Literal["Credit Note", "Refund", "Replacement"]
	# end: auto-generated types
	pass
