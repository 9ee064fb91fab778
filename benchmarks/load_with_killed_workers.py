"""Interactions logged over HTTP with idempotency keys while web workers die: prints figures, asserts
nothing.

N clients call `crm_plus.api.interaction.log_interaction` against the site served by gunicorn (started
here, `--preload`, W workers), each request with its own idempotency key; a request that fails (a
connection reset by a killed worker, a 5xx, a timeout) is retried under the same key. Every K seconds
one gunicorn worker is killed with SIGKILL (the master starts another), and once, half-way, the site's
Redis cache keys are deleted. At the end the database is compared with what the clients were told:

- requests, failures (and which kinds), retries;
- acknowledged keys (a 200 answer), records with this run's keys, duplicates (a key with two records),
  acknowledged keys without a record (lost), records whose key was never acknowledged (the client gave
  up: not an error, the next retry would return it).

    cd BENCH/sites
    ../env/bin/python ../apps/crm_plus/benchmarks/load_with_killed_workers.py SITE \\
        [--clients 8] [--seconds 60] [--workers 4] [--kill-every 10] [--port 8011]

It creates a customer and an API user with the CRM Manager role (token authentication: a killed
worker or a flushed cache never logs the clients out) on the site.
"""

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import environment, site

METHOD = "/api/method/crm_plus.api.interaction.log_interaction"
USER = "bench.load@example.com"
CUSTOMER = "_Bench Load Customer"


def prepare(frappe) -> tuple[str, str]:
	"""The customer the interactions are about, and an API user's token."""
	from crm_plus.tests.utils import create_customer, create_user

	create_customer(CUSTOMER)
	create_user(USER, "CRM Manager")
	user = frappe.get_doc("User", USER)
	api_key = user.api_key or frappe.generate_hash(length=15)
	api_secret = frappe.generate_hash(length=15)
	user.api_key, user.api_secret = api_key, api_secret
	user.save(ignore_permissions=True)
	frappe.db.commit()
	return api_key, api_secret


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
	gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
	return subprocess.Popen(
		[
			gunicorn,
			"-w",
			str(workers),
			"-b",
			f"127.0.0.1:{port}",
			"-t",
			"120",
			"--preload",
			"frappe.app:application",
		],
		cwd=os.getcwd(),  # the bench's sites folder
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
		start_new_session=True,
	)


def worker_pids(master: int) -> list[int]:
	try:
		output = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
	except FileNotFoundError:
		return []
	return [int(pid) for pid in output.split()]


class Figures:
	def __init__(self):
		self.lock = threading.Lock()
		self.requests = 0
		self.failures = collections.Counter()
		self.retries = 0
		self.given_up = 0
		self.acknowledged: set[str] = set()
		self.latencies: list[float] = []

	def add(self, **kwargs):
		with self.lock:
			for name, value in kwargs.items():
				setattr(self, name, getattr(self, name) + value)


def client(number: int, url: str, headers: dict, run: str, stop: threading.Event, figures: Figures):
	import requests

	session = requests.Session()
	n = 0
	while not stop.is_set():
		n += 1
		key = f"{run}-{number}-{n}"
		data = {
			"party": CUSTOMER,
			"subject": f"Load test {number}/{n}",
			"channel": "Phone",
			"idempotency_key": key,
		}
		for attempt in range(20):
			if attempt:
				figures.add(retries=1)
				time.sleep(min(0.05 * 2**attempt, 2) * random.random())
			started = time.perf_counter()
			figures.add(requests=1)
			try:
				response = session.post(url, data=data, headers=headers, timeout=30)
			except requests.RequestException as e:
				with figures.lock:
					figures.failures[type(e).__name__] += 1
				session = requests.Session()  # the connection died with its worker
				continue
			if response.status_code == 200:
				with figures.lock:
					figures.acknowledged.add(key)
					figures.latencies.append(time.perf_counter() - started)
				break
			with figures.lock:
				figures.failures[f"HTTP {response.status_code}"] += 1
		else:
			figures.add(given_up=1)


