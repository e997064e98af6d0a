#!/usr/bin/env bash
# run-central — a PostgreSQL central office to try on this PC (make
# run-central): a private cluster in a folder of its own on a local port,
# a database "onewindow" made a centre for trials (administrator admin,
# PIN 123456). Stop it with: tools/run-central.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${ONEWINDOW_CENTRAL_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/onewindow/central-pg}
if [ "$(id -u)" -eq 0 ] && [ -z "${ONEWINDOW_CENTRAL_DIR:-}" ]; then
	# The server runs as the postgres user, who cannot enter root's home.
	dir=/var/lib/onewindow/central-pg
fi
port=${ONEWINDOW_CENTRAL_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "缺少 PostgreSQL：sudo apt-get install postgresql"; exit 1; }
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
if [ "${1:-}" = stop ]; then
	"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop
	exit 0
fi
mkdir -p "$dir"
[ ${#as[@]} -eq 0 ] || chown postgres: "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
	"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
fi
if ! "${as[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
	"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/server.log" -w start >/dev/null
fi
url="postgres://postgres@127.0.0.1:$port/onewindow?sslmode=disable"
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'onewindow'" postgres | grep -q 1 ||
	"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE onewindow" postgres
ow=./bin/onewindow
if ! $ow site list --db "$url" >/dev/null 2>&1; then
	echo 123456 | $ow site init --code 330100000 --name 示例市政务服务中心 --kind centre --demo --db "$url"
	# Three demo village sites, their bundles imported, so that the
	# supervisors' window has something to show.
	sites="$dir/sites"
	mkdir -p "$sites/bundles"
	for i in 1 2 3; do
		code=33010210$i db="$sites/33010210$i.db"
		$ow site init --code "$code" --name "示例第${i}民事服务站" --kind village --demo --db "$db" >/dev/null
		$ow demo --cases 3000 --seed "$i" --quiet --db "$db"
		echo 1234 | $ow site registration -o "$sites/$code.json" --user admin --db "$db" >/dev/null
		echo 1234 | $ow export --to "$sites/bundles" --user admin --db "$db" >/dev/null
		echo 123456 | $ow site register "$sites/$code.json" --user admin --db "$url" >/dev/null
	done
	echo 123456 | $ow import "$sites/bundles" --user admin --db "$url"
fi
echo "中心数据库：$url"
echo "管理员 admin，PIN 123456。督查窗口：$ow --db '$url'；命令行：$ow report --db '$url' …"
echo "停止：tools/run-central.sh stop"
