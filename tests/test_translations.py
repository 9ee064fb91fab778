"""The translations: crm_plus/locale/main.pot holds every string a person reads, zh.po and lt.po translate
all of it with placeholders and HTML intact, and no user-visible literal escapes _() / __().
Stdlib only: the PO files are parsed here, the code with ast and regular expressions."""

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from crm_plus.install.custom_fields import CUSTOM_FIELDS, OPTION_MESSAGES, RECORD_MESSAGES

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "crm_plus"
LOCALE = APP / "locale"
POT = LOCALE / "main.pot"
LANGUAGES = ("zh", "lt")

PY_FILES = sorted(
	p for p in APP.rglob("*.py") if "tests" not in p.relative_to(APP).parts and not p.name.startswith("test_")
)
JS_FILES = sorted(p for p in APP.rglob("*.js") if "node_modules" not in p.parts)
HTML_FILES = sorted(APP.rglob("*.html"))

# Strings a person never reads as text: they stay out of the checks below.
NOT_MESSAGES = {"", "-", "#"}


# ---------------------------------------------------------------- PO parsing


def _unquote(line: str) -> str:
	return ast.literal_eval(line)


def parse_po(path: Path) -> dict[tuple[str | None, str], str]:
	"""{(msgctxt, msgid): msgstr} of a PO/POT file, the header (empty msgid) left out. Handles the
	subset Babel writes: comments, msgctxt, msgid, msgstr and their continuation lines."""
	entries: dict[tuple[str | None, str], str] = {}
	current: dict[str, str] = {}
	key = None

	def flush():
		if current.get("msgid"):
			entries[(current.get("msgctxt"), current["msgid"])] = current.get("msgstr", "")
		current.clear()

	for raw in path.read_text(encoding="utf-8").splitlines():
		line = raw.strip()
		if not line or line.startswith("#"):
			if not line and current:
				flush()
			continue
		if line.startswith('"'):
			current[key] += _unquote(line)
			continue
		keyword, _, rest = line.partition(" ")
		if keyword == "msgctxt" or (keyword == "msgid" and "msgid" in current):
			flush()
		key = keyword
		current[key] = _unquote(rest)
	flush()
	return entries


def po_header(path: Path) -> str:
	text = path.read_text(encoding="utf-8")
	match = re.search(r'^msgid ""\nmsgstr ""\n((?:".*"\n)+)', text, re.M)
	return "".join(_unquote(line) for line in match.group(1).splitlines()) if match else ""


@pytest.fixture(scope="module")
def pot() -> dict[tuple[str | None, str], str]:
	return parse_po(POT)


@pytest.fixture(scope="module")
def msgids(pot) -> set[str]:
	return {msgid for _ctx, msgid in pot}


# ---------------------------------------------------------------- the PO files


def test_pot_is_babel_catalog_of_the_app():
	header = po_header(POT)
	assert "Content-Type: text/plain; charset=utf-8" in header
	assert "Project-Id-Version: CRM Plus" in header


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated(pot, language):
	"""A missing or incomplete PO file fails here (the Lithuanian one until it is written)."""
	path = LOCALE / f"{language}.po"
	assert path.exists(), f"{path.relative_to(ROOT)} is missing"
	po = parse_po(path)
	assert f"Language: {language}" in po_header(path)
	missing = sorted(msgid for key in pot if not (po.get(key) or "").strip() for _ctx, msgid in [key])
	assert not missing, f"{len(missing)} msgids without a {language} translation, e.g. {missing[:10]}"
	obsolete = sorted(msgid for (_ctx, msgid) in po.keys() - pot.keys())
	assert not obsolete, f"{language}.po translates msgids main.pot no longer has: {obsolete[:10]}"


PLACEHOLDER = re.compile(r"\{\w*\}|%(?:\(\w+\))?[sdf]")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)[^>]*?/?>")


def placeholders(text: str) -> Counter:
	return Counter(PLACEHOLDER.findall(text))


