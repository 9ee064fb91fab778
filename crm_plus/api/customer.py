"""REST methods about customers: `/api/method/crm_plus.api.customer.<method>`."""

import frappe

from crm_plus.api import require
from crm_plus.services import customer_360


@frappe.whitelist(methods=["GET"])
@frappe.read_only()  # from a read replica when the site has one (read_from_replica)
def get_360(
	customer: str | None = None, kinds: str | list | None = None, before: str | None = None, limit: int = 50
) -> dict:
	"""Key figures and one timeline page for a customer.

	`kinds` filters the timeline (a list or comma-separated: interaction, quotation, sales_order,
	sales_invoice, credit_note, payment, ...); `before` is the `next_cursor` of the previous page.
	"""
	require(customer=customer)
	return customer_360.get_360(customer, kinds=kinds, before=before, limit=limit)
