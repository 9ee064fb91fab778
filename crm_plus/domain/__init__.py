"""The framework-free core of crm_plus.

Everything below this package takes plain data (dataclasses, Decimal, dates) and returns decisions
and figures. It never imports frappe, so its rules are unit-tested with plain pytest anywhere.
"""
