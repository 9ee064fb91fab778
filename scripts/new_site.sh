#!/usr/bin/env bash
# Second half of the quick start: on an existing Frappe/ERPNext v15 bench that already has the apps
# erpnext and crm_plus, create a site with both, fill it with demo data and start the bench.
#
#   scripts/new_site.sh BENCH_DIR [SITE]
#
# Environment: DB_ROOT_USER / DB_ROOT_PASSWORD (MariaDB user allowed to create databases; default
# root / root), ADMIN_PASSWORD (default admin), START=0 to skip `bench start`.
set -euo pipefail

bench_dir=${1:?usage: new_site.sh BENCH_DIR [SITE]}
site=${2:-crm.localhost}
db_user=${DB_ROOT_USER:-root}
db_password=${DB_ROOT_PASSWORD:-root}
admin_password=${ADMIN_PASSWORD:-admin}

cd "$bench_dir"
for app in erpnext crm_plus; do
	[ -d "apps/$app" ] || { echo "apps/$app is missing: bench get-app $app first" >&2; exit 1; }
done

if [ ! -d "sites/$site" ]; then
	bench new-site "$site" \
		--db-root-username "$db_user" --db-root-password "$db_password" \
		--admin-password "$admin_password" \
		--install-app erpnext --install-app crm_plus
else
	echo "site $site exists: installing what is missing"
	for app in erpnext crm_plus; do
		bench --site "$site" list-apps | grep -q "^$app" || bench --site "$site" install-app "$app"
	done
fi

bench --site "$site" crm-plus-demo
bench use "$site"

echo "Site $site is ready: sign in as Administrator / $admin_password"
if [ "${START:-1}" = "1" ]; then
	exec bench start
fi
