"""The fast path of the interaction API: many new interactions validated with a few set-based look-ups,
named in one step and written with one multi-row INSERT.

Each document still runs the doctype's own code (Document.insert's steps, in its order: permission,
links, before_insert, validate with its hooks, mandatory/select/length checks; after the insert,
after_insert, on_update and the rest of Frappe's post-save steps). What changes: the link and party
look-ups are read for all the items at once (one query per linked doctype) and served from the request's
value cache, the numbers of the naming series are taken for all the items in one statement once they
are valid (the series' row lock, which serialises every writer of the doctype, is then held only for
the INSERT, the documents' post-insert steps and the commit), and the rows go in one INSERT. Taken only when it is equivalent (`allowed`): otherwise, and for items that need more than
the insert (a follow-up opens an assignment, a campaign moves its members, an image in the notes
becomes a file), the caller inserts the document itself.
"""

import frappe
from frappe.model.document import Document
from frappe.model.naming import NamingSeries, parse_naming_series, validate_name

from crm_plus.constants import CUSTOMER_INTERACTION
from crm_plus.services.interactions import records

# crm_plus's own handlers of Customer Interaction events (they run here too, through run_method)
OWN_DOC_EVENTS = {"crm_plus.overrides.customer_interaction.after_insert"}
# the apps whose handlers of every doctype's events ("*") are known to run here as in Document.insert
# (they run through run_method too; one of another app might write before failing, which only the
# per-document path's savepoint undoes)
KNOWN_APPS = {"frappe", "erpnext", "crm_plus"}
# what a document's failure answers with, item by item (as the per-document path catches)
ITEM_ERRORS = (frappe.ValidationError, frappe.PermissionError, frappe.DuplicateEntryError)
SAVEPOINT = "crm_plus_bulk_interactions"


def allowed() -> bool:
	"""Whether the fast path does what Document.insert would: the doctype's naming series and controller,
	and no Notification, Webhook, Server Script, Document Naming Rule or another app's doc_events on the
	doctype (nor another app's handlers of every doctype's events). Read from the caches Frappe itself reads them from (no query once they are warm)."""
	from frappe.core.doctype.server_script.server_script_utils import get_server_script_map
	from frappe.integrations.doctype.webhook import get_all_webhooks

	meta = frappe.get_meta(CUSTOMER_INTERACTION)
	if meta.autoname != "naming_series:" or meta.is_submittable:
		return False
	doc_events = frappe.get_hooks("doc_events") or {}
	hooks = doc_events.get(CUSTOMER_INTERACTION, {})
	if any(set(handlers) - OWN_DOC_EVENTS for handlers in hooks.values()):
		return False
	every = doc_events.get("*", {})
	if any(h.split(".")[0] not in KNOWN_APPS for handlers in every.values() for h in handlers):
		return False
	for hook in ("override_doctype_class", "extend_doctype_class"):
		if (frappe.get_hooks(hook) or {}).get(CUSTOMER_INTERACTION):
			return False
	notifications = frappe.cache.hget(
		"notifications",
		CUSTOMER_INTERACTION,
		lambda: frappe.get_all(
			"Notification",
			fields=["name", "event", "method"],
			filters={"enabled": 1, "document_type": CUSTOMER_INTERACTION},
		),
	)
	if notifications:
		return False
	if (frappe.cache.get_value("webhooks", get_all_webhooks) or {}).get(CUSTOMER_INTERACTION):
		return False
	if get_server_script_map().get(CUSTOMER_INTERACTION):
		return False
	rules = frappe.cache_manager.get_doctype_map(
		"Document Naming Rule",
		CUSTOMER_INTERACTION,
		filters={"document_type": CUSTOMER_INTERACTION, "disabled": 0},
	)
	return not rules


