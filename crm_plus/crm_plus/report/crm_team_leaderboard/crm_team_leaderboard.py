# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, getdate

POINTS = {"interactions": 1, "follow_ups_on_time": 2, "complaints_within_sla": 3, "won_back": 5}


def execute(filters=None):
	"""Per user (and team, from the Employee's department): interactions logged, follow-ups done on
	time, complaints resolved within SLA, retention plans won back, and energy points earned. One
	aggregate query per measure."""
	filters = frappe._dict(filters or {})
	frappe.has_permission("Customer Interaction", "read", throw=True)
	start, end = getdate(filters.from_date), getdate(filters.to_date)
	if start > end:
		frappe.throw(_("From Date must be before To Date"))
	params = {"start": start, "end": add_days(end, 1)}
	measures = {
		"interactions": """select user as user, count(*) as n from `tabCustomer Interaction`
			where interaction_at >= %(start)s and interaction_at < %(end)s group by user""",
		"follow_ups_on_time": """select follow_up_by as user, count(*) as n from `tabCustomer Interaction`
			where follow_up_status = 'Done' and follow_up_on_time = 1
				and follow_up_done_on >= %(start)s and follow_up_done_on < %(end)s group by follow_up_by""",
		"complaints_within_sla": """select assigned_to as user, count(*) as n from `tabCustomer Complaint`
			where resolved_on >= %(start)s and resolved_on < %(end)s and resolved_within_sla = 1
				and assigned_to is not null group by assigned_to""",
		"won_back": """select plan_owner as user, count(*) as n from `tabRetention Plan`
			where status = 'Won Back' and won_back_on >= %(start)s and won_back_on < %(end)s group by plan_owner""",
		"energy_points": """select user as user, sum(points) as n from `tabEnergy Point Log`
			where creation >= %(start)s and creation < %(end)s and type in ('Auto', 'Appreciation')
				and reference_doctype in ('Customer Interaction', 'Customer Complaint', 'Retention Plan')
			group by user""",
	}
	rows: dict[str, dict] = {}
	for measure, sql in measures.items():
		for user, n in frappe.db.sql(sql, params):
			if user:
				rows.setdefault(user, {"user": user, **dict.fromkeys(measures, 0)})[measure] = n or 0
	departments = dict(
		frappe.get_all(
			"Employee",
			filters={"user_id": ("in", list(rows) or [""])},
			fields=["user_id", "department"],
			as_list=True,
		)
	)
	names = dict(
		frappe.get_all(
			"User", filters={"name": ("in", list(rows) or [""])}, fields=["name", "full_name"], as_list=True
		)
	)
	data = []
	for user, row in rows.items():
		row["full_name"] = names.get(user) or user  # people read names, not e-mail addresses
		row["department"] = departments.get(user)
		if filters.department and row["department"] != filters.department:
			continue
		row["score"] = sum(POINTS[k] * (row.get(k) or 0) for k in POINTS)
		data.append(row)
	data.sort(key=lambda r: (-r["score"], r["user"]))
	for rank, row in enumerate(data, start=1):
		row["rank"] = rank
	return columns(), data, None, chart(data), None


def columns():
	return [
		{"fieldname": "rank", "label": _("#"), "fieldtype": "Int", "width": 50},
		{"fieldname": "full_name", "label": _("Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{
			"fieldname": "department",
			"label": _("Team"),
			"fieldtype": "Link",
			"options": "Department",
			"width": 150,
		},
		{"fieldname": "interactions", "label": _("Interactions Logged"), "fieldtype": "Int", "width": 150},
		{
			"fieldname": "follow_ups_on_time",
			"label": _("Follow-ups on Time"),
			"fieldtype": "Int",
			"width": 150,
		},
		{
			"fieldname": "complaints_within_sla",
			"label": _("Complaints Resolved in SLA"),
			"fieldtype": "Int",
			"width": 190,
		},
		{"fieldname": "won_back", "label": _("Customers Won Back"), "fieldtype": "Int", "width": 150},
		{"fieldname": "energy_points", "label": _("Energy Points"), "fieldtype": "Int", "width": 120},
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Int", "width": 90},
	]


def chart(data):
	top = data[:10]
	if not top:
		return None
	return {
		"data": {
			"labels": [r["full_name"] for r in top],
			"datasets": [{"name": _("Score"), "values": [r["score"] for r in top]}],
		},
		"type": "bar",
	}
