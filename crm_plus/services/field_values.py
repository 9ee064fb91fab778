"""The check of field values that the database would otherwise refuse with an error (a 500)."""

import math
from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time, getdate

NUMBER_TYPES = {"Float", "Currency", "Percent", "Duration", "Rating"}
DATE_TYPES = {"Date": getdate, "Datetime": get_datetime, "Time": get_time}
NO_VALUE_TYPES = {
	"Section Break",
	"Column Break",
	"Tab Break",
	"HTML",
	"Button",
	"Table",
	"Table MultiSelect",
}
INT_RANGE = (-(2**31), 2**31 - 1)
MAX_NUMBER = 10**12  # decimal(21, 9)


def check_field_values(doc) -> None:
	"""Refuse, with a 417 naming the field, a value of the wrong kind: text in a number or a date, a
	number out of the column's range, a list or an object in a plain field. Frappe leaves those to the
	database, which answers with an error (a 500). Numbers and dates given as text are stored in their
	canonical form. Controllers call this first in validate."""
	if not doc.meta.is_submittable and doc.docstatus:
		# Frappe lets a user with every right (Administrator) submit any doctype over REST; a
		# "submitted" document of a doctype that is not submittable would then skip validate for good
		frappe.throw(_("{0} cannot be submitted or cancelled").format(_(doc.doctype)))
	for d in (doc, *doc.get_all_children()):
		for df in d.meta.fields:
			if df.fieldtype in NO_VALUE_TYPES:
				continue
			value = d.get(df.fieldname)
			if value is None or value == "":
				continue
			try:
				clean = _clean(df.fieldtype, value)
			except (TypeError, ValueError, OverflowError):
				frappe.throw(
					_("{0}: {1} is not a valid value").format(
						_(df.label or df.fieldname), frappe.bold(frappe.utils.escape_html(str(value)[:60]))
					),
					title=_("Invalid value"),
				)
			if clean is not value:
				d.set(df.fieldname, clean)


def _clean(fieldtype: str, value):
	"""The value as the column takes it; TypeError or ValueError when it cannot."""
	if isinstance(value, list | dict | tuple | set):
		raise TypeError("not a plain value")
	if fieldtype in ("Int", "Check"):
		if isinstance(value, str):
			value = int(value.strip())  # a ValueError for anything but an integer
		elif isinstance(value, float):
			if not value.is_integer():
				raise ValueError("not an integer")
			value = int(value)
		if not isinstance(value, int) or not INT_RANGE[0] <= value <= INT_RANGE[1]:
			raise ValueError("out of range")
		return value
	if fieldtype in NUMBER_TYPES:
		number = float(value)
		if not math.isfinite(number) or abs(number) >= MAX_NUMBER:
			raise ValueError("out of range")
		return value if isinstance(value, int | float) else number
	if fieldtype in DATE_TYPES:
		if isinstance(value, date | datetime | time | timedelta):
			return value
		if not isinstance(value, str):
			raise TypeError("not a date")
		muted, frappe.flags.mute_messages = frappe.flags.mute_messages, True  # Frappe's parsers print
		try:
			parsed = DATE_TYPES[fieldtype](value)
		except frappe.ValidationError as e:
			raise ValueError("not a date") from e
		finally:
			frappe.flags.mute_messages = muted
		if parsed is None or getattr(parsed, "tzinfo", None):
			raise ValueError("not a plain date")
		if fieldtype != "Time" and not 1900 <= parsed.year <= 9999:
			raise ValueError("out of range")
		return parsed
	if isinstance(value, float) and not math.isfinite(value):
		raise ValueError("not a number")
	if not isinstance(value, str | int | float):
		raise TypeError("not a plain value")
	return value
