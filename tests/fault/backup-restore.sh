#!/usr/bin/env bash
# tests/fault/backup-restore.sh - a consistent backup of the running
# database, restored beside it (docs/operations.md, "Back up and restore").
#
#   1. a school with the demo data, and a writer that keeps adding pupils
#      through the API while the backup runs (the server is serving);
#   2. mariadb-dump --single-transaction --routines --triggers --events of
#      testcentrum, exactly as docs/operations.md says;
#   3. restore into testcentrum_restore on the same server;
#   4. compare: the same tables, the same row count per table for every row
#      that existed before the dump began and did not change during it; the
#      pupils the writer added appear with their audit entries or not at all
#      (one snapshot); no dangling references; tcctl works against the copy.
set -euo pipefail

: "${TC_BIN:?}" "${TC_CONFIG:?}" "${TC_MYSQL_SOCKET:?}" "${TC_BASE:?}"
work=$(mktemp -d /tmp/tcbr.XXXXXX)
restore=testcentrum_restore
slug=br$(date +%s)$RANDOM
writer=

say() { printf 'backup-restore: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
root() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$TC_MYSQL_SOCKET" -uroot "$@"; }
q() { root -N -B "$1" -e "$2"; }

cleanup() {
	[[ -z $writer ]] || kill "$writer" 2>/dev/null || true
	root -e "DROP DATABASE IF EXISTS $restore" 2>/dev/null || true
	"$TC_BIN/tcctl" --config "$TC_CONFIG" erase-tenant "$slug" --confirm "$slug" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# --- 1. data, and a writer --------------------------------------------------
"$TC_BIN/tcctl" --config "$TC_CONFIG" tenant add --slug "$slug" --name Backupschool --host "$slug.localhost" >/dev/null
password=Backup-$RANDOM$RANDOM
printf '%s\n' "$password" | "$TC_BIN/tcctl" --config "$TC_CONFIG" user add --tenant "$slug" \
	--email "beheer@$slug.example" --name Beheerder --role admin >/dev/null
# The current school year of the deployment's date (scripts/check --date):
# with an older one the school would be overdue, and the day's activation scan
# could change it mid-dump.
today=$("$TC_BIN/tcctl" --config "$TC_CONFIG" clock show)	# YYYY-MM-DDTHH:MM Europe/Amsterdam
y=${today:0:4}
((10#${today:5:2} >= 8)) || y=$((y - 1))
"$TC_BIN/tcctl" --config "$TC_CONFIG" demo-seed --tenant "$slug" --year "$y-$((y + 1))" >/dev/null
tid=$(q testcentrum "SELECT id FROM tenants WHERE slug = '$slug'")

host="Host: $slug.localhost"
login=$(curl -s -m 10 -c "$work/jar" -H "$host" -H 'Content-Type: application/json' \
	-d "{\"email\":\"beheer@$slug.example\",\"password\":\"$password\"}" "$TC_BASE/api/session")
csrf=$(printf '%s' "$login" | sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p')
[[ -n $csrf ]] || fail "login: $login"
(
	i=0
	while [[ ! -f $work/stop ]]; do
		curl -s -m 10 -o /dev/null -b "$work/jar" -H "$host" -H "X-CSRF-Token: $csrf" \
			-H 'Content-Type: application/json' \
			-d "{\"achternaam\":\"Tijdens\",\"roepnaam\":\"Bea\"}" "$TC_BASE/api/students" || true
		i=$((i + 1))
	done
) &
writer=$!
sleep 1

# Every table, and its rows now (the writer only adds pupils and audit
# entries of its own school).
tables=$(q testcentrum "SELECT table_name FROM information_schema.tables
	WHERE table_schema = 'testcentrum' AND table_type = 'BASE TABLE' ORDER BY table_name")
count_stable() {	# DB TABLE: rows that the writer does not touch
	local db=$1 t=$2 where=
	case $t in
	students) where="WHERE NOT (tenant_id = $tid AND achternaam = 'Tijdens')" ;;
	audit_log) where="WHERE NOT (tenant_id = $tid AND action = 'student_create' AND actor_kind = 'user')" ;;
	esac
	q "$db" "SELECT COUNT(*) FROM \`$t\` $where"
}
declare -A before
for t in $tables; do before[$t]=$(count_stable testcentrum "$t"); done

# --- 2. the backup, while the writer writes ---------------------------------
during_before=$(q testcentrum "SELECT COUNT(*) FROM students WHERE tenant_id = $tid AND achternaam = 'Tijdens'")
mariadb-dump --no-defaults --socket="$TC_MYSQL_SOCKET" -uroot \
	--single-transaction --quick --routines --triggers --events --hex-blob \
	--default-character-set=utf8mb4 testcentrum >"$work/dump.sql" || fail "mariadb-dump"
sleep 1
touch "$work/stop"
wait "$writer" || true
writer=
during_after=$(q testcentrum "SELECT COUNT(*) FROM students WHERE tenant_id = $tid AND achternaam = 'Tijdens'")
((during_after > during_before)) || fail "the writer added no pupils while the dump ran"
say "dump: $(wc -c <"$work/dump.sql") bytes while the writer added $((during_after - during_before)) pupils"

# --- 3. restore beside it ---------------------------------------------------
root -e "DROP DATABASE IF EXISTS $restore; CREATE DATABASE $restore CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci"
root "$restore" <"$work/dump.sql" || fail "restore into $restore"

# --- 4. compare --------------------------------------------------------------
rtables=$(q "$restore" "SELECT table_name FROM information_schema.tables
	WHERE table_schema = '$restore' AND table_type = 'BASE TABLE' ORDER BY table_name")
[[ $tables == "$rtables" ]] || fail "tables differ: [$tables] vs [$rtables]"
n=0
for t in $tables; do
	got=$(count_stable "$restore" "$t")
	[[ $got == "${before[$t]}" ]] || fail "$t: $got rows restored, ${before[$t]} before the dump"
	n=$((n + 1))
done
# The writer's pupils: each one with its audit entry (one transaction each),
# none without, and not more than existed when the dump ended.
p=$(q "$restore" "SELECT COUNT(*) FROM students WHERE tenant_id = $tid AND achternaam = 'Tijdens'")
a=$(q "$restore" "SELECT COUNT(*) FROM audit_log WHERE tenant_id = $tid AND action = 'student_create' AND actor_kind = 'user'")
[[ $p == "$a" ]] || fail "snapshot not consistent: $p pupils written during the dump, $a audit entries"
((p >= during_before && p <= during_after)) || fail "$p pupils of the writer restored, expected $during_before..$during_after"
# No dangling references (the restore loads with foreign key checks off).
dangling=$(q "$restore" "SELECT
	(SELECT COUNT(*) FROM group_members m LEFT JOIN students s ON s.tenant_id = m.tenant_id AND s.id = m.student_id WHERE s.id IS NULL) +
	(SELECT COUNT(*) FROM group_members m LEFT JOIN school_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id WHERE g.id IS NULL) +
	(SELECT COUNT(*) FROM test_administrations a LEFT JOIN students s ON s.tenant_id = a.tenant_id AND s.id = a.student_id WHERE s.id IS NULL) +
	(SELECT COUNT(*) FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE t.id IS NULL)")
[[ $dangling == 0 ]] || fail "$dangling dangling references in the restored copy"
# The application reads the copy: the same schools, nothing left to migrate.
root -e "GRANT SELECT ON $restore.* TO 'tcctl'@'127.0.0.1'"
live=$("$TC_BIN/tcctl" --config "$TC_CONFIG" tenant list)
copy=$(TC_DB_NAME=$restore "$TC_BIN/tcctl" --config "$TC_CONFIG" tenant list)
[[ $live == "$copy" ]] || fail "tcctl tenant list differs on the restored copy"
v1=$(q testcentrum "SELECT MAX(version) FROM schema_migrations")
v2=$(q "$restore" "SELECT MAX(version) FROM schema_migrations")
[[ $v1 == "$v2" ]] || fail "schema version $v2 restored, $v1 live"
root -e "REVOKE ALL PRIVILEGES ON $restore.* FROM 'tcctl'@'127.0.0.1'" 2>/dev/null || true

say "ok: $n tables, row counts equal; $p pupils written during the dump restored with their audit entries; schema version $v1"
