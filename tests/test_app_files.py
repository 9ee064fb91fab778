"""Static checks of the app's own files: they run with no Frappe installed."""

import ast
import json
import re
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "crm_plus"
MODULE_DIR = APP / "crm_plus"
UPSTREAM = {
	line.strip()
	for line in (ROOT / "tests" / "data" / "upstream_doctypes.txt").read_text().splitlines()
	if line.strip() and not line.startswith("#")
}
DOCTYPE_JSONS = sorted(MODULE_DIR.glob("doctype/*/*.json"))
OWN_DOCTYPES = {json.loads(p.read_text())["name"] for p in DOCTYPE_JSONS}
PY_FILES = sorted(p for p in APP.rglob("*.py"))


def _scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def _jsons(kind: str):
	return sorted(p for p in MODULE_DIR.glob(f"{kind}/*/*.json") if p.stem == p.parent.name)


def test_layout_is_what_bench_new_app_makes():
	assert (APP / "hooks.py").is_file()
	assert (APP / "modules.txt").read_text().strip() == "CRM Plus"
	assert (APP / "patches.txt").is_file()
	init = (APP / "__init__.py").read_text().strip()
	assert re.fullmatch(r'__version__ = "\d+\.\d+\.\d+"', init), "crm_plus/__init__.py holds only the version"
	pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
	assert pyproject["build-system"]["build-backend"] == "flit_core.buildapi"
	deps = pyproject["tool"]["bench"]["frappe-dependencies"]
	assert deps == {"frappe": ">=15.0.0,<16.0.0", "erpnext": ">=15.0.0,<16.0.0"}
	assert pyproject["tool"]["ruff"]["line-length"] == 110
	assert pyproject["tool"]["ruff"]["format"]["indent-style"] == "tab"


def test_hooks_declare_erpnext_and_point_at_real_functions():
	tree = ast.parse((APP / "hooks.py").read_text())
	values = {
		node.targets[0].id: ast.literal_eval(node.value)
		for node in tree.body
		if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
	}
	assert values["required_apps"] == ["erpnext"]
	dotted = []
	for key in ("after_install", "after_migrate", "before_uninstall", "before_tests"):
		dotted.append(values[key])
	for events in values.get("doc_events", {}).values():
		dotted += [v for vs in events.values() for v in ([vs] if isinstance(vs, str) else vs)]
	for jobs in values.get("scheduler_events", {}).values():
		dotted += list(jobs) if isinstance(jobs, list) else [v for vs in jobs.values() for v in vs]
	for path in dotted:
		module, _, func = path.rpartition(".")
		source = APP.parent / (module.replace(".", "/") + ".py")
		assert source.is_file(), f"{path}: no module {source}"
		names = {
			n.name for n in ast.parse(source.read_text()).body if isinstance(n, ast.FunctionDef)
		} | _imported_names(source)
		assert func in names, f"{path}: {func} is not defined in {source.name}"
	for path in values.get("doctype_js", {}).values():
		assert (APP / path).is_file(), path


def _imported_names(source: Path) -> set[str]:
	names = set()
	for node in ast.parse(source.read_text()).body:
		if isinstance(node, ast.ImportFrom):
			names |= {alias.asname or alias.name for alias in node.names}
	return names


@pytest.mark.parametrize(
	"path", DOCTYPE_JSONS + _jsons("report") + _jsons("workspace") + _jsons("page"), ids=str
)
def test_json_parses_and_belongs_to_crm_plus(path):
	doc = json.loads(path.read_text())
	assert doc["module"] == "CRM Plus"
	expected = _scrub(doc.get("page_name") or doc["name"])
	assert path.parent.name == expected, f"folder {path.parent.name} should be {expected}"


@pytest.mark.parametrize("path", DOCTYPE_JSONS, ids=lambda p: p.parent.name)
def test_doctype_has_controller_with_class_name(path):
	doc = json.loads(path.read_text())
	controller = path.with_suffix(".py")
	assert controller.is_file(), f"{controller} missing"
	classes = [n.name for n in ast.parse(controller.read_text()).body if isinstance(n, ast.ClassDef)]
	assert doc["name"].replace(" ", "").replace("-", "") in classes
	if not doc.get("istable"):
		assert path.with_suffix(".js").is_file(), "non-child doctypes ship a form script"
		assert (path.parent / f"test_{path.stem}.py").is_file(), "integration tests live beside each doctype"


@pytest.mark.parametrize("path", _jsons("report"), ids=lambda p: p.parent.name)
def test_report_has_code_and_test_beside_it(path):
	doc = json.loads(path.read_text())
	if doc["report_type"] == "Script Report":
		assert path.with_suffix(".py").is_file()
		assert path.with_suffix(".js").is_file()
	assert (path.parent / f"test_{path.stem}.py").is_file(), "integration tests live beside each report"


def _link_targets():
	for path in DOCTYPE_JSONS:
		for field in json.loads(path.read_text())["fields"]:
			if field["fieldtype"] in ("Link", "Table", "Table MultiSelect"):
				yield path.parent.name, field["fieldname"], field.get("options")
	from crm_plus.install.custom_fields import CUSTOM_FIELDS

	for doctype, fields in CUSTOM_FIELDS.items():
		assert doctype in UPSTREAM, f"custom fields on unknown doctype {doctype}"
		for field in fields:
			if field["fieldtype"] in ("Link", "Table", "Table MultiSelect"):
				yield doctype, field["fieldname"], field.get("options")


