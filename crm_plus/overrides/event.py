"""Frappe's Event: an event with a customer among its participants becomes an interaction."""

from crm_plus.services.interactions.capture import capture_event


def on_update(doc, method=None):
	capture_event(doc)
