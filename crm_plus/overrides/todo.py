"""Frappe's ToDo: an assignment closed in the ToDo list closes the follow-up it stands for."""

from crm_plus.services.interactions.records import on_todo_update


def on_update(doc, method=None):
	on_todo_update(doc)
