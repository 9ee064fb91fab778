"""The SLA watch that ERPNext lacks: every 15 minutes, per stage (first response, resolution), breaches
recorded, assignees warned and complaints escalated along the chain. Deadlines come from ERPNext's
Service Level Agreement; the arithmetic and the escalation rules from `crm_plus.domain.sla`."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime

from crm_plus.constants import CUSTOMER_COMPLAINT
from crm_plus.domain import sla
from crm_plus.services import jobs
from crm_plus.services.assignments import open_todo, users_with_role
from crm_plus.services.settings import get_settings

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def calendar_for(agreement: str) -> sla.BusinessCalendar:
	"""ERPNext's Service Level Agreement working hours and holiday list as a domain calendar."""
	hours: dict[int, list] = {}
	for row in frappe.get_all(
		"Service Day",
		filters={"parent": agreement, "parenttype": "Service Level Agreement"},
		fields=["workday", "start_time", "end_time"],
	):
		hours.setdefault(WEEKDAYS.index(row.workday), []).append((_time(row.start_time), _time(row.end_time)))
	holiday_list = frappe.db.get_value("Service Level Agreement", agreement, "holiday_list")
	holidays = (
		frozenset(
			getdate(d)
			for d in frappe.get_all("Holiday", filters={"parent": holiday_list}, pluck="holiday_date")
		)
		if holiday_list
		else frozenset()
	)
	return sla.BusinessCalendar(hours=hours, holidays=holidays)


def _time(value) -> time:
	if isinstance(value, timedelta):
		seconds = int(value.total_seconds())
		return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60) if seconds < 86400 else time(0)
	return value if isinstance(value, time) else get_datetime(f"2000-01-01 {value}").time()


# The escalation chain's shares, as CRM Plus Settings names them, level by level (1: warn the assignee,
# 2: the Customer Service Manager, 3: the CRM Manager); the roles and default shares are the domain's.
CHAIN_SETTINGS = ("sla_warn_percent", "escalate_to_manager_percent", "escalate_to_crm_manager_percent")


def escalation_chain() -> list[sla.EscalationLevel]:
	"""`sla.DEFAULT_ESCALATION_CHAIN` with the shares set in CRM Plus Settings."""
	settings = get_settings()
	chain = [
		sla.EscalationLevel(
			level.level,
			level.role_or_user,
			Decimal(str(flt(settings.get(field)))) / 100 if flt(settings.get(field)) else level.at_share,
		)
		for level, field in zip(sla.DEFAULT_ESCALATION_CHAIN, CHAIN_SETTINGS, strict=True)
	]
	try:
		sla.validate_chain(chain)
	except ValueError as e:
		frappe.throw(_("The escalation shares in CRM Plus Settings are invalid: {0}").format(str(e)))
	return chain


# Each stage's record on the complaint: its escalation level and its breach (the deadline it missed).
STAGE_FIELDS = {
	sla.RESPONSE: ("response_by", "response_escalation_level", "response_breached_on"),
	sla.RESOLUTION: ("sla_resolution_by", "resolution_escalation_level", "resolution_breached_on"),
}


def missed_at(agreement: str | None, start, deadline) -> datetime:
	"""When a clock started at `start` ran out of working time against `deadline`: the deadline itself
	when it falls in working hours, else the last working moment before it (ERPNext pushes a deadline
	back by the hold time in calendar time)."""
	start, deadline = get_datetime(start), get_datetime(deadline)
	cal = calendar_for(agreement) if agreement else None
	if not cal or not cal.has_working_time or deadline <= start:
		return deadline
	return sla.clock_runs_out_at(start, sla.business_seconds_between(start, deadline, cal), cal) or deadline


