# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate

from crm_plus.domain.attribution import MODELS, totals_by_currency
from crm_plus.services.campaigns import figures as campaign_figures
from crm_plus.services.permissions import check_company


def execute(filters=None):
	"""A row per campaign and company it sold in (its own company first), in that company's currency:
	budget, cost, members, responses, conversions, revenue net of credit notes, paid, outstanding,
	margin, attributed revenue from untagged invoices, and ROI. The campaign's budget and members are
	on its first row only. The same dozen queries for any number of campaigns; totals per currency."""
	filters = frappe._dict(filters or {})
	frappe.has_permission("Campaign", "read", throw=True)
	frappe.has_permission("Sales Invoice", "read", throw=True)
	if filters.model and filters.model not in MODELS:
		frappe.throw(_("Attribution must be one of {0}").format(", ".join(MODELS)))
	conditions = {}
	if filters.company:
		conditions["crm_company"] = filters.company
	if filters.status:
		conditions["crm_status"] = filters.status
	if filters.from_date and filters.to_date:
		conditions["crm_start_date"] = ("between", (getdate(filters.from_date), getdate(filters.to_date)))
	names = frappe.get_list(
		"Campaign", filters=conditions, pluck="name", order_by="crm_start_date desc, name"
	)
	if filters.company:
		check_company(filters.company)
	allowed = campaign_figures.permitted_companies()  # rows of other companies stay hidden
	rows = []
	figures = campaign_figures.figures_of(names, model=filters.model)  # a fixed number of queries for all
	for name in names:
		f = figures[name]
		members = f["members"]
		first = True
		for c in f["companies"]:
			if filters.company and c["company"] != filters.company:
				continue
			if allowed is not None and c["company"] and c["company"] not in allowed:
				continue
			rows.append(
				{
					"campaign": name,
					"company": c["company"],
					"currency": c["currency"],
					"budget_currency": f["currency"],
					"budget": f["budget"] if first else None,
					"cost": c["cost"],
					"members": members["targeted"] if first else None,
					"responded": members["responded"] if first else None,
					"response_rate": f["response_rate"] if first else None,
					"converted": members["converted"] if first else None,
					"revenue": c["revenue"],
					"paid": c["paid"],
					"outstanding": c["outstanding"],
					"margin": c["margin"],
					"attributed_revenue": c["attributed_revenue"],
					"roi": float(c["roi"] * 100) if c["roi"] is not None else None,
				}
			)
			first = False
	return columns(), rows, None, chart(rows), summary(rows)


def columns():
	def currency(fieldname, label, options="currency"):
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Currency",
			"options": options,
			"width": 120,
		}

	return [
		{
			"fieldname": "campaign",
			"label": _("Campaign"),
			"fieldtype": "Link",
			"options": "Campaign",
			"width": 200,
		},
		# Data, not Links: Frappe would then require every reader of the report to read Company and
		# Currency (it narrows a report's rows by the user's permissions on each linked doctype)
		{"fieldname": "company", "label": _("Company"), "fieldtype": "Data", "width": 160},
		{"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "width": 80},
		{"fieldname": "budget_currency", "label": _("Budget Currency"), "fieldtype": "Data", "hidden": 1},
		currency("budget", _("Budget"), "budget_currency"),
		currency("cost", _("Cost")),
		{"fieldname": "members", "label": _("Members"), "fieldtype": "Int", "width": 90},
		{"fieldname": "responded", "label": _("Responses"), "fieldtype": "Int", "width": 100},
		{"fieldname": "response_rate", "label": _("Response Rate"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "converted", "label": _("Conversions"), "fieldtype": "Int", "width": 100},
		currency("revenue", _("Revenue")),
		currency("paid", _("Paid")),
		currency("outstanding", _("Outstanding")),
		currency("margin", _("Margin")),
		currency("attributed_revenue", _("Attributed (untagged)")),
		{"fieldname": "roi", "label": _("ROI"), "fieldtype": "Percent", "width": 100},
	]


def chart(rows):
	rows = [r for r in rows if r["roi"] is not None]
	if not rows:
		return None
	several = len({r["company"] for r in rows}) > 1
	return {
		"data": {
			"labels": [f"{r['campaign']} ({r['company']})" if several else r["campaign"] for r in rows],
			"datasets": [{"name": _("ROI %"), "values": [round(r["roi"], 1) for r in rows]}],
		},
		"type": "bar",
		"fieldtype": "Percent",  # the axis and tooltips read as percentages, never as money
	}


def summary(rows):
	"""Totals per currency: amounts of companies in different currencies are never added."""
	items = []
	totals = totals_by_currency(rows, ("cost", "revenue", "attributed_revenue"))
	for currency, total in totals.items():
		suffix = f" ({currency})" if len(totals) > 1 and currency else ""
		items += [
			{
				"value": total["cost"],
				"label": _("Total Cost") + suffix,
				"datatype": "Currency",
				"currency": currency,
			},
			{
				"value": total["revenue"] + total["attributed_revenue"],
				"label": _("Revenue incl. Attributed") + suffix,
				"datatype": "Currency",
				"currency": currency,
				"indicator": "Green",
			},
		]
	return items
