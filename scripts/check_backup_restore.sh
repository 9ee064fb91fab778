#!/usr/bin/env bash
# Back up a site, restore the backup into a new site, and check that crm_plus shows the same figures
# there (its tables, the fields it writes on Customer, every Customer 360 and every crm_plus report:
# crm_plus/tests/fingerprint.py); then run `bench migrate` twice on the restored site and check that
# nothing changed. Drops the restored site at the end. Exits 1 on any difference.
#
#   scripts/check_backup_restore.sh BENCH_DIR SITE      (DB_ROOT_USER / DB_ROOT_PASSWORD as for new_site.sh)
set -euo pipefail
bench_dir=${1:?usage: check_backup_restore.sh BENCH_DIR SITE}
site=${2:?usage: check_backup_restore.sh BENCH_DIR SITE}
restored=${RESTORED_SITE:-restore-check.localhost}
db_user=${DB_ROOT_USER:-root}
db_password=${DB_ROOT_PASSWORD:-root}
work=$(mktemp -d)
cd "$bench_dir"

fingerprint() { # SITE FILE
	bench --site "$1" execute crm_plus.tests.fingerprint.run --kwargs "{'path': '$2'}" >/dev/null
}
compare() { # FILE FILE WHAT
	(cd sites && ../env/bin/python -c "
import sys
from crm_plus.tests.fingerprint import compare
differences = compare('$1', '$2')
print('\n'.join(differences) or 'same: $3')
sys.exit(1 if differences else 0)")
}

fingerprint "$site" "$work/original.json"
bench --site "$site" backup --backup-path "$work/backup" >/dev/null
database=$(ls "$work"/backup/*-database.sql.gz)
bench new-site "$restored" --force --db-root-username "$db_user" --db-root-password "$db_password" \
	--admin-password admin >/dev/null
bench --site "$restored" restore "$database" --db-root-username "$db_user" --db-root-password "$db_password" \
	>/dev/null
bench --site "$restored" migrate >/dev/null
fingerprint "$restored" "$work/restored.json"
status=0
compare "$work/original.json" "$work/restored.json" "restored backup" || status=1
bench --site "$restored" migrate >/dev/null
bench --site "$restored" migrate >/dev/null
fingerprint "$restored" "$work/migrated.json"
compare "$work/restored.json" "$work/migrated.json" "after migrate twice" || status=1
bench drop-site "$restored" --db-root-username "$db_user" --db-root-password "$db_password" --no-backup --force \
	>/dev/null
rm -rf "$work"
exit $status
