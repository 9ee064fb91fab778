"""Static checks of the code's structure: every dotted path the app names resolves, each name (status,
role, band, stage) is defined once, and the workflows installed as data follow the domain's rules.
They run with no Frappe installed."""

import ast
import json
import re
from pathlib import Path

import pytest

from crm_plus import constants
from crm_plus.domain import attribution, campaigns, goals, retention, sla, winback

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "crm_plus"
PY_FILES = sorted(APP.rglob("*.py"))
JS_FILES = sorted(p for p in APP.rglob("*.js") if "node_modules" not in p.parts)
HTML_FILES = sorted(APP.rglob("*.html"))


# ---------------------------------------------------------------- dotted paths


def _module_source(module: str) -> Path | None:
	base = APP.parent / module.replace(".", "/")
	for candidate in (base.with_suffix(".py"), base / "__init__.py"):
		if candidate.is_file():
			return candidate
	return None


def _top_level(source: Path) -> dict[str, ast.AST]:
	"""Functions, classes, assignments and imported names at a module's top level."""
	names = {}
	for node in ast.parse(source.read_text()).body:
		if isinstance(node, ast.FunctionDef | ast.ClassDef):
			names[node.name] = node
		elif isinstance(node, ast.Assign):
			names.update({t.id: node for t in node.targets if isinstance(t, ast.Name)})
		elif isinstance(node, ast.ImportFrom):
			names.update({alias.asname or alias.name: node for alias in node.names})
	return names


def _resolve(path: str) -> ast.AST | None:
	module, _, name = path.rpartition(".")
	source = _module_source(module)
	return _top_level(source).get(name) if source else None


def _strings(value):
	if isinstance(value, str):
		yield value
	elif isinstance(value, dict):
		for v in value.values():
			yield from _strings(v)
	elif isinstance(value, list | tuple):
		for v in value:
			yield from _strings(v)


def _hook_paths() -> list[str]:
	tree = ast.parse((APP / "hooks.py").read_text())
	values = [ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)]
	return sorted(
		{s for s in _strings(values) if re.fullmatch(r"crm_plus(\.\w+){2,}", s) and not s.endswith(".js")}
	)


def _enqueued_paths() -> list[tuple[str, str]]:
	found = []
	for path in PY_FILES:
		for node in ast.walk(ast.parse(path.read_text())):
			if (
				isinstance(node, ast.Call)
				and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("enqueue", "enqueue_doc")
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and str(node.args[0].value).startswith("crm_plus.")
			):
				found.append((str(path.relative_to(ROOT)), node.args[0].value))
	return found


JS_CALL = re.compile(r"""(?:method\s*:\s*|xcall\(\s*|frappe\.call\(\s*)["'](crm_plus(?:\.\w+)+)["']""")


def _called_from_js() -> list[tuple[str, str]]:
	return [
		(str(path.relative_to(ROOT)), match)
		for path in JS_FILES + HTML_FILES
		for match in JS_CALL.findall(path.read_text())
	]


def test_paths_are_found():
	assert len(_hook_paths()) > 20
	assert _enqueued_paths()
	assert _called_from_js()


@pytest.mark.parametrize("path", _hook_paths())
def test_hooks_name_functions_that_exist(path):
	assert _resolve(path) is not None, f"hooks.py names {path}, which does not exist"


@pytest.mark.parametrize("where,path", _enqueued_paths())
def test_enqueued_jobs_exist(where, path):
	node = _resolve(path)
	assert isinstance(
		node, ast.FunctionDef | ast.ImportFrom
	), f"{where} enqueues {path}, which does not exist"


def _is_whitelisted(node) -> bool:
	return any(
		isinstance(target := (d.func if isinstance(d, ast.Call) else d), ast.Attribute)
		and target.attr == "whitelist"
		for d in node.decorator_list
	)


@pytest.mark.parametrize("where,path", _called_from_js())
def test_javascript_calls_whitelisted_methods(where, path):
	node = _resolve(path)
	assert isinstance(node, ast.FunctionDef), f"{where} calls {path}, which does not exist"
	assert _is_whitelisted(node), f"{where} calls {path}, which is not whitelisted"


# ---------------------------------------------------------------- each name once

