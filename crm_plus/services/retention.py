"""Retention plans: validation, actions as assignments, automatic opening and the win-back verdict."""

from datetime import timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, today

from crm_plus.constants import HEALTH_SNAPSHOT, RETENTION_CONTROL, RETENTION_PLAN
from crm_plus.domain import winback
from crm_plus.domain.retention import HIGH_BANDS
from crm_plus.services import jobs
from crm_plus.services.assignments import open_todo, set_todo_status
from crm_plus.services.settings import get_settings

CONTROL_OPEN = winback.CONTROL_STATES[0]  # a control record still waiting for its outcome


# ---------------------------------------------------------------- the document


def validate(doc):
	if doc.is_new() or not doc.window_days:
		doc.window_days = doc.window_days or cint(get_settings().plan_window_days) or 90
	doc.end_date = add_days(doc.start_date, cint(doc.window_days))
	if doc.status in winback.OPEN_PLAN_STATES:
		other = frappe.db.get_value(
			RETENTION_PLAN,
			{
				"customer": doc.customer,
				"status": ("in", winback.OPEN_PLAN_STATES),
				"name": ("!=", doc.name or ""),
			},
			"name",
		)
		if other:
			frappe.throw(
				_("Customer {0} already has an open retention plan: {1}").format(
					frappe.bold(doc.customer), frappe.get_desk_link(RETENTION_PLAN, other)
				),
				frappe.DuplicateEntryError,
			)
	if doc.is_new() and doc.risk_score is None:
		snapshot = latest_snapshot(doc.customer, doc.company)
		if snapshot:
			doc.update(
				{
					"risk_score": snapshot.risk_score,
					"risk_band": snapshot.risk_band,
					"segment": snapshot.segment,
					"risk_reasons": snapshot.reasons,
				}
			)
	for action in doc.actions:
		if action.status == "Done" and not action.outcome:
			frappe.throw(_("Row {0}: describe the outcome of a done action").format(action.idx))
	if doc.status in winback.CLOSED_PLAN_STATES and not doc.closed_on:
		doc.closed_on = getdate(today())


def sync_actions(doc):
	"""Open actions of an active plan are assignments; done or cancelled ones close theirs."""
	for action in doc.actions:
		want_open = action.status == "Open" and doc.status == winback.ACTIVE
		todo_status = action.todo and frappe.db.get_value("ToDo", action.todo, "status")
		if want_open and todo_status != "Open":
			name = open_todo(
				RETENTION_PLAN,
				doc.name,
				action.owner_user,
				action.due_date,
				_("{0} for {1}: {2}").format(
					_(action.action_type), doc.customer_name or doc.customer, action.description or ""
				),
			)
			action.db_set("todo", name, update_modified=False)
		elif not want_open and todo_status == "Open":
			set_todo_status(action.todo, "Closed" if action.status == "Done" else "Cancelled")


def latest_snapshot(customer: str, company: str | None = None):
	filters = {"customer": customer}
	if company:
		filters["company"] = company
	return frappe.db.get_value(
		HEALTH_SNAPSHOT,
		filters,
		["risk_score", "risk_band", "segment", "reasons", "company"],
		as_dict=True,
		order_by="period desc, is_main_company desc",
	)


# ---------------------------------------------------------------- the daily job


@jobs.background_job("retention_plans")
def update_plans(as_of=None) -> dict:
	"""Daily: decide active plans and control records (won back / lost), then open plans for customers
	who crossed the risk threshold. Set-based reads; one document save per plan that changes.

	Crash-safe and idempotent: each plan or control record closed or opened is one step (`jobs.step`),
	committed with its actions' ToDos; a decided plan is no longer active and a customer with an open
	plan or control record is no longer a candidate, so the next run after a fault does only what is
	left. One run at a time (`jobs`' lease)."""
	as_of = getdate(as_of or today())
	decided = decide_open_plans(as_of)
	opened = open_automatic_plans(as_of) if get_settings().auto_open_plans else {"plans": 0, "control": 0}
	return {**decided, **opened}


