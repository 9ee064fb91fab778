#!/usr/bin/env bash
# A MariaDB read replica of the local server, on this machine, for developing and testing Frappe's
# replica support (`read_from_replica`) with crm_plus. Production replicas live on other machines; the
# steps are the same (docs/scaling.md).
#
#   scripts/local_replica.sh [DATADIR] [PORT]      (default /var/lib/mysql-replica, 3307)
#
# Needs: the primary (127.0.0.1:3306) running with its binary log on and a server id, e.g. in my.cnf
#   [mysqld]
#   log-bin = mariadb-bin
#   server-id = 1
#   binlog_expire_logs_seconds = 86400
# and a MariaDB account on its socket that may create users and dump everything (DB_ROOT_USER /
# DB_ROOT_PASSWORD, default root without a password). IGNORE_DATABASES (space separated) are neither
# copied nor replicated, e.g. a large benchmark site's database.
#
# Then, per site: bench --site SITE set-config replica_host 127.0.0.1
#                 bench --site SITE set-config replica_db_port PORT
#                 bench --site SITE set-config read_from_replica 1   (to read reports through it)
set -euo pipefail

datadir=${1:-/var/lib/mysql-replica}
port=${2:-3307}
root_user=${DB_ROOT_USER:-root}
root_args=(-u"$root_user")
[ -n "${DB_ROOT_PASSWORD:-}" ] && root_args+=(-p"$DB_ROOT_PASSWORD")
primary=(mariadb "${root_args[@]}")
dump=(mariadb-dump "${root_args[@]}")
socket="$datadir/mysqld.sock"
replica=(mariadb -uroot --socket="$socket")
repl_password=${REPL_PASSWORD:-replica-password}

if [ "$("${primary[@]}" -N -e 'select @@log_bin')" != "1" ]; then
	echo "The primary's binary log is off: add log-bin and server-id to its my.cnf and restart it." >&2
	exit 1
fi

if [ ! -d "$datadir/mysql" ]; then
	mkdir -p "$datadir"
	chown mysql:mysql "$datadir"
	mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=socket >/dev/null
fi

ignore_tables=()
for db in ${IGNORE_DATABASES:-}; do ignore_tables+=("--replicate-wild-ignore-table=$db.%"); done

if ! "${replica[@]}" -e 'select 1' >/dev/null 2>&1; then
	start-stop-daemon --start --background --chuid mysql --pidfile "$datadir/mysqld.pid" \
		--exec /usr/sbin/mariadbd -- \
		--datadir="$datadir" --port="$port" --bind-address=127.0.0.1 --socket="$socket" \
		--pid-file="$datadir/mysqld.pid" --log-error="$datadir/error.log" \
		--server-id=2 --read-only=1 --skip-log-bin --relay-log="$datadir/relay-bin" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		"${ignore_tables[@]}"
	for _ in $(seq 60); do "${replica[@]}" -e 'select 1' >/dev/null 2>&1 && break; sleep 1; done
fi

if "${replica[@]}" -e 'show slave status\G' 2>/dev/null | grep -q 'Slave_SQL_Running: Yes'; then
	echo "The replica on port $port is running."
	exit 0
fi

"${primary[@]}" -e "create user if not exists 'crm_plus_repl'@'127.0.0.1' identified by '$repl_password';
	grant replication slave on *.* to 'crm_plus_repl'@'127.0.0.1'; flush privileges;"

# everything but the ignored databases and the server's own schemas, with the GTID position
mapfile -t databases < <("${primary[@]}" -N -e "show databases" |
	grep -vxE "information_schema|performance_schema|sys$(printf '|%s' ${IGNORE_DATABASES:-})")
"${dump[@]}" --single-transaction --master-data=1 --gtid --routines --events \
	--databases "${databases[@]}" | "${replica[@]}"
"${replica[@]}" -e "flush privileges"  # the sites' database users came with the mysql schema

"${replica[@]}" -e "stop slave; change master to master_host='127.0.0.1', master_port=3306,
	master_user='crm_plus_repl', master_password='$repl_password', master_use_gtid=slave_pos; start slave;"
sleep 2
"${replica[@]}" -e 'show slave status\G' | grep -E 'Slave_(IO|SQL)_Running:|Seconds_Behind_Master|Last_.*Error:'
echo "Replica on 127.0.0.1:$port ($datadir)."
