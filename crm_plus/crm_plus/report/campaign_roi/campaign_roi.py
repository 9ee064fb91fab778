# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate

from crm_plus.domain.attribution import MODELS
from crm_plus.services.campaigns import figures as campaign_figures


def execute(filters=None):
	"""Per campaign: budget, cost, members, responses, conversions, revenue net of credit notes, margin,
	attributed revenue from untagged invoices, and ROI. The same dozen queries for any number of
	campaigns."""
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
	rows = []
	figures = campaign_figures.figures_of(names, model=filters.model)  # a fixed number of queries for all
	for name in names:
		f = figures[name]
		members = f["members"]
		rows.append(
			{
				"campaign": name,
				"budget": f["budget"],
				"cost": f["cost"],
				"members": members["targeted"],
				"responded": members["responded"],
				"response_rate": f["response_rate"],
				"converted": members["converted"],
				"revenue": f["revenue"],
				"paid": f["paid"],
				"margin": f["margin"],
				"attributed_revenue": f["attributed_revenue"],
				"roi": float(f["roi"] * 100) if f["roi"] is not None else None,
			}
		)
	return columns(), rows, None, chart(rows), summary(rows)


def columns():
	currency = {"fieldtype": "Currency", "width": 120}
	return [
		{
			"fieldname": "campaign",
			"label": _("Campaign"),
			"fieldtype": "Link",
			"options": "Campaign",
			"width": 200,
		},
		{"fieldname": "budget", "label": _("Budget"), **currency},
		{"fieldname": "cost", "label": _("Cost"), **currency},
		{"fieldname": "members", "label": _("Members"), "fieldtype": "Int", "width": 90},
		{"fieldname": "responded", "label": _("Responses"), "fieldtype": "Int", "width": 100},
		{"fieldname": "response_rate", "label": _("Response Rate"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "converted", "label": _("Conversions"), "fieldtype": "Int", "width": 100},
		{"fieldname": "revenue", "label": _("Revenue"), **currency},
		{"fieldname": "paid", "label": _("Paid"), **currency},
		{"fieldname": "margin", "label": _("Margin"), **currency},
		{"fieldname": "attributed_revenue", "label": _("Attributed (untagged)"), **currency},
		{"fieldname": "roi", "label": _("ROI"), "fieldtype": "Percent", "width": 100},
	]


def chart(rows):
	rows = [r for r in rows if r["roi"] is not None]
	if not rows:
		return None
	return {
		"data": {
			"labels": [r["campaign"] for r in rows],
			"datasets": [{"name": _("ROI %"), "values": [round(r["roi"], 1) for r in rows]}],
		},
		"type": "bar",
	}


def summary(rows):
	cost = sum(r["cost"] for r in rows)
	revenue = sum(r["revenue"] + r["attributed_revenue"] for r in rows)
	return [
		{"value": cost, "label": _("Total Cost"), "datatype": "Currency"},
		{
			"value": revenue,
			"label": _("Revenue incl. Attributed"),
			"datatype": "Currency",
			"indicator": "Green",
		},
	]
