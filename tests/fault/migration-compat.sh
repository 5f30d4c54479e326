#!/usr/bin/env bash
# tests/fault/migration-compat.sh - every migration only adds, so that the
# previous release's tc-fcgi and tc-worker keep working while the new schema
# is rolled out (docs/operations.md, "Migrate": add first, remove later).
#
# Two checks:
#   1. the text: no DROP, RENAME, CHANGE, MODIFY, ALTER COLUMN or TRUNCATE
#      unless the statement is preceded by a marker comment
#          -- compat: <why an old worker still works>
#      (e.g. widening TEXT to MEDIUMTEXT, or dropping a column that the
#      previous release no longer used);
#   2. the schema: the migrations are applied one by one with tcctl migrate to
#      a scratch database; after each, every column that existed before still
#      exists with the same type (unless the file has a marker), and every
#      column added to an existing table is NULL-able or has a default (an old
#      worker's INSERT does not name it).
set -euo pipefail

: "${TC_BIN:?}" "${TC_CONFIG:?}" "${TC_MYSQL_SOCKET:?}"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sqldir=${TC_SQLDIR:-$repo/sql}
scratch=testcentrum_compat
work=$(mktemp -d /tmp/tcmc.XXXXXX)

say() { printf 'migration-compat: %s\n' "$*"; }
root() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$TC_MYSQL_SOCKET" -uroot "$@"; }
cleanup() {
	# The scratch database and tcctl's grant on it go: the account keeps
	# only what scripts/services gave it (tests/security/connections.sh).
	root -e "REVOKE ALL PRIVILEGES ON $scratch.* FROM 'tcctl'@'127.0.0.1'" 2>/dev/null || true
	root -e "DROP DATABASE IF EXISTS $scratch" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

bad=0
files=$(find "$sqldir" -maxdepth 1 -name '[0-9][0-9][0-9]_*.sql' | sort)
[[ -n $files ]] || { say "FAIL: no migrations in $sqldir"; exit 1; }

# --- 1. the text ---------------------------------------------------------------
for f in $files; do
	# Statements (split at ';'), with a flag when a "-- compat:" comment
	# precedes them; other comments removed.
	out=$(awk '
		/^[[:space:]]*--[[:space:]]*compat:/ { marked = 1; next }
		{ sub(/--.*/, "") }
		{ stmt = stmt " " $0 }
		/;/ {
			n = split(stmt, parts, ";")
			for (i = 1; i < n; i++) { print (marked ? "M" : "-") "\t" parts[i]; marked = 0 }
			stmt = parts[n]
		}' "$f")
	while IFS=$'\t' read -r mark stmt; do
		s=$(printf '%s' "$stmt" | tr -s '[:space:]' ' ' | tr '[:lower:]' '[:upper:]')
		if [[ $s =~ (^|[^A-Z_])(DROP|RENAME|TRUNCATE|CHANGE([[:space:]]+COLUMN)?[[:space:]]|MODIFY|ALTER[[:space:]]+COLUMN)([^A-Z_]|$) ]]; then
			if [[ $mark == M ]]; then
				say "$(basename "$f"): marked: ${s:0:100}"
			else
				say "FAIL $(basename "$f"): removes or changes without a '-- compat:' comment: ${s:0:120}"
				bad=$((bad + 1))
			fi
		fi
	done <<<"$out"
done

# --- 2. the schema, one migration at a time ---------------------------------------
root -e "DROP DATABASE IF EXISTS $scratch; CREATE DATABASE $scratch CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
	GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, TRIGGER
	ON $scratch.* TO 'tcctl'@'127.0.0.1'"
columns() {	# table, column, type, nullable, default-or-not, extra
	root -N -B -e "SELECT table_name, column_name, column_type, is_nullable,
		IF(column_default IS NULL, 'nodefault', 'default'), extra
		FROM information_schema.columns WHERE table_schema = '$scratch'
		ORDER BY table_name, column_name"
}
mkdir -p "$work/sql"
: >"$work/prev"
for f in $files; do
	cp "$f" "$work/sql/"
	if ! TC_DB_NAME=$scratch TC_SQLDIR=$work/sql "$TC_BIN/tcctl" --config "$TC_CONFIG" migrate \
		>"$work/migrate.log" 2>&1; then
		say "FAIL $(basename "$f"): tcctl migrate: $(tail -n 3 "$work/migrate.log")"
		bad=$((bad + 1))
		break
	fi
	columns >"$work/now"
	marked=0
	grep -q -E '^[[:space:]]*--[[:space:]]*compat:' "$f" && marked=1
	prev_tables=$(cut -f1 "$work/prev" | sort -u)
	# Every column of before: still there, same type.
	while IFS=$'\t' read -r t c type _; do
		now=$(awk -F'\t' -v t="$t" -v c="$c" '$1 == t && $2 == c { print $3 }' "$work/now")
		if [[ -z $now ]]; then
			if ((marked)); then say "$(basename "$f"): $t.$c removed (marked)"; else
				say "FAIL $(basename "$f"): column $t.$c disappeared"; bad=$((bad + 1)); fi
		elif [[ $now != "$type" ]]; then
			if ((marked)); then say "$(basename "$f"): $t.$c $type -> $now (marked)"; else
				say "FAIL $(basename "$f"): column $t.$c changed from $type to $now"; bad=$((bad + 1)); fi
		fi
	done <"$work/prev"
	# Every new column of an old table: NULL-able or with a default.
	while IFS=$'\t' read -r t c type nullable def extra; do
		grep -q -x -F "$t" <<<"$prev_tables" || continue	# a new table
		grep -q -P "^\Q$t\E\t\Q$c\E\t" "$work/prev" && continue
		if [[ $nullable == NO && $def == nodefault && $extra != *auto_increment* && $extra != *GENERATED* ]]; then
			if ((marked)); then say "$(basename "$f"): $t.$c NOT NULL without default (marked)"; else
				say "FAIL $(basename "$f"): new column $t.$c is NOT NULL without a default: an old worker's INSERT fails"
				bad=$((bad + 1)); fi
		fi
	done <"$work/now"
	cp "$work/now" "$work/prev"
done

n=$(wc -w <<<"$files")
if ((bad > 0)); then
	say "$bad problem(s) in $n migrations"
	exit 1
fi
say "ok: $n migrations only add (or carry a '-- compat:' reason)"
