"""The Frappe layer: reads documents and SQL, calls `crm_plus.domain` and writes back.

Controllers, doc_events, scheduler hooks and `crm_plus.api` stay thin and call into here.
"""
