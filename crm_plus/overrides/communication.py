"""Frappe's Communication: an email with a customer becomes an interaction."""

from crm_plus.services.interactions.capture import capture_communication


def on_update(doc, method=None):
	capture_communication(doc)