def decide_open_plans(as_of) -> dict:
	plans = frappe.get_all(
		RETENTION_PLAN,
		filters={"status": winback.ACTIVE},
		fields=["name", "customer", "company", "start_date", "end_date"],
	)
	controls = frappe.get_all(
		RETENTION_CONTROL,
		filters={"status": CONTROL_OPEN},
		fields=["name", "customer", "company", "start_date", "end_date"],
	)
	records = [(RETENTION_PLAN, p) for p in plans] + [(RETENTION_CONTROL, c) for c in controls]
	jobs.handled(len(records))
	if not records:
		return {"won_back": 0, "lost": 0}
	invoices = _invoices_since(
		{r.customer for _dt, r in records}, min(getdate(r.start_date) for _dt, r in records)
	)
	counts = {"won_back": 0, "lost": 0}
	for doctype, record in records:
		outcome = winback.decide(
			getdate(record.start_date),
			getdate(record.end_date),
			as_of,
			invoices.get((record.customer, record.company), []),
		)
		if outcome.status == winback.ACTIVE:
			continue
		counts["won_back" if outcome.status == winback.WON_BACK else "lost"] += 1
		if doctype == RETENTION_PLAN:
			close_plan(record.name, outcome)
		else:
			frappe.db.set_value(
				RETENTION_CONTROL,
				record.name,
				{
					"status": outcome.status,
					"won_back_on": outcome.on if outcome.status == winback.WON_BACK else None,
					"retained_revenue": outcome.retained_revenue,
				},
			)
		jobs.step()  # the record's verdict (and its plan's closed ToDos) at once
	return counts


def _invoices_since(customers, since) -> dict:
	"""{(customer, company): [winback.Invoice]} with each invoice's balance and last payment date from
	ERPNext's Payment Ledger. Two queries for all plans."""
	si = frappe.qb.DocType("Sales Invoice")
	rows = (
		frappe.qb.from_(si)
		.select(si.name, si.customer, si.company, si.posting_date, si.base_net_total)
		.where(
			si.customer.isin(list(customers))
			& (si.docstatus == 1)
			& (si.is_return == 0)
			& (si.posting_date >= since)
		)
		.run(as_dict=True)
	)
	if not rows:
		return {}
	ple = frappe.qb.DocType("Payment Ledger Entry")
	from frappe.query_builder.functions import Max, Sum
	from pypika.terms import Case

	ledger = {
		row.against_voucher_no: row
		for row in (
			frappe.qb.from_(ple)
			.select(
				ple.against_voucher_no,
				Sum(ple.amount).as_("balance"),
				Max(Case().when(ple.voucher_no != ple.against_voucher_no, ple.posting_date)).as_(
					"last_payment_on"
				),
			)
			.where(
				(ple.against_voucher_type == "Sales Invoice")
				& ple.against_voucher_no.isin([r.name for r in rows])
				& (ple.delinked == 0)
			)
			.groupby(ple.against_voucher_no)
			.run(as_dict=True)
		)
	}
	result: dict = {}
	for row in rows:
		entry = ledger.get(row.name)
		result.setdefault((row.customer, row.company), []).append(
			winback.Invoice(
				name=row.name,
				posting_date=getdate(row.posting_date),
				net_amount=Decimal(str(row.base_net_total or 0)),
				balance=Decimal(str(entry.balance)) if entry else Decimal(str(row.base_net_total or 0)),
				last_payment_on=getdate(entry.last_payment_on) if entry and entry.last_payment_on else None,
			)
		)
	return result


def close_plan(name: str, outcome: winback.Outcome):
	"""Move an active plan to Won Back or Lost through its workflow (the job runs as Administrator)."""
	doc = frappe.get_doc(RETENTION_PLAN, name)
	doc.status = outcome.status
	doc.closed_on = outcome.on
	if outcome.status == winback.WON_BACK:
		doc.won_back_invoice = outcome.invoice
		doc.won_back_on = outcome.on
		doc.retained_revenue = outcome.retained_revenue
	for action in doc.actions:
		if action.status == "Open":
			action.status = "Cancelled"
	doc.flags.ignore_permissions = True
	doc.save()