def eligible(values: dict) -> bool:
	"""Whether an item needs nothing but its row: no follow-up (its assignment is opened in on_update),
	no campaign (its members move in after_insert), no image in the notes (it becomes a File named after
	the document)."""
	return not (
		values.get("next_follow_up_on")
		or values.get("follow_up_by")
		or values.get("campaign")
		or "<img" in str(values.get("notes") or "")
	)


def validate(docs: list[Document], facts: dict | None = None, quiet: bool = True) -> list[Exception | None]:
	"""Run each new document through Document.insert's steps before the insert, with the look-ups of all
	of them read at once. Returns, for each, None (valid) or its error; a failed one leaves nothing
	(these steps write nothing). `facts`: records.party_facts of the documents, when the caller has
	read them. `quiet`: an error's message is not left in the message log too."""
	if facts is None:
		facts = records.party_facts([(d.party_type, d.party, d.contact) for d in docs])
	_prime_links(docs, facts)
	errors = []
	for doc in docs:
		doc.flags.party_facts = facts
		messages = len(frappe.local.message_log)
		try:
			_before_insert(doc)
		except ITEM_ERRORS as e:
			if quiet:
				del frappe.local.message_log[messages:]  # the item's own error answers it
			errors.append(e)
		else:
			errors.append(None)
		finally:
			doc.flags.party_facts = None
	return errors


def _before_insert(doc: Document) -> None:
	"""Document.insert up to (not including) its naming and INSERT, in its order."""
	doc.flags.notifications_executed = []
	doc.set("__islocal", True)
	doc._set_defaults()
	doc.set_user_and_timestamp()
	doc.set_docstatus()
	doc.check_permission("create")
	doc.check_if_latest()
	doc._validate_links()
	doc.run_method("before_insert")
	doc.set_parent_in_children()
	doc.validate_higher_perm_levels()
	doc.flags.in_insert = True
	doc.run_before_save_methods()
	doc._validate()
	doc.set_docstatus()
	doc.flags.in_insert = False


def _prime_links(docs: list[Document], facts: dict) -> None:
	"""Read the link values of all the documents, one query per linked doctype, into the request's value
	cache that BaseDocument.get_invalid_links reads them from (`frappe.db.get_value(..., cache=True)`).
	Only exact matches are cached: any other value is left to its own query, as without this. The
	parties found by records.party_facts are not read again."""
	cache = getattr(frappe.db, "value_cache", None)
	if not isinstance(cache, dict) or not docs:
		return
	for party_type, name in facts["names"]:
		cache[(party_type, name, "name")] = [(name,)]
	meta = docs[0].meta
	wanted: dict[str, set[str]] = {}
	for df in meta.get_link_fields() + meta.get("fields", {"fieldtype": ("=", "Dynamic Link")}):
		if meta.get_fields_to_fetch(df.fieldname):
			continue  # get_invalid_links reads those values with the fetched ones, uncached
		for doc in docs:
			value = doc.get(df.fieldname)
			doctype = df.options if df.fieldtype == "Link" else doc.get(df.options)
			known = (doctype, value) in facts["names"]
			if isinstance(value, str) and value and isinstance(doctype, str) and doctype and not known:
				wanted.setdefault(doctype, set()).add(value)
	for doctype, names in wanted.items():
		try:
			linked = frappe.get_meta(doctype)
		except frappe.DoesNotExistError:
			continue  # get_invalid_links reports it
		if linked.get("is_virtual") or linked.get("issingle"):
			continue
		table = frappe.qb.DocType(doctype)
		found = {
			name
			for (name,) in frappe.qb.from_(table).select(table.name).where(table.name.isin(list(names))).run()
		}
		for name in names & found:
			cache[(doctype, name, "name")] = [(name,)]


