"""REST methods about customers: `/api/method/crm_plus.api.customer.<method>`."""

import frappe

from crm_plus.services import customer_360


@frappe.whitelist(methods=["GET"])
def get_360(
	customer: str, kinds: str | list | None = None, before: str | None = None, limit: int = 50
) -> dict:
	"""Key figures and one timeline page for a customer.

	`kinds` filters the timeline (a list or comma-separated: interaction, quotation, sales_order,
	sales_invoice, credit_note, payment, ...); `before` is the `next_cursor` of the previous page.
	"""
	return customer_360.get_360(customer, kinds=kinds, before=before, limit=limit)
