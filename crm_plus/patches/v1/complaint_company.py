"""Complaints carry their company: from the invoice, order or delivery note they are about, else the
company of the customer's latest invoice, else the site's only company. Set-based."""

import frappe


def execute():
	frappe.db.sql(
		"""
		update `tabCustomer Complaint` c
		left join `tabSales Invoice` si on si.name = c.sales_invoice
		left join `tabSales Order` so on so.name = c.sales_order
		left join `tabDelivery Note` dn on dn.name = c.delivery_note
		set c.company = coalesce(si.company, so.company, dn.company)
		where ifnull(c.company, '') = '' and coalesce(si.company, so.company, dn.company) is not null
		"""
	)
	frappe.db.sql(
		"""
		update `tabCustomer Complaint` c
		join (
			select customer, substring_index(
				group_concat(company order by posting_date desc, creation desc separator '\\n'), '\\n', 1
			) as company
			from `tabSales Invoice` where docstatus = 1 group by customer
		) x on x.customer = c.customer
		set c.company = x.company
		where ifnull(c.company, '') = ''
		"""
	)
	companies = frappe.get_all("Company", pluck="name", limit=2)
	if len(companies) == 1:
		frappe.db.sql(
			"update `tabCustomer Complaint` set company = %s where ifnull(company, '') = ''", companies[0]
		)