def insert(
	docs: list[Document], quiet: bool = True, savepoint: bool = True
) -> tuple[list[Document], list[tuple[Document, Exception]], list[Document]]:
	"""Name and write validated new documents, then run their post-insert steps. Returns the documents
	written; those that were not, each with its error: a document whose post-insert step failed (the
	whole group is rolled back to its savepoint and written again without it), or every document when
	the INSERT met a duplicate all the same (the caller answers those one by one); and the documents
	whose external_key was logged by another transaction after the caller read the keys (once this one
	holds the series, every other writer of the doctype has committed: a locking read sees them all).
	Nothing of a failed document stays. Without `savepoint` (one document, whose caller's transaction
	is rolled back on an error), an error is raised as Document.insert raises it."""
	if not savepoint:
		series = _lock_series(docs)
		if _taken_keys(docs):
			return [], [], docs
		try:
			_write(docs, series)
		except Exception as e:
			if frappe.db.is_duplicate_entry(e) or frappe.db.is_unique_key_violation(e):
				raise frappe.DuplicateEntryError(docs[0].doctype, docs[0].name, e) from e  # as db_insert
			raise
		_clear_caches(docs)
		for doc in docs:
			_after_insert(doc)
		return docs, [], []
	failed: list[tuple[Document, Exception]] = []
	taken: list[Document] = []
	while docs:
		frappe.db.savepoint(SAVEPOINT)
		try:
			series = _lock_series(docs)
			keys = _taken_keys(docs)
			if keys:
				taken += [doc for doc in docs if doc.external_key in keys]
				docs = [doc for doc in docs if doc.external_key not in keys]
				if not docs:
					frappe.db.release_savepoint(SAVEPOINT)
					return [], failed, taken
			_write(docs, series)
		except Exception as e:
			if not (frappe.db.is_duplicate_entry(e) or frappe.db.is_unique_key_violation(e)):
				raise
			frappe.db.rollback(save_point=SAVEPOINT)
			_unname(docs)
			return [], failed + [(doc, frappe.DuplicateEntryError(str(e))) for doc in docs], taken
		_clear_caches(docs)
		for doc in docs:
			messages = len(frappe.local.message_log)
			try:
				_after_insert(doc)
			except ITEM_ERRORS as e:
				if quiet:
					del frappe.local.message_log[messages:]
				frappe.db.rollback(save_point=SAVEPOINT)
				_unname(docs)
				failed.append((doc, e))
				docs = [d for d in docs if d is not doc]
				break
		else:
			frappe.db.release_savepoint(SAVEPOINT)
			return docs, failed, taken
	return [], failed, taken


def _lock_series(docs: list[Document]) -> dict[tuple[str, int], tuple[int, list[tuple[Document, str]]]]:
	"""The series of the documents, each locked (its current number read for update, as
	frappe.model.naming.getseries reads it; a series met for the first time is created at 0), with its
	documents and their names' templates."""
	by_series: dict[tuple[str, int], list[tuple[Document, str]]] = {}
	for doc in docs:
		prefix, digits, template = _series(doc)
		by_series.setdefault((prefix, digits), []).append((doc, template))
	locked = {}
	for (prefix, digits), named in by_series.items():
		current = _current(prefix)
		if current is None:
			frappe.db.sql(
				"""insert into `tabSeries` (`name`, `current`) values (%s, 0)
				on duplicate key update `current` = `current`""",
				prefix,
			)
			current = _current(prefix)
		locked[(prefix, digits)] = (frappe.utils.cint(current), named)
	return locked


def _current(prefix: str):
	series = frappe.qb.DocType("Series")
	row = frappe.qb.from_(series).where(series.name == prefix).for_update().select("current").run()
	return row[0][0] if row else None


def _taken_keys(docs: list[Document]) -> set[str]:
	"""The documents' external keys already logged (a locking read: the latest committed rows)."""
	keys = list({doc.external_key for doc in docs if doc.external_key})
	if not keys:
		return set()
	table = frappe.qb.DocType(docs[0].doctype)
	rows = frappe.qb.from_(table).select(table.external_key).where(table.external_key.isin(keys)).for_update()
	return {key for (key,) in rows.run()}


