"""Logging interactions for integrations: validated, permission-checked and idempotent."""

import frappe
from frappe import _

from crm_plus.constants import CUSTOMER_INTERACTION
from crm_plus.services.interactions import bulk, records

MAX_KEY_LENGTH = 100
MAX_BATCH = 1000  # interactions per call of log_interactions
PARTY_TYPES = ("Customer", "Lead", "Prospect")
RESPONSE_FIELDS = (
	"name",
	"external_key",
	"party_type",
	"party",
	"customer",
	"interaction_at",
	"follow_up_status",
)


REQUIRED = ("party", "subject")
# What an API caller may give for an interaction, and the defaults of crm_plus.api.interaction
DEFAULTS = {
	"party_type": "Customer",
	"channel": "Phone",
	"direction": "Outbound",
	"touchpoint": "Billing",
	"sale_stage": "Post-sale",
	"interaction_type": "Other",
	"sentiment": "Neutral",
}
API_FIELDS = (
	*REQUIRED,
	*DEFAULTS,
	"interaction_at",
	"notes",
	"outcome",
	"contact",
	"campaign",
	"reference_doctype",
	"reference_name",
	"duration",
	"next_follow_up_on",
	"follow_up_by",
)


def log_interaction(values: dict, idempotency_key: str | None = None) -> dict:
	frappe.has_permission(CUSTOMER_INTERACTION, "create", throw=True)
	for field in REQUIRED:
		if not (values.get(field) or "").strip():
			frappe.throw(_("{0} is required").format(field), frappe.MandatoryError, title=_("Missing field"))
	# the party's read permission from two light queries (its name, and the same through the user's
	# permissions), not by loading the party with its child tables
	facts = _party_facts([values])  # read once: for the permission check, the links and validate
	if _unreadable_parties([values], facts):
		frappe.throw(
			_("Not permitted to read {0} {1}").format(
				_(values.get("party_type") or "Customer"), values["party"]
			),
			frappe.PermissionError,
		)
	key = None
	if idempotency_key is not None:
		idempotency_key = idempotency_key.strip()
		if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
			frappe.throw(
				_("idempotency_key must be 1 to {0} characters").format(MAX_KEY_LENGTH),
				title=_("Invalid idempotency_key"),
			)
		key = f"api:{idempotency_key}"
		existing = _existing(key)
		if existing:
			return existing
	doc = _new_interaction(values, key)
	messages = len(frappe.local.message_log)
	try:
		if bulk.eligible(values) and bulk.allowed():
			# validated before the series is touched: its lock is held for the insert and commit only
			_insert_one_fast(doc, facts)
		else:
			doc.insert()
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		# a concurrent retry with the same key won the race (the unique key): answer with its record
		existing = _existing(key, latest=True) if key else None
		if existing:
			del frappe.local.message_log[messages:]  # not an error for the caller
			return existing
		raise
	return _response(doc, created=True)


def _insert_one_fast(doc, facts: dict) -> None:
	"""doc.insert() through the fast path: its error raised as insert would raise it."""
	(error,) = bulk.validate([doc], facts, quiet=False)
	if error:
		raise error
	# no savepoint: an error raised here rolls back the request (a duplicate key raises no error: taken)
	written, failed, taken = bulk.insert([doc], quiet=False, savepoint=False)
	if failed:
		raise failed[0][1]
	if taken:  # logged by a concurrent call since this one read the key: answered with its record
		raise frappe.DuplicateEntryError(CUSTOMER_INTERACTION, doc.external_key)


def _new_interaction(values: dict, key: str | None):
	doc = frappe.get_doc({"doctype": CUSTOMER_INTERACTION, **values, "source": "API", "external_key": key})
	if "user" not in values:
		doc.user = frappe.session.user
	return doc


def _existing(key: str, latest: bool = False) -> dict | None:
	"""The record already logged under the key (one query; a second for the user's permissions on it)."""
	existing = _existing_many([key], latest).get(key)
	if existing and "error" in existing:
		frappe.throw(existing["error"], frappe.PermissionError)
	return existing


def _response(doc, created: bool) -> dict:
	return {
		"name": doc.name,
		"created": created,
		"party_type": doc.party_type,
		"party": doc.party,
		"customer": doc.customer,
		"interaction_at": str(doc.interaction_at),
		"follow_up_status": doc.follow_up_status or None,
	}


