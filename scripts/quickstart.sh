#!/usr/bin/env bash
# Quick start on a fresh Debian/Ubuntu machine with internet access: prerequisites, a Frappe v15
# bench with ERPNext v15 made the upstream way, crm_plus, and a demo site started on port 8000.
#
#   curl -O .../scripts/quickstart.sh && bash quickstart.sh [BENCH_DIR] [SITE]
#
# Environment: CRM_PLUS_REPO (where `bench get-app` takes crm_plus from; default: this checkout),
# DB_ROOT_PASSWORD (set for MariaDB's root if it has none; default root).
set -euo pipefail

bench_dir=${1:-$HOME/crm-bench}
site=${2:-crm.localhost}
here=$(cd "$(dirname "$0")/.." && pwd)
crm_plus_repo=${CRM_PLUS_REPO:-$here}
export DB_ROOT_PASSWORD=${DB_ROOT_PASSWORD:-root}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

echo "== prerequisites"
$sudo apt-get update
$sudo apt-get install -y git python3-dev python3-venv python3-pip pipx redis-server mariadb-server \
	mariadb-client libmariadb-dev pkg-config xvfb libfontconfig wkhtmltopdf curl cron nodejs npm
$sudo npm install -g yarn
pipx install frappe-bench || pipx upgrade frappe-bench
export PATH="$HOME/.local/bin:$PATH"

echo "== MariaDB: utf8mb4 and a root password for bench new-site"
$sudo tee /etc/mysql/mariadb.conf.d/99-frappe.cnf >/dev/null <<'CNF'
[mysqld]
character-set-client-handshake = FALSE
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci

[mysql]
default-character-set = utf8mb4
CNF
$sudo service mariadb restart
$sudo mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED BY '${DB_ROOT_PASSWORD}'; FLUSH PRIVILEGES;" \
	2>/dev/null || true

echo "== bench with Frappe and ERPNext v15"
if [ ! -d "$bench_dir" ]; then
	bench init --frappe-branch version-15 "$bench_dir"
fi
cd "$bench_dir"
[ -d apps/erpnext ] || bench get-app --branch version-15 erpnext
[ -d apps/crm_plus ] || bench get-app "$crm_plus_repo"

echo "== site, demo data, start"
exec bash "$here/scripts/new_site.sh" "$bench_dir" "$site"
