"""Campaign revenue attribution and ROI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
ROI_PLACES = Decimal("0.0001")

# The attribution models, as CRM Plus Settings and the Campaign ROI report store and show them (the
# Desk translates them); the default first.
LAST_TOUCH = "Last Touch"
FIRST_TOUCH = "First Touch"
LINEAR = "Linear"
MODELS = (LAST_TOUCH, FIRST_TOUCH, LINEAR)
DEFAULT_MODEL = LAST_TOUCH
# What sites stored before the models had labels (the v1 patch `select_labels` converts them; API
# callers that still send them are understood).
FORMER_MODELS = {"last_touch": LAST_TOUCH, "first_touch": FIRST_TOUCH, "linear": LINEAR}


def model_of(value: str | None) -> str | None:
	"""The model a stored or requested value names: a model, or its former internal name; None for no
	value. ValueError for anything else."""
	if not value:
		return None
	model = FORMER_MODELS.get(value, value)
	if model not in MODELS:
		raise ValueError(f"Unknown attribution model {value!r}; expected one of {', '.join(MODELS)}")
	return model


@dataclass(frozen=True)
class Touch:
	campaign: str
	touched_at: datetime | date


def _as_date(value: datetime | date) -> date:
	return value.date() if isinstance(value, datetime) else value


def _sort_key(touch: Touch) -> datetime:
	at = touch.touched_at
	return at if isinstance(at, datetime) else datetime.combine(at, time.min)


def eligible_touches(
	invoice_date: datetime | date, touches: Iterable[Touch], window_days: int
) -> list[Touch]:
	"""Touches dated from ``window_days`` before the invoice date up to that date, oldest first.

	Dates are compared by calendar day; touches on the same moment keep their input order.
	"""
	if window_days < 0:
		raise ValueError(f"window_days must not be negative, got {window_days}")
	last = _as_date(invoice_date)
	first = last - timedelta(days=window_days)
	return sorted((t for t in touches if first <= _as_date(t.touched_at) <= last), key=_sort_key)


def attribute(
	invoice_amount: Decimal,
	invoice_date: datetime | date,
	touches: Iterable[Touch],
	window_days: int,
	model: str,
) -> dict[str, Decimal]:
	"""Split an invoice amount over campaigns by ``model`` (one of `MODELS`).

	The amount is rounded to cents; parts are in cents and sum exactly to it, the linear rounding
	remainder going to the most recent touch. Negative amounts (credit notes) split the same way.
	Returns {} when no touch is eligible.
	"""
	if model not in MODELS:
		raise ValueError(f"Unknown attribution model {model!r}; expected one of {', '.join(MODELS)}")
	if isinstance(invoice_amount, float):
		raise TypeError("invoice_amount must be a Decimal, not a float")
	amount = Decimal(invoice_amount).quantize(CENT, rounding=ROUND_HALF_UP)
	eligible = eligible_touches(invoice_date, touches, window_days)
	if not eligible:
		return {}
	if model == FIRST_TOUCH:
		return {eligible[0].campaign: amount}
	if model == LAST_TOUCH:
		return {eligible[-1].campaign: amount}
	share = (amount / len(eligible)).quantize(CENT, rounding=ROUND_HALF_UP)
	result: dict[str, Decimal] = {}
	for touch in eligible:
		result[touch.campaign] = result.get(touch.campaign, Decimal("0.00")) + share
	result[eligible[-1].campaign] += amount - share * len(eligible)
	return result


def totals_by_currency(
	rows: Iterable[Mapping], fields: Sequence[str], currency_key: str = "currency"
) -> dict[str | None, dict[str, Decimal]]:
	"""The sum of each of `fields` over the rows, per currency (`row[currency_key]`): amounts in
	different currencies are never added together. Currencies in order of first appearance; a missing
	or None amount counts 0."""
	totals: dict[str | None, dict[str, Decimal]] = {}
	for row in rows:
		total = totals.setdefault(row.get(currency_key), {field: Decimal(0) for field in fields})
		for field in fields:
			total[field] += Decimal(row.get(field) or 0)
	return totals


def roi(value: Decimal, cost: Decimal) -> Decimal | None:
	"""(value - cost) / cost to 4 places; None when cost is 0."""
	if cost == 0:
		return None
	return ((value - cost) / cost).quantize(ROI_PLACES, rounding=ROUND_HALF_UP)


class InvoiceRow(NamedTuple):
	name: str
	amount: Decimal
	is_return: bool
	return_against: str | None
	docstatus: int
	campaign: str | None = None


def net_revenue(invoices: Iterable[tuple]) -> Decimal:
	"""Sum of submitted invoices, credit notes netting off; drafts and cancelled ones excluded.

	Rows are (name, amount, is_return, return_against, docstatus, ...) as `InvoiceRow`. A credit note
	counts negative even if its amount was given as a positive figure.
	"""
	total = Decimal("0.00")
	for row in invoices:
		amount, is_return, docstatus = row[1], row[2], row[4]
		if docstatus == 1:
			total += -abs(amount) if is_return else amount
	return total


def counted_for(row: InvoiceRow, returned: InvoiceRow | None) -> str | None:
	"""The campaign whose revenue an invoice counts in: the campaign it carries; a credit note that
	carries none counts in the campaign of the submitted invoice it returns (`returned`)."""
	if row.campaign:
		return row.campaign
	if row.is_return and returned is not None and returned.docstatus == 1:
		return returned.campaign or None
	return None


def revenue_by_campaign(invoices: Iterable[InvoiceRow]) -> dict[str, Decimal]:
	"""Each campaign's revenue net of its credit notes (see `counted_for`); campaigns with no counted
	invoice are absent."""
	rows = list(invoices)
	by_name = {row.name: row for row in rows}
	counted: dict[str, list[InvoiceRow]] = {}
	for row in rows:
		campaign = counted_for(row, by_name.get(row.return_against) if row.return_against else None)
		if campaign:
			counted.setdefault(campaign, []).append(row)
	return {campaign: net_revenue(members) for campaign, members in counted.items()}


@dataclass(frozen=True)
class CampaignFigures:
	"""A campaign's cost and its attributed invoices, netted into revenue and ROI."""

	campaign: str
	cost: Decimal
	invoices: tuple[InvoiceRow, ...] = ()

	@property
	def revenue(self) -> Decimal:
		return net_revenue(self.invoices)

	@property
	def roi(self) -> Decimal | None:
		return roi(self.revenue, self.cost)
