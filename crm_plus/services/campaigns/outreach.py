"""Reaching the members: an Email Group for newsletters, a call list for telemarketing."""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, today

from crm_plus.constants import CAMPAIGN_MEMBER
from crm_plus.domain import campaigns as rules


def sync_email_group(campaign_name: str) -> dict:
	"""Members with an email into an Email Group named after the campaign (for a Newsletter or an
	Email Campaign), with one INSERT ... SELECT; unsubscribed and bounced members are left out."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission("Email Group", "create", throw=True)
	group = frappe.db.get_value("Email Group", {"title": campaign.campaign_name}, "name")
	if not group:
		group = frappe.get_doc({"doctype": "Email Group", "title": campaign.campaign_name}).insert().name
	now, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		"""
		insert into `tabEmail Group Member` (name, email_group, email, unsubscribed,
			creation, modified, owner, modified_by, docstatus, idx)
		select md5(concat_ws('|', %(group)s, m.email_id)), %(group)s, m.email_id, 0,
			%(now)s, %(now)s, %(user)s, %(user)s, 0, 0
		from `tabCampaign Member` m
		where m.campaign = %(campaign)s and ifnull(m.email_id, '') != ''
			and m.status not in %(suppressed)s
			and not exists (select 1 from `tabEmail Group Member` g
				where g.email_group = %(group)s and g.email = m.email_id)
		group by m.email_id
		""",
		{"group": group, "campaign": campaign.name, "now": now, "user": user, "suppressed": rules.SUPPRESSED},
	)
	count = frappe.db.count("Email Group Member", {"email_group": group})
	frappe.db.set_value("Email Group", group, "total_subscribers", count, update_modified=False)
	return {"email_group": group, "members": count}


# Members assigned within the request; a longer call list is assigned by a background job (Frappe's
# assignment costs about 22 queries and a notification per member, some 25 ms: 5,000 members take
# about two minutes, 100 about 2.5 s).
CALL_LIST_IN_REQUEST = 100


def make_call_list(campaign_name: str, users: list[str], due_date=None) -> dict:
	"""Telemarketing: a call assignment for each targeted member without an open one, dealt round-robin
	to the users through Frappe's assignment (the ToDo, the document's `_assign`, the assignee's
	notification and share). Members stay Targeted: logging an outbound interaction with the campaign
	makes them Contacted (`members.record_interaction`). Up to CALL_LIST_IN_REQUEST members are
	assigned at once; a longer list goes to one background job (one per campaign at a time).
	Returns {"assigned": n} or {"queued": n}."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission(CAMPAIGN_MEMBER, "write", throw=True)  # assigning the members
	users = list(dict.fromkeys(users or []))
	if not users:
		frappe.throw(_("Choose at least one user for the call list"), frappe.MandatoryError)
	unknown = set(users) - set(
		frappe.get_all("User", filters={"name": ("in", users), "enabled": 1}, pluck="name")
	)
	if unknown:
		frappe.throw(_("Unknown or disabled users: {0}").format(", ".join(sorted(unknown))))
	if frappe.get_system_settings("disable_document_sharing"):
		# Frappe shares a document with an assignee who may not read it, unless sharing is off
		blind = [u for u in users if not frappe.has_permission(CAMPAIGN_MEMBER, "read", user=u)]
		if blind:
			frappe.throw(
				_("These users may not read Campaign Members: {0}").format(", ".join(sorted(blind))),
				title=_("Missing Permission"),
			)
	due = str(getdate(due_date or campaign.crm_end_date or today()))
	pending = len(members_to_call(campaign.name))
	if pending <= CALL_LIST_IN_REQUEST:
		return {"assigned": assign_calls(campaign.name, users, due), "queued": 0}
	now = bool(frappe.flags.in_test)
	frappe.enqueue(
		"crm_plus.services.campaigns.outreach.assign_calls",
		queue="long",
		timeout=3600,
		job_id=f"crm_plus:call_list:{campaign.name}",
		deduplicate=not now,  # a second click while the job runs assigns nobody twice
		enqueue_after_commit=True,
		now=now,
		campaign_name=campaign.name,
		users=users,
		due_date=due,
	)
	return {"assigned": 0, "queued": pending}


def members_to_call(campaign_name: str) -> list:
	"""Targeted members of the campaign with no open assignment, in a stable order."""
	return frappe.db.sql(
		"""
		select m.name, m.party_name from `tabCampaign Member` m
		where m.campaign = %(campaign)s and m.status = %(targeted)s
			and not exists (select 1 from `tabToDo` t
				where t.reference_type = %(doctype)s and t.reference_name = m.name and t.status = %(open)s)
		order by m.name
		""",
		{"campaign": campaign_name, "targeted": rules.TARGETED, "doctype": CAMPAIGN_MEMBER, "open": "Open"},
		as_dict=True,
	)


def assign_calls(campaign_name: str, users: list[str], due_date: str) -> int:
	"""Assign each member still to call to the users in turn, through Frappe's assignment; the member
	keeps the ToDo in `call_todo`. Idempotent: a member with an open assignment is skipped. Run in the
	request for a short list, as a background job (as the user who asked) for a long one."""
	from frappe.desk.form.assign_to import add as assign

	members = members_to_call(campaign_name)
	if not members:
		return 0
	title = frappe.db.get_value("Campaign", campaign_name, "campaign_name") or campaign_name
	me = frappe.session.user
	links = []
	for i, member in enumerate(members):
		user = users[i % len(users)]
		assigned = assign(
			{
				"assign_to": [user],
				"doctype": CAMPAIGN_MEMBER,
				"name": member.name,
				"description": _("Call {0} for campaign {1}").format(member.party_name, title),
				"date": due_date,
				"priority": "Medium",
				"assigned_by": me,
			},
			ignore_permissions=True,  # the campaign and the members were checked by make_call_list
		)
		todo = next((row.name for row in assigned if row.owner == user), None)
		if todo:
			links.append((member.name, todo))
	for start in range(0, len(links), 500):
		chunk = links[start : start + 500]
		frappe.db.sql(
			f"""update `tabCampaign Member` set call_todo = case name {" ".join(["when %s then %s"] * len(chunk))}
				end where name in ({", ".join(["%s"] * len(chunk))})""",
			[v for pair in chunk for v in pair] + [name for name, _todo in chunk],
		)
	return len(links)
