import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, today

from crm_plus.crm_plus.report.crm_team_leaderboard.crm_team_leaderboard import execute
from crm_plus.tests.utils import create_customer, create_user


class TestCRMTeamLeaderboard(FrappeTestCase):
	@change_settings("Energy Point Settings", enabled=1)
	def test_counts_and_ranking_with_energy_points(self):
		customer = create_customer("_Test Leaderboard Customer")
		busy = create_user("crm-busy-rep@example.com", "Sales User")
		quiet = create_user("crm-quiet-rep@example.com", "Sales User")
		for user, count in ((busy, 3), (quiet, 1)):
			for i in range(count):
				doc = frappe.get_doc(
					{
						"doctype": "Customer Interaction",
						"party_type": "Customer",
						"party": customer,
						"subject": f"Call {i}",
						"user": user,
						"next_follow_up_on": add_days(today(), 1),
						"follow_up_by": user,
					}
				).insert()
				if user == busy and i == 0:
					doc.complete_follow_up("done early")
		_c, rows, _m, chart, _s = execute({"from_date": add_days(today(), -1), "to_date": today()})
		by_user = {r["user"]: r for r in rows}
		self.assertEqual((by_user[busy]["interactions"], by_user[busy].get("follow_ups_on_time")), (3, 1))
		self.assertEqual(by_user[quiet]["interactions"], 1)
		self.assertLess(by_user[busy]["rank"], by_user[quiet]["rank"])
		# the shipped Energy Point Rules reward logging and the on-time follow-up
		self.assertGreaterEqual(by_user[busy].get("energy_points", 0), 3 * 2 + 3)
		self.assertTrue(chart)

	def test_complaints_count_when_resolved_by_their_deadline(self):
		"""Resolved within SLA is the resolution time against the deadline, not the absence of a breach
		flag: a complaint resolved late before the 15-minute watch noticed does not count."""
		import datetime

		from frappe.model.workflow import apply_workflow

		from crm_plus.crm_plus.doctype.customer_complaint.test_customer_complaint import (
			ensure_sla,
			make_complaint,
		)

		ensure_sla()  # opened Friday 1 March 2030 15:00: resolution due Wednesday 6 March 15:00
		customer = create_customer("_Test Leaderboard Complaint Customer")
		agent = create_user("crm-leaderboard-agent@example.com", "Customer Service Agent")
		for resolved_at in (datetime.datetime(2030, 3, 6, 14, 0), datetime.datetime(2030, 3, 6, 15, 30)):
			doc = make_complaint(customer, assigned_to=agent, resolution_type="Explanation")
			frappe.flags.current_time = resolved_at
			try:
				apply_workflow(frappe.get_doc("Customer Complaint", doc.name), "Resolve on First Contact")
			finally:
				frappe.flags.current_time = None
		_c, rows, _m, _chart, _s = execute({"from_date": "2030-03-01", "to_date": "2030-03-31"})
		by_user = {r["user"]: r for r in rows}
		self.assertEqual(by_user[agent].get("complaints_within_sla"), 1)
