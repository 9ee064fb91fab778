#!/usr/bin/env bash
# Scoring killed half-way, then run again until it completes: prints how long after the kill the next
# complete run finished and whether the month's snapshot equals a clean run's. Prints, asserts nothing.
#
#   benchmarks/scoring_killed_halfway.sh BENCH_DIR SITE     (DB_ROOT_USER / DB_ROOT_PASSWORD for mysql)
set -uo pipefail
bench_dir=${1:?usage: scoring_killed_halfway.sh BENCH_DIR SITE}
site=${2:?usage: scoring_killed_halfway.sh BENCH_DIR SITE}
cd "$bench_dir/sites"
db=$(python3 -c "import json;print(json.load(open('$site/site_config.json'))['db_name'])")
score() { bench --site "$site" execute crm_plus.services.scoring.pipeline.run 2>&1 | tail -1; }
fingerprint() { # rows and a checksum of every scored column of this month's snapshot
	mysql -u"${DB_ROOT_USER:-root}" -p"${DB_ROOT_PASSWORD:-root}" -h127.0.0.1 "$db" -N -e "select count(*),
		sum(crc32(concat_ws('|', customer, company, period, is_main_company, segment, value_class, rfm,
		profit_rank, risk_score, risk_band, reasons, first_purchase, last_purchase, recency_days,
		usual_gap_days, frequency, purchase_days, monetary, returns_amount, gross_profit, revenue_recent,
		revenue_previous, outstanding, overdue, open_complaints, recent_complaints, last_satisfaction,
		negative_interactions))) from \`tabCustomer Health Snapshot\` where period = date_format(curdate(), '%Y-%m')"
}
t0=$(date +%s.%N)
score >/dev/null
t1=$(date +%s.%N)
clean=$(fingerprint)
echo "clean run: $(echo "$t1 - $t0" | bc) s; snapshot rows and checksum: $clean"
half=$(echo "($t1 - $t0) / 2" | bc -l)
bench --site "$site" execute crm_plus.services.scoring.pipeline.run >/dev/null 2>&1 &
sleep "$half"
pkill -9 -f "site $site execute crm_plus.services.scoring.pipeline.run"
killed=$(date +%s.%N)
echo "killed with SIGKILL after $(printf '%.1f' "$half") s"
for _ in $(seq 1 30); do
	out=$(score)
	echo "$out" | grep -q '"run_id"' && break
	echo "  $(printf '%.0f' "$(echo "$(date +%s.%N) - $killed" | bc)") s after the kill: $out"
	sleep 10
done
done_at=$(date +%s.%N)
after=$(fingerprint)
echo "a complete run finished $(printf '%.1f' "$(echo "$done_at - $killed" | bc)") s after the kill"
echo "snapshot after: $after ($([ "$clean" = "$after" ] && echo "the same as the clean run" || echo "DIFFERENT from the clean run"))"