def wait_until_up(url: str, headers: dict, seconds: float = 60):
	import requests

	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		try:
			if requests.get(url, headers=headers, timeout=5).status_code < 500:
				return
		except requests.RequestException:
			pass
		time.sleep(0.5)
	raise SystemExit("gunicorn did not answer")


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("site")
	parser.add_argument("--clients", type=int, default=8)
	parser.add_argument("--seconds", type=float, default=60)
	parser.add_argument("--workers", type=int, default=4)
	parser.add_argument("--kill-every", type=float, default=10)
	parser.add_argument("--port", type=int, default=8011)
	args = parser.parse_args()

	with site(args.site) as frappe:
		api_key, api_secret = prepare(frappe)
		env = environment(frappe)

	base = f"http://127.0.0.1:{args.port}"
	headers = {
		"Host": args.site,
		"X-Frappe-Site-Name": args.site,
		"Authorization": f"token {api_key}:{api_secret}",
		"Accept": "application/json",
	}
	server = start_gunicorn(args.port, args.workers)
	run = uuid.uuid4().hex[:10]
	figures, stop = Figures(), threading.Event()
	kills, flushed_at = [], None
	try:
		wait_until_up(f"{base}/api/method/ping", headers)
		threads = [
			threading.Thread(target=client, args=(n, base + METHOD, headers, run, stop, figures), daemon=True)
			for n in range(args.clients)
		]
		started = time.monotonic()
		for thread in threads:
			thread.start()
		next_kill = started + args.kill_every
		while (now := time.monotonic()) - started < args.seconds:
			if now >= next_kill:
				pids = worker_pids(server.pid)
				if pids:
					victim = random.choice(pids)
					os.kill(victim, signal.SIGKILL)
					kills.append(victim)
				next_kill += args.kill_every
			if flushed_at is None and now - started >= args.seconds / 2:
				with site(args.site) as frappe:
					frappe.cache.delete_keys("")  # this site's keys only: other sites share the server
				flushed_at = round(now - started, 1)
			time.sleep(0.2)
		stop.set()
		for thread in threads:
			thread.join(timeout=120)
		elapsed = time.monotonic() - started
	finally:
		os.killpg(server.pid, signal.SIGTERM)
		server.wait(timeout=60)

	with site(args.site) as frappe:
		rows = frappe.db.sql(
			"""select external_key, count(*) from `tabCustomer Interaction`
			where external_key like %s group by external_key""",
			(f"api:{run}-%",),
		)
	records = {key[len("api:") :]: count for key, count in rows}
	duplicates = sum(1 for count in records.values() if count > 1)
	lost = len(figures.acknowledged - set(records))
	unacknowledged = len(set(records) - figures.acknowledged)
	latencies = sorted(figures.latencies) or [0]

	print("Interactions logged with idempotency keys while web workers are killed")
	for name, value in env:
		print(f"  {name:32} {value}")
	print()
	table = [
		("run", run),
		("clients / gunicorn workers", f"{args.clients} / {args.workers}"),
		("seconds", f"{elapsed:.0f}"),
		("workers killed (SIGKILL)", f"{len(kills)}, every {args.kill_every:g} s"),
		("site's Redis cache flushed at", f"{flushed_at} s"),
		("requests", figures.requests),
		("failures", f"{sum(figures.failures.values())} {dict(figures.failures) or ''}".strip()),
		("retries", figures.retries),
		("keys given up (20 attempts)", figures.given_up),
		("acknowledged keys", len(figures.acknowledged)),
		("records with this run's keys", sum(records.values())),
		("duplicates (a key with 2+ records)", duplicates),
		("acknowledged but no record (lost)", lost),
		("records never acknowledged", unacknowledged),
		("requests per second", f"{figures.requests / max(elapsed, 1):.1f}"),
		(
			"latency p50 / p95 (s)",
			f"{latencies[len(latencies) // 2]:.3f} / {latencies[int(len(latencies) * 0.95)]:.3f}",
		),
	]
	for name, value in table:
		print(f"  {name:36} {value}")


if __name__ == "__main__":
	main()
