"""ERPNext's Payment Entry: a refund remedies a complaint."""

from crm_plus.services.complaints.remedies import on_remedy_change


def on_submit(doc, method=None):
	on_remedy_change(doc)


def on_cancel(doc, method=None):
	on_remedy_change(doc)
