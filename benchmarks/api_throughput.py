"""Benchmark: the interaction API's throughput, single and batch, under a load tool on loopback.

    cd BENCH/sites && ../env/bin/python /path/to/crm_plus/benchmarks/api_throughput.py SITE
        [--port 8765] [--workers 4] [--connections 16] [--threads 2] [--duration 30]
        [--batch-sizes 100,1000] [--retry-share 0.1] [--role "Accounts User"] [--in-process]

It starts gunicorn as production runs it (`gunicorn -b 127.0.0.1:PORT -w 4 frappe.app:application
--preload`, from the bench's sites folder), then drives it with wrk (`apt-get install wrk`): every
request carries the site's Host header and a token of a user with the given role (not Administrator),
each interaction its own idempotency key, and a share of them (`--retry-share`) a key sent before (a
retry). Printed per method: requests/s, interactions/s, latency p50 and p99 (wrk's), non-2xx answers,
and the records written against the distinct keys sent; then the keys of calls that got no answer
before wrk stopped are sent again, as a client retries, and the records counted once more (nothing
lost, nothing duplicated: records after = distinct keys, duplicated 0). The
first row is Frappe's own floor with the same token, connections and workers: `frappe.auth.get_logged_user`
(token check, session, JSON answer, no document), the anchor the single method is read against.

`--in-process` measures the methods without a server or a load tool (figures a busy machine changes
less): per call, milliseconds and SQL statements of log_interaction and of log_interactions (100 and
1,000 items), through the fast path and through the per-document path (the fast path switched off), each
call committed as a request would be. It asserts nothing; the records it wrote are removed at the end
(`--keep` keeps them).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, site, table

SINGLE = "/api/method/crm_plus.api.interaction.log_interaction"
PING = "/api/method/frappe.auth.get_logged_user"
BATCH = "/api/method/crm_plus.api.interaction.log_interactions"
USER = "crm-bench-api@example.com"

# wrk's script: a thread's keys are RUN-<thread>-<n>; a share of the interactions retries one of the
# thread's earlier keys. done() prints the distinct keys sent and the latency percentiles (ms).
LUA = r"""
local customers = {CUSTOMERS}
local run, path, per_request, retry_share = "RUN", "PATH", PER_REQUEST, RETRY_SHARE
local threads, next_id = {}, 1
id, sent, created = 0, 0, 0 -- globals of each thread: setup() sets id, done() reads sent and created

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

function init(args)
	math.randomseed(id * 7919 + os.time())
	wrk.headers["Host"] = "HOST"
	wrk.headers["Authorization"] = "TOKEN"
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["Accept"] = "application/json"
end

