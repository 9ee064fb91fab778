"""Retention plans: when a plan is won back or lost, and who is held out as the control group."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm_plus.domain.retention import BANDS

# A retention plan's states; a plan is open while Draft or Active. Control records are Open, then
# Won Back or Lost like a plan.
PLAN_STATES = ("Draft", "Active", "Won Back", "Lost", "Cancelled")
DRAFT, ACTIVE, WON_BACK, LOST, CANCELLED = PLAN_STATES
OPEN_PLAN_STATES = (DRAFT, ACTIVE)
CLOSED_PLAN_STATES = (WON_BACK, LOST, CANCELLED)
CONTROL_STATES = ("Open", WON_BACK, LOST)


@dataclass(frozen=True)
class Invoice:
	name: str
	posting_date: date
	net_amount: Decimal
	balance: Decimal  # what is still owed on it, from the payment ledger
	last_payment_on: date | None  # the latest payment or credit allocated to it


@dataclass(frozen=True)
class Outcome:
	status: str
	invoice: str | None = None
	on: date | None = None
	retained_revenue: Decimal = Decimal(0)


def first_invoice_after(invoices: list[Invoice], start: date) -> Invoice | None:
	"""The customer's first invoice on or after the plan's start (ties by name)."""
	eligible = [i for i in invoices if i.posting_date >= start]
	return min(eligible, key=lambda i: (i.posting_date, i.name)) if eligible else None


def decide(start: date, window_end: date, today: date, invoices: list[Invoice]) -> Outcome:
	"""Won back when the first invoice after the start is fully paid by the end of the window; lost
	once the window has ended without that; otherwise still active.

	A fully paid invoice counts on the day of its last payment; paid after the window, it is too late.
	"""
	first = first_invoice_after(invoices, start)
	if first is not None and first.balance <= Decimal("0.005") and first.last_payment_on is not None:
		paid_on = max(first.last_payment_on, first.posting_date)
		if paid_on <= window_end:
			return Outcome(WON_BACK, first.name, paid_on, first.net_amount)
	if today > window_end:
		return Outcome(LOST, on=window_end)
	return Outcome(ACTIVE)


def band_at_least(band: str | None, threshold: str) -> bool:
	if band not in BANDS:
		return False
	return BANDS.index(band) >= BANDS.index(threshold)


def in_control_group(customer: str, percent: Decimal | float | int, salt: str = "") -> bool:
	"""A stable pseudo-random draw: the same customer (and salt, e.g. the month) always lands on the
	same side, so re-running the job never moves anyone between plan and control group."""
	share = Decimal(str(percent))
	if share <= 0:
		return False
	if share >= 100:
		return True
	digest = hashlib.sha256(f"{salt}|{customer}".encode()).digest()
	bucket = int.from_bytes(digest[:4], "big") % 10_000  # 0..9999, i.e. hundredths of a percent
	return Decimal(bucket) < share * 100


def win_back_rate(won: int, total: int) -> Decimal | None:
	if total <= 0:
		return None
	return (Decimal(won) / Decimal(total) * 100).quantize(Decimal("0.1"))