# Each vocabulary has one home; anywhere else, a tuple, list or set holding two or more of its words is
# a second definition (tests aside: they state what they expect).
VOCABULARIES = {
	"complaint states": (sla.STATES, "domain/sla.py"),
	"campaign statuses": (campaigns.CAMPAIGN_STATUSES, "domain/campaigns.py"),
	"campaign member statuses": (campaigns.MEMBER_STATUSES, "domain/campaigns.py"),
	"retention plan states": (winback.PLAN_STATES, "domain/winback.py"),
	"risk bands": (retention.BANDS, "domain/retention.py"),
	"value segments": (retention.SEGMENTS, "domain/retention.py"),
	"goal statuses": (
		(goals.ON_TRACK, goals.AT_RISK, goals.ACHIEVED, goals.MISSED, goals.NOT_MEASURED),
		"domain/goals.py",
	),
	"goal metrics": (tuple(goals.METRICS), "domain/goals.py"),
	"roles": (
		(
			*constants.ROLES,
			constants.SALES_USER,
			constants.SALES_MANAGER,
			constants.SALES_MASTER_MANAGER,
			constants.ACCOUNTS_USER,
			constants.ACCOUNTS_MANAGER,
			constants.SYSTEM_MANAGER,
		),
		"constants.py",
	),
}


# ERPNext's own words that happen to overlap ours: a collection of those only is theirs.
OTHER_VOCABULARIES = {
	"Issue priorities (ERPNext)": ("Low", "Medium", "High"),
	**{name: words for name, (words, _home) in VOCABULARIES.items()},
}


def _production(paths):
	return [
		p for p in paths if not p.name.startswith("test_") and "tests" not in p.relative_to(APP).parts[:1]
	]


def _generated_lines(text: str) -> set[int]:
	"""Lines of Frappe's generated type blocks: they mirror the doctype's JSON, which
	`test_select_options_are_the_domains` holds to the domain."""
	lines, inside = set(), False
	for number, line in enumerate(text.splitlines(), start=1):
		inside = inside or "# begin: auto-generated types" in line
		if inside:
			lines.add(number)
		inside = inside and "# end: auto-generated types" not in line
	return lines


def _python_collections():
	for path in _production(PY_FILES):
		text = path.read_text()
		generated = _generated_lines(text)
		for node in ast.walk(ast.parse(text)):
			if getattr(node, "lineno", None) in generated:
				continue
			if isinstance(node, ast.Tuple | ast.List | ast.Set):
				words = [
					e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
				]
				yield path, node.lineno, words
			elif isinstance(node, ast.Constant) and isinstance(node.value, str):
				# SQL literals such as "status in ('Resolved', 'Closed')"
				yield path, node.lineno, re.findall(r"'([^'\n]*)'", node.value)


def _javascript_arrays():
	for path in _production(JS_FILES):
		text = path.read_text()
		for match in re.finditer(r"\[([^\[\]]*)\]", text):
			yield (
				path,
				text[: match.start()].count("\n") + 1,
				[a or b for a, b in re.findall(r""""([^"\n]*)"|'([^'\n]*)'""", match.group(1))],
			)


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_each_vocabulary_is_defined_once(vocabulary):
	words, home = VOCABULARIES[vocabulary]
	offenders = []
	for path, line, found in [*_python_collections(), *_javascript_arrays()]:
		if path.relative_to(APP).parts[0] == "domain" or str(path.relative_to(APP)) == home:
			continue  # the domain's modules are the homes of these words
		shared = set(found) & set(words)
		if len(shared) >= 2 and not any(
			name != vocabulary and set(found) <= set(other) for name, other in OTHER_VOCABULARIES.items()
		):
			offenders.append(f"{path.relative_to(ROOT)}:{line}")
	assert not offenders, f"{vocabulary} are defined in {home}; copies at {offenders}"


def _select_options(doctype_folder: str, fieldname: str) -> tuple[str, ...]:
	path = APP / "crm_plus" / "doctype" / doctype_folder / f"{doctype_folder}.json"
	field = next(f for f in json.loads(path.read_text())["fields"] if f["fieldname"] == fieldname)
	return tuple(o for o in field["options"].split("\n") if o)


@pytest.mark.parametrize(
	"folder,fieldname,words",
	[
		("customer_complaint", "status", sla.STATES),
		("campaign_member", "status", campaigns.MEMBER_STATUSES),
		("retention_plan", "status", winback.PLAN_STATES),
		("retention_control", "status", winback.CONTROL_STATES),
		(
			"crm_goal",
			"status",
			(goals.NOT_MEASURED, goals.ON_TRACK, goals.AT_RISK, goals.ACHIEVED, goals.MISSED),
		),
	],
)
def test_select_options_are_the_domains(folder, fieldname, words):
	"""Frappe keeps a Select's options in the doctype's JSON: they must be the domain's words."""
	assert _select_options(folder, fieldname) == tuple(words)


