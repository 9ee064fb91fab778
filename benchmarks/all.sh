#!/usr/bin/env bash
# Every benchmark of docs/benchmarks.md, one after another on one site, in one run: the figures a
# reader compares come from the same data, the same machine and the same hour. Prints, asserts nothing.
#
#   benchmarks/all.sh BENCH_DIR SITE [OUT_DIR]
#   GENERATE=1 benchmarks/all.sh BENCH_DIR SITE [OUT_DIR]    # on a new site: generate the data first
#
# With GENERATE=1 the run starts by filling the site (`bench --site SITE crm-plus-generate`, timed, each
# step printed) and scoring it once (the month's first run also writes every Customer); without it the
# site is expected to be filled and scored already. Each script's output goes to OUT_DIR (default
# ./benchmark-run-<date>) and to the terminal.
set -uo pipefail
bench_dir=${1:?usage: all.sh BENCH_DIR SITE [OUT_DIR]}
site=${2:?usage: all.sh BENCH_DIR SITE [OUT_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
out=${3:-$PWD/benchmark-run-$(date +%Y%m%d-%H%M)}
mkdir -p "$out"
cd "$bench_dir/sites"
run() { # name, script and its arguments
	local name=$1
	shift
	echo "== $name: $* ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/$name.txt"
	local started=$(date +%s)
	../env/bin/python "$here/$@" 2>&1 | tee -a "$out/$name.txt"
	echo "== $name took $(($(date +%s) - started)) s" | tee -a "$out/$name.txt"
}
if [ "${GENERATE:-0}" = 1 ]; then
	echo "== generate ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/generate.txt"
	started=$(date +%s)
	../env/bin/python -m frappe.utils.bench_helper frappe --site "$site" crm-plus-generate 2>&1 | tee -a "$out/generate.txt"
	echo "== generate took $(($(date +%s) - started)) s" | tee -a "$out/generate.txt"
	started=$(date +%s)
	../env/bin/python -m frappe.utils.bench_helper frappe --site "$site" execute crm_plus.services.scoring.pipeline.run 2>&1 | tail -1 | tee "$out/first_scoring.txt"
	echo "== first scoring run took $(($(date +%s) - started)) s" | tee -a "$out/first_scoring.txt"
fi
run scoring scoring.py "$site" --runs 3
run reports reports.py "$site" --runs 3 --anchor-runs 1
run customer_360 customer_360.py "$site" --runs 30
run invoice_submit invoice_submit.py "$site" --rounds 10 --per-round 20
run api_in_process api_throughput.py "$site" --in-process
run api_throughput api_throughput.py "$site" --duration 20 --batch-sizes 100,1000
echo "figures in $out"