def open_automatic_plans(as_of) -> dict:
	"""Open one plan per customer whose latest risk band reached the threshold and who has no open plan
	or control record; a stable share (the control group) gets a control record instead."""
	settings = get_settings()
	threshold = settings.auto_open_band or HIGH_BANDS[0]
	period = as_of.strftime("%Y-%m")
	window = cint(settings.plan_window_days) or 90
	counts = {"plans": 0, "control": 0}
	candidates = plan_candidates(period, [b for b in winback.BANDS if winback.band_at_least(b, threshold)])
	jobs.handled(len(candidates))
	for row in candidates:
		if winback.in_control_group(row.customer, settings.control_group_percent or 0, salt=period):
			open_control_record(row, as_of, window)
			counts["control"] += 1
		else:
			open_plan(
				row, as_of, window, row.account_manager or settings.default_plan_owner or "Administrator"
			)
			counts["plans"] += 1
		jobs.step()  # the plan with its actions and their ToDos, or the control record, at once
	return counts


def plan_candidates(period: str, bands: list[str]) -> list:
	"""The month's main-company snapshot rows in those bands, of enabled customers with no open plan and
	no open control record, riskiest first: one query."""
	snap = frappe.qb.DocType(HEALTH_SNAPSHOT)
	plan = frappe.qb.DocType(RETENTION_PLAN)
	control = frappe.qb.DocType(RETENTION_CONTROL)
	customer = frappe.qb.DocType("Customer")
	return (
		frappe.qb.from_(snap)
		.join(customer)
		.on(customer.name == snap.customer)
		.select(
			snap.customer,
			snap.company,
			snap.risk_score,
			snap.risk_band,
			snap.segment,
			snap.reasons,
			customer.customer_name,
			customer.account_manager,
		)
		.where(
			(snap.period == period)
			& (snap.is_main_company == 1)
			& snap.risk_band.isin(bands)
			& (customer.disabled == 0)
			& snap.customer.notin(
				frappe.qb.from_(plan).select(plan.customer).where(plan.status.isin(winback.OPEN_PLAN_STATES))
			)
			& snap.customer.notin(
				frappe.qb.from_(control).select(control.customer).where(control.status == CONTROL_OPEN)
			)
		)
		.orderby(snap.risk_score, order=frappe.qb.desc)
		.run(as_dict=True)
	)


def open_control_record(row, as_of, window: int):
	"""The customer is held out of the plans, to measure what the plans win back."""
	frappe.get_doc(
		{
			"doctype": RETENTION_CONTROL,
			"customer": row.customer,
			"company": row.company,
			"start_date": as_of,
			"end_date": as_of + timedelta(days=window),
			"risk_score": row.risk_score,
		}
	).insert(ignore_permissions=True)


def open_plan(row, as_of, window: int, owner: str):
	"""An automatic plan with its first two actions, activated."""
	doc = frappe.get_doc(
		{
			"doctype": RETENTION_PLAN,
			"customer": row.customer,
			"company": row.company,
			"plan_owner": owner,
			"source": "Automatic",
			"start_date": as_of,
			"window_days": window,
			"risk_score": row.risk_score,
			"risk_band": row.risk_band,
			"segment": row.segment,
			"risk_reasons": row.reasons,
			"goal": _("A paid order within {0} days").format(window),
			"actions": [
				{
					"action_type": "Call",
					"description": _("Call to understand why the customer stopped buying"),
					"owner_user": owner,
					"due_date": as_of + timedelta(days=3),
				},
				{
					"action_type": "Account Review",
					"description": _("Review open invoices, complaints and recent interactions"),
					"owner_user": owner,
					"due_date": as_of + timedelta(days=7),
				},
			],
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	activate(doc)


def activate(doc):
	"""Draft -> Active through the workflow when one is set up, else directly."""
	from frappe.model.workflow import apply_workflow, get_workflow_name

	if get_workflow_name(RETENTION_PLAN):
		apply_workflow(doc, "Activate")
	else:
		doc.status = winback.ACTIVE
		doc.save(ignore_permissions=True)