# ---------------------------------------------------------------- labels, not internal names


def test_select_values_users_see_are_labels():
	"""Frappe v15 shows a Select's stored values (translated): the attribution models and the goal
	metrics are labels, and the doctypes and the Campaign ROI report offer exactly the domain's."""
	assert _select_options("crm_goal", "metric") == tuple(goals.METRICS)
	assert _select_options("crm_plus_settings", "attribution_model") == attribution.MODELS
	settings = json.loads((APP / "crm_plus/doctype/crm_plus_settings/crm_plus_settings.json").read_text())
	[model] = [f for f in settings["fields"] if f["fieldname"] == "attribution_model"]
	assert model["default"] == attribution.DEFAULT_MODEL
	report = (APP / "crm_plus/report/campaign_roi/campaign_roi.js").read_text()
	options = re.search(r'fieldname: "model",[^}]*?options: \[([^\]]*)\]', report, re.S)
	assert options, "the Campaign ROI report has no model filter"
	assert re.findall(r'"([^"]*)"', options.group(1)) == ["", *attribution.MODELS]
	for label in (*attribution.MODELS, *goals.METRICS):
		assert label[0].isupper() and "_" not in label, label
	# the former internal names each name a value of today
	assert set(attribution.FORMER_MODELS.values()) == set(attribution.MODELS)
	assert set(goals.FORMER_METRICS.values()) == set(goals.METRICS)


# ---------------------------------------------------------------- workflows as data

WORKFLOW_FILES = sorted((APP / "workflows").glob("*.json"))


def _workflow(path: Path) -> tuple[dict, list[dict]]:
	records = json.loads(path.read_text())
	return next(r for r in records if r["doctype"] == "Workflow"), records


def test_every_workflow_has_its_note():
	assert {p.stem for p in WORKFLOW_FILES} == {
		"customer_complaint",
		"campaign_approval",
		"retention_plan",
	}
	notes = (APP / "workflows" / "README.md").read_text()
	for path in WORKFLOW_FILES:
		workflow, _records = _workflow(path)
		assert f"## {workflow['workflow_name']}" in notes, f"no note for {workflow['workflow_name']}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_workflow_states_and_actions_are_installed_with_it(path):
	workflow, records = _workflow(path)
	states = {r["workflow_state_name"] for r in records if r["doctype"] == "Workflow State"}
	actions = {r["workflow_action_name"] for r in records if r["doctype"] == "Workflow Action Master"}
	used_states = {s["state"] for s in workflow["states"]} | {
		t["next_state"] for t in workflow["transitions"]
	}
	assert used_states <= states
	assert {t["action"] for t in workflow["transitions"]} <= actions
	roles = {s["allow_edit"] for s in workflow["states"]} | {t["allowed"] for t in workflow["transitions"]}
	assert roles <= set(VOCABULARIES["roles"][0]), roles - set(VOCABULARIES["roles"][0])


def test_complaint_workflow_is_the_domains():
	"""Every transition of the installed workflow is one the domain allows, to the roles it names,
	and every transition of the domain is installed."""
	workflow, _records = _workflow(APP / "workflows" / "customer_complaint.json")
	installed = {(t["state"], t["action"], t["next_state"], t["allowed"]) for t in workflow["transitions"]}
	expected = {
		(t.from_state, t.action, t.to_state, role) for t in sla.TRANSITIONS for role in t.allowed_roles
	}
	assert installed == expected
	assert tuple(dict.fromkeys(s["state"] for s in workflow["states"])) == sla.STATES
	for state in sla.STATES:
		for role in (sla.AGENT, sla.MANAGER):
			offered = sorted(t[1] for t in installed if t[0] == state and t[3] == role)
			assert offered == sorted(sla.allowed_actions(state, [role])), (state, role)
	# closed complaints are edited by managers only
	for row in workflow["states"]:
		if row["state"] in sla.CLOSED_STATES:
			assert row["allow_edit"] == sla.MANAGER


def test_campaign_workflow_moves_through_the_campaign_statuses():
	workflow, _records = _workflow(APP / "workflows" / "campaign_approval.json")
	assert workflow["workflow_state_field"] == "crm_status"
	assert {s["state"] for s in workflow["states"]} == set(campaigns.CAMPAIGN_STATUSES)