def log_interactions(items: list) -> dict:
	"""Log up to MAX_BATCH interactions in one call, each as `log_interaction` would: required fields,
	read permission on its party, idempotent by its own `idempotency_key` (a key already logged, or met
	earlier in the same call, answers with that record). Answered item by item, in order: the record,
	or the item's own error; a failed item leaves nothing behind (each insert runs under a savepoint).
	One permission check for the call, one query for the keys and two per party type for the parties,
	then one insert per new item with the doctype's validation and hooks."""
	frappe.has_permission(CUSTOMER_INTERACTION, "create", throw=True)
	if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
		frappe.throw(_("interactions must be a list of interactions"), title=_("Invalid interactions"))
	if len(items) > MAX_BATCH:
		frappe.throw(
			_("At most {0} interactions per call: this one has {1}").format(MAX_BATCH, len(items)),
			title=_("Too many interactions"),
		)
	prepared = [_prepare(item) for item in items]
	existing = _existing_many([p["key"] for p in prepared if p.get("key")])
	values = [p["values"] for p in prepared if "values" in p]
	facts = _party_facts(values)  # read once: for the permission check, the links and validate
	unreadable = _unreadable_parties(values, facts)
	answers = _log_fast(prepared, existing, unreadable, facts) if bulk.allowed() else {}
	results, counts = [], {"created": 0, "existing": 0, "failed": 0}
	for index, item in enumerate(prepared):
		result = answers[index] if index in answers else _log_one(item, existing, unreadable)
		result = {"index": index, "idempotency_key": item.get("idempotency_key"), **result}
		counts["failed" if "error" in result else "created" if result["created"] else "existing"] += 1
		results.append(result)
	return {**counts, "results": results}


def _log_fast(prepared: list[dict], existing: dict, unreadable: set, facts: dict) -> dict[int, dict]:
	"""The answers of the items the fast path logs (bulk): validated together, then written in one INSERT.
	Those are the eligible items whose key is new and met first here; the others (errors of _prepare,
	keys already logged or met earlier in the call, unreadable parties, items that keep the per-document
	path, and any item the INSERT could not take) are left to _log_one, in order, afterwards."""
	candidates, claimed = {}, set()
	for index, item in enumerate(prepared):
		if "error" in item:
			continue
		values, key = item["values"], item.get("key")
		first = not key or (key not in existing and key not in claimed)
		if key:
			claimed.add(key)
		party = (values.get("party_type") or "Customer", values["party"])
		if first and party not in unreadable and bulk.eligible(values):
			candidates[index] = _new_interaction(values, key)
	if not candidates:
		return {}
	answers, valid = {}, {}
	for (index, doc), error in zip(
		candidates.items(), bulk.validate(list(candidates.values()), facts), strict=True
	):
		if error:
			answers[index] = _error(str(error) or _("Could not log the interaction"), type(error))
		else:
			valid[index] = doc
	written, failed, taken = bulk.insert(list(valid.values()))
	index_of = {id(doc): index for index, doc in valid.items()}
	if taken:
		# logged by a concurrent call since this one read the keys: answered with its record
		existing.update(_existing_many([doc.external_key for doc in taken], latest=True))
		for doc in taken:
			if doc.external_key in existing:
				answers[index_of[id(doc)]] = existing[doc.external_key]
	for doc in written:
		response = _response(doc, created=True)
		answers[index_of[id(doc)]] = response
		if doc.external_key:
			existing[doc.external_key] = {**response, "created": False}  # the same key later in the call
	for doc, error in failed:
		if not isinstance(error, frappe.DuplicateEntryError):
			answers[index_of[id(doc)]] = _error(str(error) or _("Could not log the interaction"), type(error))
		# a duplicate: left to _log_one (a concurrent call may have logged the key meanwhile)
	return answers


def _prepare(item: dict) -> dict:
	"""An item's values and key, or its error (the same checks as log_interaction's)."""
	idempotency_key = item.get("idempotency_key")
	prepared = {"idempotency_key": idempotency_key}
	unknown = sorted(k for k in item if k not in API_FIELDS and k != "idempotency_key")
	if unknown:
		return {**prepared, **_error(_("Unknown field {0}").format(", ".join(unknown)))}
	values = {**DEFAULTS, **{k: v for k, v in item.items() if k in API_FIELDS and v is not None}}
	for field in REQUIRED:
		if not isinstance(values.get(field), str) or not values[field].strip():
			return {**prepared, **_error(_("{0} is required").format(field), frappe.MandatoryError)}
	if idempotency_key is not None:
		idempotency_key = str(idempotency_key).strip()
		if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
			return {
				**prepared,
				**_error(_("idempotency_key must be 1 to {0} characters").format(MAX_KEY_LENGTH)),
			}
		prepared["key"] = f"api:{idempotency_key}"
	return {**prepared, "values": values}


