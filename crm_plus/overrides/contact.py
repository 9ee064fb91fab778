"""ERPNext's Contact: a warning when it looks like a party that exists."""

from crm_plus.services.duplicates import warn_on_new_party


def validate(doc, method=None):
	warn_on_new_party(doc)