# ERPNext's DocPerms on Campaign give write to these roles (erpnext/crm/doctype/campaign/campaign.json;
# the integration test test_erpnext_roles_keep_rights reads them from ERPNext itself), and crm_plus
# gives it to its own campaign roles (crm_plus.install.permissions).
ERPNEXT_CAMPAIGN_WRITERS = (constants.SALES_MANAGER, constants.SALES_MASTER_MANAGER)
CAMPAIGN_WRITERS = (*ERPNEXT_CAMPAIGN_WRITERS, constants.MARKETING_MANAGER, constants.CRM_MANAGER)
# The plan's steps other than the approval, from each state: every writer may take them.
PLAN_STEPS = {
	campaigns.PLANNED: {"Submit for Approval", "Start", "Cancel"},
	campaigns.PENDING_APPROVAL: {"Cancel"},
	campaigns.APPROVED: {"Submit for Approval", "Start", "Cancel"},
	campaigns.ACTIVE: {"Submit for Approval", "Complete", "Cancel"},
	campaigns.COMPLETED: set(),
	campaigns.CANCELLED: set(),
}


def test_campaign_workflow_keeps_erpnext_rights_but_the_approval():
	"""Installing crm_plus takes from no role that may write a campaign the right to edit it, in any
	state, or to take a step of the plan; only the approval (Approve, Reject) is the approvers'."""
	workflow, _records = _workflow(APP / "workflows" / "campaign_approval.json")
	for state in campaigns.CAMPAIGN_STATUSES:
		editors = {row["allow_edit"] for row in workflow["states"] if row["state"] == state}
		assert set(CAMPAIGN_WRITERS) <= editors, (state, set(CAMPAIGN_WRITERS) - editors)
	moves = {(t["state"], t["action"], t["allowed"]) for t in workflow["transitions"]}
	for role in CAMPAIGN_WRITERS:
		for state, steps in PLAN_STEPS.items():
			offered = {action for s, action, r in moves if s == state and r == role}
			expected = steps | ({"Approve", "Reject"} if state == campaigns.APPROVE_FROM else set())
			assert offered == (expected if role in campaigns.APPROVER_ROLES else steps), (role, state)
	approval = {
		(t["action"], t["next_state"]): set()
		for t in workflow["transitions"]
		if t["state"] == campaigns.APPROVE_FROM and t["next_state"] != campaigns.CANCELLED
	}
	for t in workflow["transitions"]:
		if (t["action"], t["next_state"]) in approval and t["state"] == campaigns.APPROVE_FROM:
			approval[(t["action"], t["next_state"])].add(t["allowed"])
	assert approval == {
		("Approve", campaigns.APPROVED): set(campaigns.APPROVER_ROLES),
		("Reject", campaigns.PLANNED): set(campaigns.APPROVER_ROLES),
	}


def _note_table(workflow_name: str) -> set[tuple[str, str, str, str]]:
	"""The transitions the README's table of a workflow lists, a row per role."""
	notes = (APP / "workflows" / "README.md").read_text()
	section = notes.split(f"## {workflow_name}", 1)[1].split("\n## ", 1)[0]
	rows = set()
	for line in section.splitlines():
		cells = [c.strip() for c in line.strip().strip("|").split("|")]
		if len(cells) == 4 and cells[0] not in ("From", "---"):
			rows.update((cells[0], cells[1], cells[2], role.strip()) for role in cells[3].split(","))
	return rows


def test_campaign_workflow_note_is_the_file():
	workflow, _records = _workflow(APP / "workflows" / "campaign_approval.json")
	installed = {(t["state"], t["action"], t["next_state"], t["allowed"]) for t in workflow["transitions"]}
	assert _note_table("Campaign Approval") == installed


def test_retention_plan_workflow_moves_through_the_plan_states():
	workflow, _records = _workflow(APP / "workflows" / "retention_plan.json")
	assert {s["state"] for s in workflow["states"]} == set(winback.PLAN_STATES)
	closed = {t["next_state"] for t in workflow["transitions"]} - set(winback.OPEN_PLAN_STATES)
	assert closed == set(winback.CLOSED_PLAN_STATES)


def _patches() -> list[str]:
	lines = (APP / "patches.txt").read_text().splitlines()
	return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "["))]


@pytest.mark.parametrize("path", _patches())
def test_patches_have_an_execute_function(path):
	source = _module_source(path)
	assert source is not None, f"patches.txt names {path}, which does not exist"
	assert "execute" in _top_level(source), f"{path} has no execute()"
