"""Handlers for the ERPNext and Frappe doctypes crm_plus hooks into, a module per doctype (wired from
hooks.py `doc_events`); each one calls the services."""