def tags(text: str) -> Counter:
	return Counter(("/" if m.group(0).startswith("</") else "") + m.group(1) for m in TAG.finditer(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_tags_survive(language):
	path = LOCALE / f"{language}.po"
	if not path.exists():
		pytest.fail(f"{path.relative_to(ROOT)} is missing")
	broken = [
		(msgid, msgstr)
		for (_ctx, msgid), msgstr in parse_po(path).items()
		if msgstr and (placeholders(msgid) != placeholders(msgstr) or tags(msgid) != tags(msgstr))
	]
	assert not broken, broken[:10]


def test_checks_themselves():
	assert placeholders("Complaint {0} of {1}: %s") == Counter({"{0}": 1, "{1}": 1, "%s": 1})
	chinese = "投诉 {1}：{0}%s"  # noqa: RUF001
	assert placeholders(chinese) == placeholders("Complaint {0} of {1}: %s")
	assert placeholders("{0} of {1}") != placeholders("{0} / {0}")
	assert tags('<b>{0}</b> <a href="x">open</a>') == tags('<a href="y">打开</a><b>{0}</b>')
	assert tags("<b>x</b>") != tags("<strong>x</strong>")


# ---------------------------------------------------------------- the code's strings are in the POT


def _python_literals(path: Path) -> list[tuple[int, str]]:
	"""Literal first arguments of _(), _lt() and N_() (the no-op marker) calls."""
	found = []
	for node in ast.walk(ast.parse(path.read_text())):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id in ("_", "_lt", "N_")
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			found.append((node.lineno, node.args[0].value))
	return found


JS_CALL = re.compile(r"""(?<![\w.$])__\(\s*(?P<q>["'])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*[,)]""", re.S)
JINJA_CALL = re.compile(r"""(?<![\w.$])_\(\s*(?P<q>["'])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*[,)]""", re.S)


def _js_unescape(s: str) -> str:
	return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def _lineno(text: str, pos: int) -> int:
	return text.count("\n", 0, pos) + 1


def code_literals() -> list[tuple[str, int, str]]:
	"""(file, line, literal) of every translation call with a literal in the app's Python, JS and
	HTML."""
	found = []
	for path in PY_FILES:
		found += [(str(path.relative_to(ROOT)), line, s) for line, s in _python_literals(path)]
	for path in JS_FILES + HTML_FILES:
		text = path.read_text()
		patterns = [JS_CALL] + ([JINJA_CALL] if path.suffix == ".html" else [])
		for pattern in patterns:
			found += [
				(str(path.relative_to(ROOT)), _lineno(text, m.start()), _js_unescape(m.group("s")))
				for m in pattern.finditer(text)
			]
	return found


def test_every_code_literal_is_a_msgid(msgids):
	literals = code_literals()
	assert len(literals) > 300  # the scan itself works
	missing = sorted({f"{f}:{line}: {s!r}" for f, line, s in literals if s not in msgids})
	assert not missing, "Not in main.pot (run generate-pot-file, then update-po-files):\n" + "\n".join(
		missing
	)


JS_OPTIONS = re.compile(r"""\boptions\s*:\s*\[([^\]]*)\]""")


def js_select_options() -> list[tuple[str, int, str]]:
	"""Literal values of `options: [...]` in the JS (report filters, dialogs): the Select control shows
	them through __(value), so each one must be a msgid (or come as {value, label: __("...")})."""
	found = []
	for path in JS_FILES:
		text = path.read_text()
		for m in JS_OPTIONS.finditer(text):
			listed = re.sub(r"__\([^)]*\)|\bvalue\s*:\s*([\"'])[^\"']*\1", "", m.group(1))
			found += [
				(str(path.relative_to(ROOT)), _lineno(text, m.start()), s.group(2))
				for s in re.finditer(r"([\"'])((?:\\.|(?!\1).)*)\1", listed)
				if re.search(r"[A-Za-z]{2}", s.group(2))
			]
	return found


def test_every_js_select_option_is_a_msgid(msgids):
	missing = sorted({f"{f}:{line}: {s!r}" for f, line, s in js_select_options() if s not in msgids})
	assert not missing, "Shown through __() but not in main.pot:\n" + "\n".join(missing)


def _select_options(options: str) -> list[str]:
	return [o for o in (options or "").split("\n") if re.search(r"[A-Za-z]{2}", o)]


def json_messages() -> list[tuple[str, str]]:
	"""(where, message) of every label, description and select option in the app's DocType, report,
	workspace, workflow and record JSON, and in its custom fields."""
	found = []
	for path in sorted(APP.glob("crm_plus/doctype/*/*.json")):
		data = json.loads(path.read_text())
		if data.get("doctype") != "DocType":
			continue
		where = str(path.relative_to(ROOT))
		found.append((where, data["name"]))
		for df in data.get("fields", []):
			found += [(where, df[k]) for k in ("label", "description") if df.get(k)]
			if df.get("fieldtype") == "Select" and df.get("fieldname") != "naming_series":
				found += [(where, o) for o in _select_options(df.get("options"))]
	for path in sorted(APP.glob("crm_plus/report/*/*.json")):
		data = json.loads(path.read_text())
		found.append((str(path.relative_to(ROOT)), data["report_name"]))
	for path in sorted(APP.glob("crm_plus/workspace/*/*.json")):
		data = json.loads(path.read_text())
		where = str(path.relative_to(ROOT))
		found.append((where, data["label"]))
		for key in ("links", "shortcuts", "charts", "number_cards", "quick_lists"):
			found += [(where, item["label"]) for item in data.get(key, []) if item.get("label")]
	for path in sorted((APP / "workflows").glob("*.json")) + sorted(
		(APP / "install" / "records").glob("*.json")
	):
		where = str(path.relative_to(ROOT))
		for record in json.loads(path.read_text()):
			for key in (
				"workflow_state_name",
				"workflow_action_name",
				"workflow_name",
				"label",
				"chart_name",
				"rule_name",
			):
				if record.get(key):
					found.append((where, record[key]))
			for transition in record.get("transitions", []):
				found += [(where, transition[k]) for k in ("state", "action", "next_state")]
	for doctype, fields in CUSTOM_FIELDS.items():
		for df in fields:
			where = f"custom field {doctype}.{df['fieldname']}"
			found += [(where, df[k]) for k in ("label", "description") if df.get(k)]
			if df.get("fieldtype") == "Select":
				found += [(where, o) for o in _select_options(df.get("options"))]
	return found


def test_every_json_and_custom_field_message_is_a_msgid(msgids):
	messages = json_messages()
	assert len(messages) > 500
	missing = sorted({f"{where}: {m!r}" for where, m in messages if m not in msgids})
	assert not missing, "Not in main.pot:\n" + "\n".join(missing)


def test_record_and_option_messages_are_listed():
	"""What Frappe's extractor sees of the install records and of the custom Select fields' options is
	RECORD_MESSAGES and OPTION_MESSAGES (crm_plus/install/custom_fields.py): a new workflow state, action,
	card, chart or option has to be listed there."""
	records = {
		m for where, m in json_messages() if where.startswith(("crm_plus/workflows", "crm_plus/install"))
	}
	assert len(records) > 40
	assert sorted(records - set(RECORD_MESSAGES)) == []
	options = {
		o
		for fields in CUSTOM_FIELDS.values()
		for df in fields
		if df.get("fieldtype") == "Select"
		for o in _select_options(df.get("options"))
	}
	assert sorted(options - set(OPTION_MESSAGES)) == []


def test_churn_reasons_translate_from_msgids(msgids):
	"""The scoring's reasons are English text; `messages` gives each as (msgid, args) for `_()`."""
	from datetime import date
	from decimal import Decimal

	from crm_plus.domain.retention import CustomerFacts, churn_risk

	facts = CustomerFacts(
		customer="C",
		first_purchase=date(2025, 1, 1),
		last_purchase=date(2025, 6, 1),
		frequency=3,
		monetary=Decimal(900),
		returns_amount=Decimal(100),
		revenue_recent=Decimal(100),
		revenue_previous=Decimal(800),
		outstanding=Decimal(300),
		overdue=Decimal(200),
		open_complaints=1,
		last_satisfaction=2,
		negative_interactions=2,
		usual_gap_days=Decimal(30),
	)
	risk = churn_risk(facts, date(2026, 1, 1))
	assert len(risk.messages) == len(risk.reasons) >= 5
	for (template, args), reason in zip(risk.messages, risk.reasons, strict=True):
		assert template in msgids
		assert template.format(*args) == reason


# ---------------------------------------------------------------- strings that escape translation

MESSAGE_FUNCS = {"throw", "msgprint", "ValidationError"}
PY_TITLE_KWARGS = {"title", "label", "description", "primary_action_label", "indicator_label"}


def _is_bare_text(node: ast.AST) -> bool:
	"""A string literal or f-string with letters in it (so a person reads it)."""
	if isinstance(node, ast.Constant) and isinstance(node.value, str):
		return bool(re.search(r"[A-Za-z]{2}", node.value))
	if isinstance(node, ast.JoinedStr):
		return any(
			isinstance(v, ast.Constant) and re.search(r"[A-Za-z]{2}", str(v.value)) for v in node.values
		)
	return False


def _is_built_text(node: ast.AST) -> bool:
	"""An f-string, `"..." % x`, `"..." + x` or `"...".format(x)`: _() would look up the built text."""
	if isinstance(node, ast.JoinedStr | ast.BinOp):
		return True
	return (
		isinstance(node, ast.Call)
		and isinstance(node.func, ast.Attribute)
		and node.func.attr == "format"
		and isinstance(node.func.value, ast.Constant)
	)


def python_escapes(path: Path) -> list[tuple[int, str]]:
	"""frappe.throw/msgprint with a bare literal or f-string, titles and column labels without _(),
	and f-strings or % formatting inside _()."""
	found = []
	tree = ast.parse(path.read_text())
	for node in ast.walk(tree):
		if isinstance(node, ast.Call):
			name = getattr(node.func, "attr", getattr(node.func, "id", None))
			if name == "_" and node.args and _is_built_text(node.args[0]):
				found.append((node.lineno, "_() of an f-string, % formatting, .format() or concatenation"))
			if name in MESSAGE_FUNCS and node.args and _is_bare_text(node.args[0]):
				found.append((node.lineno, f"{name}() of a bare string"))
			if name in ("throw", "msgprint"):
				found += [
					(node.lineno, f"{name}({kw.arg}=) of a bare string")
					for kw in node.keywords
					if kw.arg in PY_TITLE_KWARGS and _is_bare_text(kw.value)
				]
		if isinstance(node, ast.Dict):
			keys = {
				k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)
			}
			# a report column or a dialog field {"fieldname": ..., "label": "Text"}, a summary card
			# {"value": ..., "label": "Text"}, a chart dataset {"name": "Text", "values": ...}
			if "label" in keys and keys.keys() & {"fieldname", "value", "datatype"}:
				if _is_bare_text(keys["label"]):
					found.append((keys["label"].lineno, "column/field/card label without _()"))
			if "name" in keys and "values" in keys and _is_bare_text(keys["name"]):
				found.append((keys["name"].lineno, "chart dataset name without _()"))
	return found


JS_ESCAPES = [
	(
		re.compile(
			r"""\b(label|title|description|primary_action_label|secondary_action_label)\s*:\s*["'`][^"'`\n]*[A-Za-z]{2}"""
		),
		"{0}: a bare string",
	),
	(
		re.compile(r"""frappe\.(throw|msgprint|show_alert|confirm)\(\s*["'`][^"'`\n]*[A-Za-z]{2}"""),
		"frappe.{0}() of a bare string",
	),
	(
		re.compile(
			r"""\.(add_custom_button|set_primary_action|add_inner_button|set_title|page_title)\(\s*["'`][^"'`\n]*[A-Za-z]{2}"""
		),
		"{0}() of a bare string",
	),
	(re.compile(r"""__\(\s*`[^`]*\$\{"""), "__() of a template literal with ${{}}"),
	(re.compile(r"""__\(\s*(["'])(?:\\.|(?!\1).)*\1\s*\+"""), "__() of a concatenation"),
]


def js_escapes(path: Path) -> list[tuple[int, str]]:
	text = path.read_text()
	found = []
	for pattern, message in JS_ESCAPES:
		for m in pattern.finditer(text):
			found.append((_lineno(text, m.start()), message.format(*(m.groups() or ("",)))))
	return found


# Jinja text between tags with letters in it, outside {{ }}, {% %} and <script>/<style>.
HTML_TEXT = re.compile(r">\s*([^<>{}]*[A-Za-z]{2}[^<>{}]*?)\s*<")
HTML_ATTR = re.compile(r"""\b(placeholder|title|aria-label|alt)\s*=\s*["']([^"'{]*[A-Za-z]{2}[^"'{]*)["']""")


def html_escapes(path: Path) -> list[tuple[int, str]]:
	text = path.read_text()
	stripped = re.sub(r"<(script|style)\b.*?</\1>", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
	stripped = re.sub(r"&#?\w+;", "", stripped)
	stripped = re.sub(r"\{[{%#].*?[}%#]\}", lambda m: "\n" * m.group(0).count("\n"), stripped, flags=re.S)
	found = [(_lineno(stripped, m.start(1)), f"text {m.group(1)!r}") for m in HTML_TEXT.finditer(stripped)]
	found += [
		(_lineno(stripped, m.start()), f"{m.group(1)}={m.group(2)!r}") for m in HTML_ATTR.finditer(stripped)
	]
	return found


def escapes() -> list[str]:
	found = []
	for path in PY_FILES:
		found += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in python_escapes(path)]
	for path in JS_FILES:
		found += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in js_escapes(path)]
	for path in HTML_FILES:
		found += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in html_escapes(path)]
	return sorted(found)


