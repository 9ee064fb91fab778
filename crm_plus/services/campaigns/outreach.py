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


def make_call_list(campaign_name: str, users: list[str], due_date=None) -> int:
	"""Telemarketing: one assignment (ToDo) per targeted member without one, dealt round-robin to the
	users; one bulk insert."""
	campaign = frappe.get_doc("Campaign", campaign_name)
	campaign.check_permission("write")
	frappe.has_permission(CAMPAIGN_MEMBER, "write", throw=True)  # members move to Contacted
	if not users:
		frappe.throw(_("Choose at least one user for the call list"), frappe.MandatoryError)
	unknown = set(users) - set(
		frappe.get_all("User", filters={"name": ("in", users), "enabled": 1}, pluck="name")
	)
	if unknown:
		frappe.throw(_("Unknown or disabled users: {0}").format(", ".join(sorted(unknown))))
	member = frappe.qb.DocType(CAMPAIGN_MEMBER)
	members = (
		frappe.qb.from_(member)
		.select(member.name, member.party_name)
		.where(
			(member.campaign == campaign.name) & (member.status == rules.TARGETED) & member.call_todo.isnull()
		)
		.orderby(member.name)
		.run(as_dict=True)
	)
	if not members:
		return 0
	now, me = now_datetime(), frappe.session.user
	due = getdate(due_date or campaign.crm_end_date or today())
	rows, links = [], []
	for i, m in enumerate(members):
		todo = frappe.generate_hash(length=10)
		user = users[i % len(users)]
		rows.append(
			(
				todo,
				user,
				me,
				"Open",
				"Medium",
				due,
				CAMPAIGN_MEMBER,
				m.name,
				_("Call {0} for campaign {1}").format(m.party_name, campaign.campaign_name),
				now,
				now,
				me,
				me,
			)
		)
		links.append((m.name, todo))
	frappe.db.bulk_insert(
		"ToDo",
		[
			"name",
			"allocated_to",
			"assigned_by",
			"status",
			"priority",
			"date",
			"reference_type",
			"reference_name",
			"description",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		rows,
	)
	frappe.db.sql(
		f"""update `tabCampaign Member` set call_todo = case name {" ".join(["when %s then %s"] * len(links))} end,
			status = %s where name in ({", ".join(["%s"] * len(links))})""",
		[v for pair in links for v in pair] + [rules.CONTACTED] + [name for name, _todo in links],
	)
	return len(members)
