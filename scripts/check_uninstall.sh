#!/usr/bin/env bash
# Install crm_plus on a throwaway ERPNext site, migrate twice, uninstall it, and check that ERPNext
# still works (a customer, contact and submitted Sales Invoice), then drop the site.
#
#   scripts/check_uninstall.sh BENCH_DIR      (DB_ROOT_USER / DB_ROOT_PASSWORD as for new_site.sh)
set -euo pipefail
bench_dir=${1:?usage: check_uninstall.sh BENCH_DIR}
site=${SITE:-uninstall-check.localhost}
db_user=${DB_ROOT_USER:-root}
db_password=${DB_ROOT_PASSWORD:-root}
cd "$bench_dir"

bench new-site "$site" --force --db-root-username "$db_user" --db-root-password "$db_password" \
	--admin-password admin --install-app erpnext --install-app crm_plus >/dev/null
bench --site "$site" execute crm_plus.sample_data.demo.ensure_company >/dev/null
bench --site "$site" migrate >/dev/null
bench --site "$site" migrate >/dev/null
# In developer mode Frappe deletes a standard workspace's folder from the app when its record is
# deleted: uninstalling with developer_mode on would delete crm_plus's own workspace file.
bench --site "$site" set-config developer_mode 0 >/dev/null
bench --site "$site" uninstall-app crm_plus --yes --no-backup
# `bench execute` refuses an app the site no longer has: run the check with the bench's Python
(cd sites && ../env/bin/python -c "import frappe; frappe.init(site='$site'); frappe.connect()
from crm_plus.tests.uninstall_check import run; run()")
bench drop-site "$site" --db-root-username "$db_user" --db-root-password "$db_password" --no-backup --force \
	>/dev/null
