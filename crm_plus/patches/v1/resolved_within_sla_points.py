"""The energy point rule for resolving a complaint within its SLA read "no breach flag", which counted a
complaint resolved late between two runs of the watch, or on a site without an SLA, as in time. Point it
at the fact the server computes from the timestamps, unless an admin has changed the condition."""

import frappe

OLD = "doc.status == 'Resolved' and not doc.sla_breach"
NEW = "doc.status == 'Resolved' and doc.resolved_within_sla"


def execute():
	for name in frappe.get_all("Energy Point Rule", filters={"condition": OLD}, pluck="name"):
		frappe.db.set_value("Energy Point Rule", name, "condition", NEW, update_modified=False)
