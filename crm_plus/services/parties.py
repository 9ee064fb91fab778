"""Who a party is: the customer of a contact, a lead or a prospect, and the customers a list of links
names. Every crm_plus capability resolves parties here."""

import frappe


def customer_of_contact(contact):
	"""The customer a contact belongs to (its first Customer link)."""
	return frappe.db.get_value(
		"Dynamic Link", {"parenttype": "Contact", "parent": contact, "link_doctype": "Customer"}, "link_name"
	)


def customer_of(party_type, party):
	"""The customer a party is or became: a customer itself, the customer made from a lead or prospect,
	the customer of a contact."""
	if party_type == "Customer":
		return party
	if party_type == "Lead":
		return frappe.db.get_value("Customer", {"lead_name": party}, "name")
	if party_type == "Prospect":
		return frappe.db.get_value("Customer", {"prospect_name": party}, "name")
	if party_type == "Contact":
		return customer_of_contact(party)


def contact_belongs_to(contact, customer) -> bool:
	return bool(
		frappe.db.exists(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer", "link_name": customer},
		)
	)


def customers_of_links(links) -> list[tuple[str, str | None]]:
	"""(customer, contact) pairs named by a list of (doctype, name) links: customers directly, and the
	customers of linked contacts. Two queries at most, whatever the number of links."""
	customers = {name for doctype, name in links if doctype == "Customer" and name}
	contacts = {name for doctype, name in links if doctype == "Contact" and name}
	result = {customer: None for customer in customers}
	if contacts:
		for row in frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
			fields=["parent", "link_name"],
			order_by="idx asc",
		):
			if result.get(row.link_name) is None:
				result[row.link_name] = row.parent
	if result:
		existing = set(frappe.get_all("Customer", filters={"name": ("in", list(result))}, pluck="name"))
		result = {c: contact for c, contact in result.items() if c in existing}
	return sorted(result.items())


def customer_by_email(email):
	"""(contact, customer) of the contact with this email address; (None, None) when none has it."""
	contact = frappe.db.get_value("Contact Email", {"email_id": email, "parenttype": "Contact"}, "parent")
	return contact, customer_of_contact(contact) if contact else None
