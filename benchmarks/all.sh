#!/usr/bin/env bash
# Every benchmark of docs/benchmarks.md, one after another on one site, in one run: the figures a
# reader compares come from the same data, the same machine and the same hour. Prints, asserts nothing.
#
#   benchmarks/all.sh BENCH_DIR SITE [OUT_DIR]
#
# The site is filled first with `bench --site SITE crm-plus-generate` (time that command: it prints
# each step). Each script's output goes to OUT_DIR (default ./benchmark-run-<date>) and to the terminal.
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
run scoring scoring.py "$site" --runs 3
run reports reports.py "$site" --runs 3 --anchor-runs 1
run customer_360 customer_360.py "$site" --runs 30
run invoice_submit invoice_submit.py "$site" --rounds 10 --per-round 20
run api_in_process api_throughput.py "$site" --in-process
run api_throughput api_throughput.py "$site" --duration 20 --batch-sizes 100,1000
echo "figures in $out"