local function item()
	local key
	if sent > 0 and math.random() < retry_share then
		key = run .. "-" .. id .. "-" .. math.random(1, sent)
	else
		sent = sent + 1
		key = run .. "-" .. id .. "-" .. sent
	end
	local customer = customers[math.random(1, #customers)]
	return '{"party": "' .. customer .. '", "subject": "Load test call", "channel": "Phone", '
		.. '"touchpoint": "Billing", "idempotency_key": "' .. key .. '"}'
end

function request()
	local body
	if per_request < 0 then
		return wrk.format("GET", path)
	elseif per_request == 0 then
		body = item()
	else
		local items = {}
		for i = 1, per_request do items[i] = item() end
		body = '{"interactions": [' .. table.concat(items, ", ") .. ']}'
	end
	return wrk.format("POST", path, nil, body)
end

function response(status, headers, body)
	local _, n = string.gsub(body, '"created":%s*true', "")
	created = created + n
end

function done(summary, latency, requests)
	local keys, answered = 0, 0
	for _, thread in ipairs(threads) do
		keys = keys + thread:get("sent")
		answered = answered + thread:get("created")
	end
	for _, thread in ipairs(threads) do
		io.write(string.format("THREAD_%d %d\n", thread:get("id"), thread:get("sent")))
	end
	io.write(string.format("DISTINCT_KEYS %d\n", keys))
	io.write(string.format("CREATED %d\n", answered))
	io.write(string.format("P50_MS %.3f\n", latency:percentile(50) / 1000))
	io.write(string.format("P99_MS %.3f\n", latency:percentile(99) / 1000))
	io.write(string.format("REQUESTS %d\n", summary.requests))
	io.write(string.format("NON_2XX %d\n", summary.errors.status))
	io.write(string.format("SECONDS %.3f\n", summary.duration / 1e6))
end
"""


def prepare(frappe, role: str, customers: int) -> tuple[str, list[str]]:
	"""A user with the role and an API token, and the customers the load picks from."""
	from frappe.core.doctype.user.user import generate_keys

	if not frappe.db.exists("User", USER):
		frappe.get_doc(
			{"doctype": "User", "email": USER, "first_name": "API load", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", USER)
	user.roles = []
	user.add_roles(role)
	keys = generate_keys(USER)
	names = frappe.get_all(
		"Customer", filters={"disabled": 0}, pluck="name", limit=customers, order_by="name"
	)
	frappe.db.commit()  # nosemgrep: the server's workers read them
	return f"token {keys['api_key']}:{keys['api_secret']}", names


def start_gunicorn(port: int, workers: int, host: str) -> subprocess.Popen:
	sites = Path.cwd()
	gunicorn = sites.parent / "env" / "bin" / "gunicorn"
	server = subprocess.Popen(
		# a longer timeout than gunicorn's 30 s: a call of 1,000 interactions on a loaded machine
		[
			*(str(gunicorn), "-b", f"127.0.0.1:{port}", "-w", str(workers), "-t", "300"),
			*("frappe.app:application", "--preload"),
		],
		cwd=sites,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	for _ in range(120):
		try:
			request = urllib.request.Request(
				f"http://127.0.0.1:{port}/api/method/ping", headers={"Host": host}
			)
			with urllib.request.urlopen(request, timeout=5) as response:
				if response.status == 200:
					return server
		except OSError:
			time.sleep(1)
	server.terminate()
	raise SystemExit("gunicorn did not answer")


def run_wrk(args, path: str, per_request: int, token: str, customers: list[str], run: str) -> dict:
	script = (
		LUA.replace("CUSTOMERS", ", ".join(json.dumps(c) for c in customers))
		.replace("RUN", run)
		.replace("PATH", path)
		.replace("PER_REQUEST", str(per_request))
		.replace("RETRY_SHARE", str(args.retry_share))
		.replace("HOST", args.site)
		.replace("TOKEN", token)
	)
	with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
		f.write(script)
	try:
		output = subprocess.run(
			[
				"wrk",
				f"-t{args.threads}",
				f"-c{args.connections}",
				f"-d{args.duration}s",
				"--timeout",
				"120s",
				"-s",
				f.name,
				f"http://127.0.0.1:{args.port}{path}",
			],
			capture_output=True,
			text=True,
			check=True,
		).stdout
	finally:
		os.unlink(f.name)
	values = dict(re.findall(r"^([A-Z0-9_]+) ([\d.]+)$", output, re.M))
	return {k: float(v) for k, v in values.items()}


def records(frappe, run: str, settle: float) -> tuple[int, int]:
	"""Records written by the run, once the requests in flight when wrk stopped are done (the count
	holds for `settle` seconds: longer than the slowest request), and how many keys among them are
	duplicated (the unique key: 0)."""
	last, steady = None, 0
	for _ in range(600):
		frappe.db.rollback()
		count, distinct = frappe.db.sql(
			"""select count(*), count(distinct external_key) from `tabCustomer Interaction`
			where external_key like %s""",
			f"api:{run}-%",
		)[0]
		steady = steady + 1 if count == last else 0
		if steady >= settle:
			break
		last = count
		time.sleep(1)
	return count, count - distinct


def remove_run(frappe, stamp: str) -> None:
	"""Delete the interactions the benchmark wrote (its keys start with bench-<stamp>-)."""
	frappe.db.rollback()
	frappe.db.sql("delete from `tabCustomer Interaction` where external_key like %s", f"api:bench-{stamp}-%")
	frappe.db.commit()  # nosemgrep


def replay_missing(frappe, args, result: dict, token: str, customer: str, run: str) -> int:
	"""Send again, as a client retries a call it never got an answer to, the keys of the run that have no
	record (the calls wrk had built or sent but not completed when it stopped), in calls of up to 1,000
	interactions. Returns how many keys were sent again."""
	sent = {
		f"{run}-{thread[7:]}-{n}"
		for thread, count in result.items()
		if thread.startswith("THREAD_")
		for n in range(1, int(count) + 1)
	}
	frappe.db.rollback()
	recorded = set(
		frappe.db.sql_list(
			"select external_key from `tabCustomer Interaction` where external_key like %s", f"api:{run}-%"
		)
	)
	missing = sorted(key for key in sent if f"api:{key}" not in recorded)
	for start in range(0, len(missing), 1000):
		items = [
			{
				"party": customer,
				"subject": "Load test call",
				"channel": "Phone",
				"touchpoint": "Billing",
				"idempotency_key": key,
			}
			for key in missing[start : start + 1000]
		]
		request = urllib.request.Request(
			f"http://127.0.0.1:{args.port}{BATCH}",
			data=json.dumps({"interactions": items}).encode(),
			headers={"Host": args.site, "Authorization": token, "Content-Type": "application/json"},
			method="POST",
		)
		with urllib.request.urlopen(request, timeout=300) as answer:
			answer.read()
	return len(missing)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--port", type=int, default=8765)
	parser.add_argument("--workers", type=int, default=4)
	parser.add_argument("--threads", type=int, default=2)
	parser.add_argument("--connections", type=int, default=16)
	parser.add_argument("--duration", type=int, default=30)
	parser.add_argument("--batch-sizes", default="100,1000")
	parser.add_argument("--batch-connections", type=int, default=4)
	parser.add_argument("--retry-share", type=float, default=0.1)
	parser.add_argument("--role", default="Accounts User")
	parser.add_argument("--customers", type=int, default=2000)
	parser.add_argument("--keep", action="store_true")
	parser.add_argument("--in-process", action="store_true")
	args = parser.parse_args()
	if args.in_process:
		return in_process(args)
	if not shutil.which("wrk"):
		raise SystemExit("wrk is needed (apt-get install wrk)")

	with site(args.site) as frappe:
		table(["", ""], environment(frappe), "Environment")
		token, customers = prepare(frappe, args.role, args.customers)
		stamp = frappe.generate_hash(length=6)
		server = start_gunicorn(args.port, args.workers, args.site)
		rows = []
		try:
			cases = [
				("frappe.auth.get_logged_user (floor)", PING, -1, args.connections),
				("log_interaction (one per request)", SINGLE, 0, args.connections),
			]
			for size in (int(s) for s in args.batch_sizes.split(",") if s.strip()):
				cases.append((f"log_interactions ({size} per request)", BATCH, size, args.batch_connections))
			# warm up: each worker loads its caches (meta, settings) before the measured runs
			warm = argparse.Namespace(**{**vars(args), "duration": 5, "connections": args.workers})
			run_wrk(warm, SINGLE, 0, token, customers, f"bench-{stamp}-warmup")
			for label, path, per_request, connections in cases:
				run = f"bench-{stamp}-{per_request}"
				args.connections = max(connections, args.threads)
				result = run_wrk(args, path, per_request, token, customers, run)
				# in-flight calls finish one after another (the naming series' row lock): wait for them all
				written, duplicated = (
					records(frappe, run, max(5, connections * result["P99_MS"] / 1000 + 5))
					if per_request >= 0
					else (0, 0)
				)
				# then the calls that got no answer are retried, as a client would: every key sent has
				# one record, none two
				replayed = (
					replay_missing(frappe, args, result, token, customers[0], run) if per_request >= 0 else 0
				)
				final, final_duplicated = records(frappe, run, 2) if per_request >= 0 else (0, 0)
				per_second = result["REQUESTS"] / result["SECONDS"]
				rows.append(
					[
						label,
						args.connections,
						int(result["REQUESTS"]),
						per_second,
						per_second * max(per_request, 1) if per_request >= 0 else "",
						result["P50_MS"],
						result["P99_MS"],
						int(result["NON_2XX"]),
						int(result["DISTINCT_KEYS"]),
						int(result["CREATED"]),
						written,
						duplicated,
						replayed,
						final,
						final_duplicated,
					]
				)
		finally:
			server.terminate()
			server.wait(timeout=60)
			if not args.keep:
				remove_run(frappe, stamp)
		table(
			[
				"method",
				"connections",
				"requests",
				"requests/s",
				"interactions/s",
				"p50 ms",
				"p99 ms",
				"non-2xx",
				"distinct keys sent",
				"created (answered)",
				"records",
				"duplicated",
				"unanswered keys retried",
				"records after",
				"duplicated after",
			],
			rows,
			f"Interaction API on gunicorn ({args.workers} workers), {args.duration} s each, "
			f"{args.retry_share:.0%} of the keys retried",
		)


def in_process(args):
	"""Milliseconds and statements per call, in this process, as the benchmark's user."""
	from unittest.mock import patch

	from _common import StatementCounter, median

	with site(args.site) as frappe:
		from crm_plus.api import interaction as api
		from crm_plus.services.interactions import bulk

		table(["", ""], environment(frappe), "Environment")
		_token, customers = prepare(frappe, args.role, args.customers)
		stamp = frappe.generate_hash(length=6)
		frappe.set_user(USER)
		serial = iter(range(10**9))

		def items(n):
			return [
				{
					"party": customers[next(serial) % len(customers)],
					"subject": "In-process call",
					"idempotency_key": f"bench-{stamp}-{next(serial)}",
				}
				for _ in range(n)
			]

		def single():
			(item,) = items(1)
			return api.log_interaction(**item)

		cases = [("log_interaction", 1, single, 50)] + [
			(f"log_interactions ({n})", n, lambda n=n: api.log_interactions(items(n)), 3 if n > 100 else 10)
			for n in (int(s) for s in args.batch_sizes.split(",") if s.strip())
		]
		rows = []
		try:
			for path, fast in (("fast", True), ("per document", False)):
				with patch.object(bulk, "allowed", return_value=fast):
					for label, per_call, call, runs in cases:
						call()  # warm: meta, settings and permission caches
						frappe.db.commit()  # nosemgrep: each call is a request
						seconds, statements = [], 0
						for _ in range(runs):
							started = time.perf_counter()
							with StatementCounter(frappe) as counter:
								call()
							frappe.db.commit()  # nosemgrep
							seconds.append(time.perf_counter() - started)
							statements = counter.count
						ms = median(seconds) * 1000
						rows.append(
							[label, path, runs, ms, ms / per_call, per_call / median(seconds), statements]
						)
		finally:
			frappe.set_user("Administrator")
			if not args.keep:
				remove_run(frappe, stamp)
		table(
			["method", "path", "calls", "ms per call", "ms per item", "items/s (one process)", "statements"],
			rows,
			"Interaction API in process (median of the calls, each committed; statements of the last)",
		)


if __name__ == "__main__":
	main()