@jobs.background_job("sla_watch")
def check_slas(now: datetime | None = None) -> dict:
	"""Scheduled (every 15 minutes): per stage (first response, resolution), warn the assignee, escalate
	along the chain and record the breach, each stage with its own level and record. One read of the
	open complaints; a write only for those that change.

	Crash-safe and idempotent: each complaint that changes is one step (`jobs.step`), committed with its
	notifications, ToDo, comment and status together with the levels and breaches that record them, so
	a run killed at any point left each complaint either done or untouched, and the next run (which
	reads the recorded levels) notifies only what was not recorded. One run at a time (`jobs`' lease)."""
	now = get_datetime(now or now_datetime())
	if not frappe.get_meta(CUSTOMER_COMPLAINT).has_field("service_level_agreement"):
		return {"breached": 0, "warned": 0, "escalated": 0}  # no Service Level Agreement set up yet
	rows = frappe.get_all(
		CUSTOMER_COMPLAINT,
		filters={"status": ("in", sorted(sla.OPEN_STATES)), "service_level_agreement": ("is", "set")},
		fields=[
			"name",
			"subject",
			"status",
			"assigned_to",
			"service_level_agreement",
			"service_level_agreement_creation",
			"creation",
			"first_responded_on",
			"on_hold_since",
			"sla_breach",
			*(field for fields in STAGE_FIELDS.values() for field in fields),
		],
	)
	jobs.handled(len(rows))
	chain = escalation_chain()
	calendars: dict[str, sla.BusinessCalendar] = {}
	counts = {"breached": 0, "warned": 0, "escalated": 0}
	for row in rows:
		stages = sla.stages_to_watch(
			row.status,
			on_hold=bool(row.on_hold_since),  # the clock is paused while we wait for the customer
			responded=bool(row.first_responded_on),
			has_response_deadline=bool(row.response_by),
			has_resolution_deadline=bool(row.sla_resolution_by),
		)
		if not stages:
			continue
		cal = calendars.get(row.service_level_agreement) or calendars.setdefault(
			row.service_level_agreement, calendar_for(row.service_level_agreement)
		)
		if not cal.has_working_time:
			continue
		start = get_datetime(row.service_level_agreement_creation or row.creation)
		updates, breaches = {}, {}
		for stage in stages:
			due_field, level_field, breach_field = STAGE_FIELDS[stage]
			evaluation = sla.evaluate(
				start, get_datetime(row[due_field]), now, cal, warn_share=chain[0].at_share
			)
			step = sla.watch_stage(chain, cint(row[level_field]), evaluation, bool(row[breach_field]))
			if step.breached:
				# stamped with the moment the clock ran out, not with when this job noticed
				breaches[stage] = sla.clock_runs_out_at(start, evaluation.target_seconds, cal)
				updates[breach_field] = breaches[stage]
				counts["breached"] += 1
			if step.level:
				updates[level_field] = row[level_field] = step.level.level
				_escalate(row, step.level, evaluation, stage)
				counts["warned" if step.level.role_or_user == sla.ASSIGNEE else "escalated"] += 1
				updates["sla_warning_sent"] = 1
		first = sla.first_breach(breaches)
		if first and not row.sla_breach:
			updates["sla_breach"], updates["sla_breached_on"] = first  # the stage that breached first
		if updates:
			updates["escalation_level"] = max(cint(row[STAGE_FIELDS[s][1]]) for s in STAGE_FIELDS)
			# `modified` moves, so that a form opened before this write is not saved over it
			frappe.db.set_value(CUSTOMER_COMPLAINT, row.name, updates)
			jobs.step()  # the complaint's effects and the levels that record them, committed together
	return counts


def _escalate(row, level, evaluation, stage):
	share = int(evaluation.share * 100)
	if level.role_or_user == sla.ASSIGNEE:
		recipients = [row.assigned_to] if row.assigned_to else []
		subject = _("Complaint {0}: {1}% of the {2} time used").format(row.name, share, _(stage).lower())
	else:
		recipients = users_with_role(level.role_or_user)
		subject = _("Complaint {0} escalated to {1}: {2}% of the {3} time used").format(
			row.name, _(level.role_or_user), share, _(stage).lower()
		)
		if recipients:
			open_todo(CUSTOMER_COMPLAINT, row.name, recipients[0], getdate(), subject)
		if row.status != sla.ESCALATED and row.status in sla.OPEN_STATES:
			doc = frappe.get_doc(CUSTOMER_COMPLAINT, row.name)
			doc.status = sla.ESCALATED
			doc.add_comment("Info", subject)
			doc.flags.ignore_permissions = True
			doc.save()
			row.status = sla.ESCALATED  # the other stage, in the same run, escalates no further
	for user in recipients:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": CUSTOMER_COMPLAINT,
				"document_name": row.name,
				"subject": subject,
			}
		).insert(ignore_permissions=True)