def _existing_many(keys: list[str], latest: bool = False) -> dict[str, dict]:
	"""The records already logged under these keys (one query), each as its answer, or as the error
	of a user who may not read it (a second query: the same rows through the user's permissions)."""
	if not keys:
		return {}
	filters = {"external_key": ("in", list(set(keys)))}
	if latest:
		# after losing an insert race: a locking read sees the winner's row, committed after this
		# transaction's snapshot was taken; the rare path checks each row's permission
		ci = frappe.qb.DocType(CUSTOMER_INTERACTION)
		rows = (
			frappe.qb.from_(ci)
			.select("*")
			.where(ci.external_key.isin(list(set(keys))))
			.for_update()
			.run(as_dict=True)
		)
		readable = {
			r.name
			for r in rows
			if frappe.has_permission(
				CUSTOMER_INTERACTION, "read", doc=frappe.get_doc({**r, "doctype": CUSTOMER_INTERACTION})
			)
		}
	else:
		rows = frappe.get_all(CUSTOMER_INTERACTION, filters=filters, fields=list(RESPONSE_FIELDS))
		if not rows:
			return {}
		readable = set(frappe.get_list(CUSTOMER_INTERACTION, filters=filters, pluck="name"))
	return {
		row.external_key: _response(row, created=False)
		if row.name in readable
		else _error(
			_("Not permitted to read {0} {1}").format(_(CUSTOMER_INTERACTION), row.name),
			frappe.PermissionError,
		)
		for row in rows
	}


def _party_facts(values: list[dict]) -> dict:
	return records.party_facts(
		[(v.get("party_type") or "Customer", v.get("party"), v.get("contact")) for v in values]
	)


def _unreadable_parties(values: list[dict], facts: dict) -> set[tuple[str, str]]:
	"""The (party type, party) pairs that exist but the user may not read: per party type, the existing
	ones (from the parties' facts, or one query for names given otherwise) and one query through the
	user's permissions (frappe.get_list)."""
	parties: dict[str, set[str]] = {}
	for v in values:
		party_type = v.get("party_type") or "Customer"
		if party_type in PARTY_TYPES:
			parties.setdefault(party_type, set()).add(v["party"])
	unreadable = set()
	for party_type, names in parties.items():
		existing = {name for name in names if (party_type, name) in facts["names"]}
		if names - existing:
			existing |= set(
				frappe.get_all(party_type, filters={"name": ("in", list(names - existing))}, pluck="name")
			)
		readable = (
			set(frappe.get_list(party_type, filters={"name": ("in", list(existing))}, pluck="name"))
			if existing and frappe.has_permission(party_type, "read")
			else set()
		)
		unreadable.update((party_type, name) for name in existing - readable)
	return unreadable


def _log_one(item: dict, existing: dict, unreadable: set) -> dict:
	if "error" in item:
		return {"error": item["error"], "exc_type": item["exc_type"]}
	values, key = item["values"], item.get("key")
	if key and key in existing:
		return existing[key]
	party_type = values.get("party_type") or "Customer"
	if (party_type, values["party"]) in unreadable:
		return _error(
			_("Not permitted to read {0} {1}").format(_(party_type), values["party"]), frappe.PermissionError
		)
	messages = len(frappe.local.message_log)
	frappe.db.savepoint("crm_plus_batch_item")
	try:
		doc = _new_interaction(values, key)
		doc.insert()
	except (frappe.ValidationError, frappe.PermissionError, frappe.DuplicateEntryError) as e:
		frappe.db.rollback(save_point="crm_plus_batch_item")
		del frappe.local.message_log[messages:]  # the item's own error answers it, not the call's
		if isinstance(e, frappe.DuplicateEntryError | frappe.UniqueValidationError) and key:
			# a concurrent call with the same key won the race: answer with its record
			existing.update(_existing_many([key], latest=True))
			if key in existing:
				return existing[key]
		return _error(str(e) or _("Could not log the interaction"), type(e))
	frappe.db.release_savepoint("crm_plus_batch_item")
	response = _response(doc, created=True)
	if key:
		existing[key] = {**response, "created": False}  # the same key later in the call
	return response


def _error(message: str, exc_type: type = frappe.ValidationError) -> dict:
	return {"error": message, "exc_type": exc_type.__name__}