@pytest.mark.parametrize("owner,fieldname,target", list(_link_targets()))
def test_link_fields_point_to_known_doctypes(owner, fieldname, target):
	assert target in OWN_DOCTYPES | UPSTREAM, f"{owner}.{fieldname} links to unknown doctype {target!r}"


def _permission_rows():
	for path in DOCTYPE_JSONS:
		for row in json.loads(path.read_text()).get("permissions", []):
			yield path.parent.name, row["role"]
	for kind in ("report", "page"):
		for path in _jsons(kind):
			for row in json.loads(path.read_text()).get("roles", []):
				yield path.parent.name, row["role"]


def test_no_permission_for_all_or_guest():
	offenders = [(name, role) for name, role in _permission_rows() if role in ("All", "Guest")]
	assert not offenders


def _whitelisted_functions():
	for path in PY_FILES:
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef) and any(_is_whitelist(d) for d in node.decorator_list):
				yield path.relative_to(ROOT), node


def _is_whitelist(decorator) -> bool:
	target = decorator.func if isinstance(decorator, ast.Call) else decorator
	return isinstance(target, ast.Attribute) and target.attr == "whitelist"


def test_there_are_whitelisted_methods():
	assert list(_whitelisted_functions())


@pytest.mark.parametrize(
	"path,node", list(_whitelisted_functions()), ids=lambda x: getattr(x, "name", str(x))
)
def test_whitelisted_methods_have_type_hints(path, node):
	args = [a for a in node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
	missing = [a.arg for a in args if a.annotation is None]
	assert not missing, f"{path}:{node.name} lacks type hints for {missing}"


def test_translations_never_wrap_formatted_strings():
	offenders = []
	for path in PY_FILES:
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
				arg = node.args[0]
				if isinstance(arg, ast.JoinedStr) or (
					isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod | ast.Add)
				):
					offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
	assert not offenders, offenders


def test_domain_never_imports_frappe():
	for path in (APP / "domain").rglob("*.py"):
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.Import | ast.ImportFrom):
				modules = (
					[a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
				)
				assert not any(m.split(".")[0] in ("frappe", "erpnext") for m in modules), path


def test_custom_fields_are_prefixed_and_never_mandatory():
	from crm_plus.install.custom_fields import CUSTOM_FIELDS

	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			assert field["fieldname"].startswith("crm_"), (doctype, field["fieldname"])
			assert not field.get("reqd"), "a mandatory custom field would break ERPNext after uninstall"


def test_workspace_links_point_to_real_things():
	reports = {json.loads(p.read_text())["name"] for p in _jsons("report")}
	pages = {json.loads(p.read_text())["name"] for p in _jsons("page")}
	for path in _jsons("workspace"):
		doc = json.loads(path.read_text())
		for link in doc["links"] + doc["shortcuts"]:
			kind = link.get("link_type") or link.get("type")
			target = link.get("link_to")
			if kind == "DocType":
				assert target in OWN_DOCTYPES | UPSTREAM, target
			elif kind == "Report":
				assert target in reports, target
			elif kind == "Page":
				assert target in pages, target


def test_install_records_keep_their_names():
	"""Frappe names a Number Card by its label and most records by a field; a record whose given name
	differs would be created again on every migrate."""
	name_fields = {"Number Card": "label", "Dashboard Chart": "chart_name", "Energy Point Rule": "rule_name"}
	for path in sorted((APP / "install_records").glob("*.json")):
		for record in json.loads(path.read_text()):
			field = name_fields.get(record["doctype"])
			if field and "name" in record:
				assert record["name"] == record[field], (path.name, record["name"])


NO_VALUE = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Heading", "Fold"}


@pytest.mark.parametrize("path", DOCTYPE_JSONS, ids=lambda p: p.parent.name)
def test_controllers_carry_their_generated_types(path):
	"""`export_python_type_annotations` is on: each controller holds the block Frappe generates from
	its doctype, with one annotation per field (regenerated when the doctype is saved in Desk)."""
	source = path.with_suffix(".py").read_text()
	start, end = "# begin: auto-generated types", "# end: auto-generated types"
	assert start in source and end in source, "no generated type block"
	block = source[source.index(start) : source.index(end)]
	annotated = set(re.findall(r"^\t\t(\w+): DF\.", block, flags=re.M))
	fields = {
		f["fieldname"] for f in json.loads(path.read_text())["fields"] if f["fieldtype"] not in NO_VALUE
	}
	assert (
		fields <= annotated
	), f"the block lacks {sorted(fields - annotated)}: save the doctype to regenerate it"


def test_paths_named_in_the_docs_exist():
	"""README.md and docs/ name files and folders of this repository: they must be there."""
	ignored = {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()}  # made by runs
	missing = []
	for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), APP / "workflows" / "README.md"]:
		for path in re.findall(
			r"`((?:crm_plus|docs|scripts|benchmarks|tests|e2e)/[\w./-]*)`", doc.read_text()
		):
			if path not in ignored and not (ROOT / path.rstrip("/")).exists():
				missing.append(f"{doc.name}: {path}")
	assert not missing, missing