def test_no_user_visible_string_escapes_translation():
	found = escapes()
	assert not found, "Wrap these in _() / __():\n" + "\n".join(found)


def test_the_static_check_catches_escapes(tmp_path):
	py = tmp_path / "x.py"
	py.write_text(
		'frappe.throw("No customer")\nfrappe.throw(_(f"Bad {x}"))\n'
		'cols = [{"fieldname": "a", "label": "Amount"}]\nfrappe.throw(_("Fine"), title="Oops")\n'
		'ok = [{"fieldname": "a", "label": _("Amount")}]\nfrappe.throw(_("Fine {0}").format(x))\n'
	)
	assert sorted(line for line, _what in python_escapes(py)) == [1, 2, 3, 4]
	js = tmp_path / "x.js"
	js.write_text(
		'frappe.msgprint("Done");\nlet f = {label: "Name"};\nfrm.add_custom_button("Go", () => 1);\n'
		'ok = {label: __("Name")}; frappe.msgprint(__("Done"));\n__(`Hi ${name}`);\n__("Hi " + name);\n'
	)
	assert sorted(line for line, _what in js_escapes(js)) == [1, 2, 3, 5, 6]
	html = tmp_path / "x.html"
	html.write_text(
		'<h1>{{ _("Complaints") }}</h1>\n<p>Your complaints</p>\n<input placeholder="Search">\n'
		"<script>let a = 1 < 2 > 0;</script>\n"
	)
	assert sorted(line for line, _what in html_escapes(html)) == [2, 3]