def _write(docs: list[Document], series: dict) -> None:
	"""Take the numbers of the locked series (one statement each, as getseries does for one) and insert
	the rows (one statement)."""
	written = {id(doc) for doc in docs}
	for (prefix, digits), (current, named) in series.items():
		named = [(doc, template) for doc, template in named if id(doc) in written]
		if not named:
			continue
		frappe.db.sql(
			"update `tabSeries` set `current` = `current` + %s where `name` = %s", (len(named), prefix)
		)
		for number, (doc, template) in enumerate(named, start=current + 1):
			doc.name = validate_name(doc.doctype, template.replace("\0", f"{number:0{digits}d}"))
	rows = []
	for doc in docs:
		if not doc.creation:
			doc.creation = doc.modified = frappe.utils.now()
			doc.owner = doc.modified_by = frappe.session.user
		rows.append(doc.get_valid_dict(convert_dates_to_str=True, ignore_virtual=True))
	# the statement of BaseDocument.db_insert with a row of values per document (all have the columns
	# of the doctype's valid dict); the values go as parameters
	columns = list(rows[0])
	row = "(" + ", ".join(["%s"] * len(columns)) + ")"
	frappe.db.sql(
		"insert into `tab{doctype}` ({columns}) values {rows}".format(
			doctype=docs[0].doctype,
			columns=", ".join(f"`{c}`" for c in columns),
			rows=", ".join([row] * len(rows)),
		),
		[value for values in rows for value in (values.get(c) for c in columns)],
	)
	for doc in docs:
		doc.set("__islocal", False)


def _series(doc: Document) -> tuple[str, int, str]:
	"""The series' prefix, digits and the name with a placeholder for the number, as
	frappe.model.naming.set_name_by_naming_series would make it (naming_series + '.#####')."""
	series = doc.naming_series or ""
	key = series if "#" in series else f"{series}.#####"
	found = {}

	def number(prefix: str, digits: int) -> str:
		found.update(prefix=prefix, digits=digits)
		return "\0"

	template = parse_naming_series(key, doc=doc, number_generator=number)
	if "prefix" not in found:
		NamingSeries(key).get_prefix()  # raises Frappe's error for a series without a number
	return found["prefix"], found["digits"], template


def _unname(docs: list[Document]) -> None:
	for doc in docs:
		doc.name = None
		doc.set("__islocal", True)


def _clear_caches(docs: list[Document]) -> None:
	"""Document.clear_cache of every document in one call to the cache (now, after the commit and after a
	rollback, as frappe.clear_document_cache does for one); run_post_save_methods then skips its own."""
	keys = [frappe.get_document_cache_key(doc.doctype, doc.name) for doc in docs]

	def clear_in_redis():
		frappe.cache.delete_value(keys)

	clear_in_redis()
	if hasattr(frappe.db, "after_commit"):
		frappe.db.after_commit.add(clear_in_redis)
		frappe.db.after_rollback.add(clear_in_redis)
	for doc in docs:
		doc.clear_cache = _cleared


def _cleared() -> None:
	pass


def _after_insert(doc: Document) -> None:
	"""Document.insert after its INSERT, in its order."""
	from frappe.core.doctype.file.utils import relink_mismatched_files

	doc.run_method("after_insert")
	doc.flags.in_insert = True
	relink_mismatched_files(doc)
	if not doc.flags.updater_reference:
		# save_version writes nothing for a new document without one (Version.for_insert): skip making
		# the Version document that would say so
		doc.flags.ignore_version = True
	doc.run_post_save_methods()
	doc.flags.in_insert = False
	for attribute in ("__islocal", "__unsaved"):
		if hasattr(doc, attribute):
			delattr(doc, attribute)
	if frappe.get_cached_value("User", frappe.session.user, "follow_created_documents"):
		from frappe.desk.form.document_follow import follow_document

		follow_document(doc.doctype, doc.name, frappe.session.user)
