"""Complaint figures for the scoring job: open and recent complaints and the last satisfaction."""

import frappe

CLOSED_STATES = ("Resolved", "Closed")


def update_snapshot(params: dict):
	"""One UPDATE ... JOIN over Customer Complaint for the month's snapshot rows; the customers with
	complaints drive the join, through the snapshot's customer index."""
	frappe.db.sql(
		"""
		update (
			select customer,
				sum(status not in %(closed)s) as open_complaints,
				sum(creation >= %(activity_from)s) as recent_complaints,
				substring_index(group_concat(if(satisfaction > 0, satisfaction, null)
					order by modified desc separator ','), ',', 1) as last_satisfaction
			from `tabCustomer Complaint`
			where docstatus < 2 and creation < %(as_of)s + interval 1 day
			group by customer
		) c straight_join `tabCustomer Health Snapshot` s force index (customer) on s.customer = c.customer
		set s.open_complaints = c.open_complaints, s.recent_complaints = c.recent_complaints,
			s.last_satisfaction = ifnull(c.last_satisfaction, 0)
		where s.period = %(period)s
		""",
		{**params, "closed": CLOSED_STATES},
	)
