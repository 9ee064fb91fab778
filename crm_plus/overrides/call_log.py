"""Frappe's Call Log: a finished call with a customer becomes an interaction."""

from crm_plus.services.interactions.capture import capture_call_log


def on_update(doc, method=None):
	capture_call_log(doc)
