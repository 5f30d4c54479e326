#!/usr/bin/env bash
# tests/security/connections.sh - who may talk to MariaDB, Redis and tc-fcgi
# (issue 19): the servers of scripts/services refuse plain and unauthenticated
# connections, the programs get in with their own accounts only, each account
# holds only what its program uses, tc-fcgi runs without the key of the LAS
# keys, and its FastCGI socket is not world-writable.
# Needs the services of scripts/services (scripts/check exports their env).
set -euo pipefail
: "${TC_SERVICES_DIR:?run through scripts/check or eval \"\$(scripts/services env DIR)\"}"
: "${TC_CONFIG:?}" "${TC_FCGI_CONFIG:?}" "${TC_WORKER_CONFIG:?}" "${TC_BIN:?}" "${TC_TLS_DIR:?}"
: "${TC_MARIADB_TLS_PORT:?}" "${TC_REDIS_TLS_PORT:?}" "${TC_REDIS_SOCKET:?}" "${TC_MYSQL_SOCKET:?}"
[[ -x $TC_BIN/tcctl && -x $TC_BIN/tc-fcgi ]] || { echo "FAIL no tcctl/tc-fcgi in $TC_BIN"; exit 1; }
set -f	# the Redis commands below hold a *
fail=0
bad() { printf 'FAIL %s\n' "$*"; fail=1; }
ok() { printf 'ok   %s\n' "$*"; }
get() { sed -n "s/^[[:space:]]*${2//./\\.}[[:space:]]*=[[:space:]]*//p" "$1" | tail -n 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
port=
tls=$TC_TLS_DIR

# --- Redis ------------------------------------------------------------------
rcli() { env -u REDISCLI_AUTH redis-cli "$@" 2>&1 || true; }
out=$(rcli -s "$TC_REDIS_SOCKET" PING)
[[ $out == *NOAUTH* ]] || bad "Redis answers without AUTH: $out"
out=$(rcli -s "$TC_REDIS_SOCKET" --user tc-fcgi --pass wrong --no-auth-warning PING)
[[ $out != PONG ]] || bad "Redis takes a wrong password"
ok "Redis refuses an unauthenticated connection and a wrong password"

for f in "$TC_FCGI_CONFIG" "$TC_WORKER_CONFIG" "$TC_CONFIG"; do
	u=$(get "$f" redis.user)
	p=$(get "$f" redis.password)
	[[ -n $u && -n $p ]] || { bad "$f: no redis.user/redis.password"; continue; }
	a=(-s "$TC_REDIS_SOCKET" --user "$u" --pass "$p" --no-auth-warning)
	[[ $(rcli "${a[@]}" PING) == PONG ]] || bad "$u: no PONG"
	for c in "FLUSHALL" "CONFIG GET requirepass" "KEYS *" "ACL LIST" "CLIENT LIST" "INFO"; do
		# shellcheck disable=SC2086 # the command's words
		out=$(rcli "${a[@]}" $c)
		[[ $out == *NOPERM* ]] || bad "$u may run $c: $out"
	done
	out=$(rcli "${a[@]}" SET "someone-else:x" 1)
	[[ $out == *NOPERM* ]] || bad "$u may write a key outside tc:*: $out"
done
ok "each program's Redis user: its own password, no admin or dangerous command, only tc:* keys"

# The TCP port speaks TLS only, with a client certificate.
out=$(rcli -h 127.0.0.1 -p "$TC_REDIS_TLS_PORT" PING)
[[ $out != PONG && $out != *NOAUTH* ]] || bad "Redis answers plain TCP: $out"
out=$(rcli --tls --cacert "$tls/ca.crt" -h 127.0.0.1 -p "$TC_REDIS_TLS_PORT" PING)
[[ $out != PONG && $out != *NOAUTH* ]] || bad "Redis TLS without a client certificate: $out"
u=$(get "$TC_WORKER_CONFIG" redis.user)
p=$(get "$TC_WORKER_CONFIG" redis.password)
out=$(rcli --tls --cacert "$tls/ca.crt" --cert "$tls/client.crt" --key "$tls/client.key" \
	-h 127.0.0.1 -p "$TC_REDIS_TLS_PORT" --user "$u" --pass "$p" --no-auth-warning PING)
[[ $out == PONG ]] || bad "Redis over TLS with a client certificate and AUTH: $out"
ok "Redis TCP: TLS with client certificate only"

# The programs over that TLS port, through the tunnel docs/operations.md
# describes ("Redis: ACL users, and TLS"; hiredis 0.14 has no TLS): stunnel
# verifies Redis's certificate and shows the client certificate.
tunnels=()
trap 'for t in "${tunnels[@]}"; do kill "$t" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
# tunnel NAME CAFILE CERT KEY: an stunnel client on a free loopback port (its
# number in $port).
tunnel() {
	local i
	for ((i = 0; i < 50; i++)); do
		port=$(shuf -i 20000-30000 -n 1)
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	cat >"$tmp/$1.conf" <<-EOF
		foreground = yes
		pid =
		output = $tmp/$1.log
		[redis]
		client = yes
		accept = 127.0.0.1:$port
		connect = 127.0.0.1:$TC_REDIS_TLS_PORT
		CAfile = $2
		verifyChain = yes
		checkIP = 127.0.0.1
		cert = $3
		key = $4
	EOF
	stunnel "$tmp/$1.conf" </dev/null >/dev/null 2>&1 &
	tunnels+=($!)
	for ((i = 0; i < 50; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	bad "stunnel $1 did not listen: $(tail -n 5 "$tmp/$1.log" 2>/dev/null)"
}
viatunnel() { TC_REDIS_SOCKET='' TC_REDIS_HOST=127.0.0.1 TC_REDIS_PORT=$1 \
	"$TC_BIN/tcctl" --config "$TC_CONFIG" jobs list >"$tmp/o" 2>&1; }
tunnel good "$tls/ca.crt" "$tls/client.crt" "$tls/client.key"
viatunnel "$port" && grep -q 'stream:' "$tmp/o" || bad "tcctl through the TLS tunnel: $(head -c 300 "$tmp/o")"
tunnel rogue-client "$tls/ca.crt" "$tls/rogue.crt" "$tls/rogue.key"
viatunnel "$port" && bad "Redis took a client certificate of another CA"
tunnel rogue-server "$tls/rogue.crt" "$tls/client.crt" "$tls/client.key"
viatunnel "$port" && bad "the tunnel accepted a Redis certificate of another CA"
ok "the programs reach Redis over TLS through a tunnel; a certificate of another CA on either side is refused"

# The programs log in: a wrong password is refused (tcctl status reads Redis).
if TC_REDIS_PASSWORD=wrong "$TC_BIN/tcctl" --config "$TC_CONFIG" status >"$tmp/o" 2>&1 &&
	! grep -qi 'redis.*\(down\|unavailable\|error\)' "$tmp/o"; then
	bad "tcctl status with a wrong Redis password looks fine: $(head -c 300 "$tmp/o")"
fi
grep -q "$(get "$TC_CONFIG" redis.password)" "$TC_SERVICES_DIR"/log/*.log 2>/dev/null &&
	bad "a Redis password in a log"
ok "a wrong Redis password is refused"

# --- MariaDB ----------------------------------------------------------------
my() { mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$TC_MARIADB_TLS_PORT" "$@" 2>&1 || true; }
u=$(get "$TC_CONFIG" db.user)
p=$(get "$TC_CONFIG" db.password)
out=$(my --skip-ssl -u "$u" -p"$p" -N -e 'SELECT 1')
[[ $out != 1 ]] || bad "MariaDB takes a plain TCP connection"
out=$(my --ssl-ca="$tls/rogue.crt" --ssl-verify-server-cert -u "$u" -p"$p" -N -e 'SELECT 1')
[[ $out != 1 ]] || bad "the client accepts a server certificate of another CA"
out=$(my --ssl-ca="$tls/ca.crt" --ssl-verify-server-cert -u "$u" -p"$p" -N -e "SHOW STATUS LIKE 'Ssl_cipher'")
[[ $out == Ssl_cipher*[A-Z]* ]] || bad "MariaDB over verified TLS: $out"
ok "MariaDB refuses plain TCP; TLS with the server's certificate verified works"

# The programs: plain refused, a wrong CA refused, the right one works.
st() { "$TC_BIN/tcctl" --config "$TC_CONFIG" tenant list >"$tmp/o" 2>&1; }
TC_DB_TLS=no st && bad "tcctl connects with db.tls = no"
TC_DB_TLS_CA=$tls/rogue.crt st && bad "tcctl accepts a server certificate of another CA"
st || bad "tcctl tenant list over TLS: $(head -c 300 "$tmp/o")"
ok "the programs connect to MariaDB over TLS with the certificate verified"

# Least privilege: no ALL, no '%' host; tc-fcgi and tc-worker cannot change
# the schema; the accounts must use TLS.
root() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$TC_MYSQL_SOCKET" -uroot -N -B -e "$1"; }
[[ -z $(root "SELECT CONCAT(user,'@',host) FROM mysql.user WHERE host = '%' OR host = ''") ]] ||
	bad "an account with a '%' host"
for f in "$TC_FCGI_CONFIG" "$TC_WORKER_CONFIG" "$TC_CONFIG"; do
	u=$(get "$f" db.user)
	g=$(root "SHOW GRANTS FOR '$u'@'127.0.0.1'")
	[[ $g != *"ALL PRIVILEGES"* && $g != *" ON *.*"*[A-Z]*" TO"*"WITH GRANT"* ]] || bad "$u: $g"
	grep -q 'ON `testcentrum`' <<<"$g" || bad "$u: no grant on testcentrum: $g"
	[[ $(root "SELECT ssl_type FROM mysql.user WHERE user = '$u'") == ANY ]] || bad "$u does not require TLS"
	if [[ $f != "$TC_CONFIG" ]]; then
		[[ $g != *CREATE* && $g != *DROP* && $g != *ALTER* ]] || bad "$u may change the schema: $g"
		out=$(my --ssl-ca="$tls/ca.crt" -u "$u" -p"$(get "$f" db.password)" testcentrum \
			-e 'CREATE TABLE sec_probe (x INT)')
		[[ $out == *denied* ]] || bad "$u created a table: $out"
	fi
done
root "DROP TABLE IF EXISTS testcentrum.sec_probe"
ok "least-privilege MariaDB accounts: no ALL, no '%', schema changes only for tcctl"

# --- tc-fcgi ----------------------------------------------------------------
[[ -z $(get "$TC_FCGI_CONFIG" secret.key_file) ]] || bad "fcgi.conf names secret.key_file"
pid=$(<"$TC_SERVICES_DIR/run/tc-fcgi.pid")
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--config $TC_FCGI_CONFIG" || bad "tc-fcgi does not run with fcgi.conf"
! tr '\0' '\n' <"/proc/$pid/environ" | grep -q '^TC_SECRET_KEY_FILE=.' || bad "tc-fcgi has TC_SECRET_KEY_FILE"
out=$("$TC_BIN/tc-fcgi" --config "$TC_CONFIG" --check-config 2>&1) && bad "tc-fcgi takes a configuration with secret.key_file"
[[ $out == *secret.key_file* ]] || bad "tc-fcgi's refusal does not name secret.key_file: $out"
[[ $(get "$TC_FCGI_CONFIG" db.user) != "$(get "$TC_WORKER_CONFIG" db.user)" ]] || bad "tc-fcgi shares tc-worker's database user"
ok "tc-fcgi runs with its own configuration and account, without the secret key (and refuses it)"

sock=$TC_SERVICES_DIR/run/tc-fcgi.sock
mode=$(stat -c %a "$sock")
[[ $mode == 660 ]] || bad "tc-fcgi's socket has mode $mode"
[[ $(stat -c %G "$sock") == "$(get "$TC_FCGI_CONFIG" fcgi.socket_group)" ]] || bad "tc-fcgi's socket group: $(stat -c %G "$sock")"
ok "tc-fcgi's FastCGI socket is 0660, of nginx's group"

exit $fail
