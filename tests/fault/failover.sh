#!/usr/bin/env bash
# tests/fault/failover.sh - three tc-fcgi processes behind a private nginx
# under steady load: one is killed (SIGKILL), another is stopped (SIGTERM)
# and started again.  Passes when
#   - no GET failed (nginx retries a GET on the next tc-fcgi: error timeout),
#   - no POST was applied twice or half: every POST /api/students/deactivate
#     names two pupils of its own; afterwards SQL shows each pair either both
#     archived with exactly one audit entry, or untouched with none (a POST
#     answered 502 may have run or not, never half, never twice; a POST
#     answered 200 ran exactly once),
#   - the load went on: requests succeeded after the kill and after the restart.
# Bounded: about 25 seconds, never more than 90.  Needs the services of
# scripts/services (scripts/check exports their environment).
set -euo pipefail

: "${TC_BIN:?}" "${TC_CONFIG:?}" "${TC_MYSQL_SOCKET:?}"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for d in "$repo"/build/node/node_modules/node-linux-*/bin; do
	[[ -x $d/node ]] && PATH=$d:$PATH
done

dir=$(mktemp -d /tmp/tcfo.XXXXXX)
chmod 0755 "$dir"
pids=()
nginx_pid=
slug=fo$(date +%s)$RANDOM
started=$SECONDS

say() { printf 'failover: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

cleanup() {
	local p
	[[ -z $nginx_pid ]] || kill -TERM "$nginx_pid" 2>/dev/null || true
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	sleep 0.5
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	[[ -z $nginx_pid ]] || kill -KILL "$nginx_pid" 2>/dev/null || true
	"$TC_BIN/tcctl" --config "$TC_CONFIG" erase-tenant "$slug" --confirm "$slug" >/dev/null 2>&1 || true
	if [[ -z ${TC_FAILOVER_KEEP:-} ]]; then rm -rf "$dir"; else say "kept $dir"; fi
}
# Never longer than 90 seconds, whatever hangs.
(
	trap 'kill $sp 2>/dev/null; exit 0' TERM
	sleep 90 &
	sp=$!
	wait $sp
	say "FAIL: took longer than 90 s"
	kill -TERM $$
) 2>/dev/null &
watchdog=$!
trap 'kill $watchdog 2>/dev/null || true; cleanup' EXIT
trap 'exit 143' TERM INT

sqlq() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$TC_MYSQL_SOCKET" -uroot testcentrum -N -B -e "$1"; }

free_port() {
	local p used
	used=" $(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		while read -r h; do echo $((16#$h)); done | sort -un | tr '\n' ' ') "
	for _ in $(seq 200); do
		p=$(shuf -i 20000-59999 -n 1)
		[[ $used == *" $p "* ]] || { echo "$p"; return 0; }
	done
	return 1
}

# start_fcgi N: tc-fcgi number N on $dir/fN.sock; waits until it answers.
start_fcgi() {
	local n=$1 i
	rm -f "$dir/f$n.sock"
	setsid "$TC_BIN/tc-fcgi" --config "${TC_FCGI_CONFIG:-$TC_CONFIG}" --listen "unix:$dir/f$n.sock" --threads 4 \
		</dev/null >>"$dir/f$n.log" 2>&1 &
	pids[n]=$!
	disown "${pids[n]}"	# no "Killed" line from the shell when one is killed
	for ((i = 0; i < 100; i++)); do
		[[ -S $dir/f$n.sock ]] && return 0
		sleep 0.1
	done
	fail "tc-fcgi $n did not open its socket"
}

# --- a school with pupils to archive ----------------------------------------
"$TC_BIN/tcctl" --config "$TC_CONFIG" tenant add --slug "$slug" --name "Failover" --host "$slug.localhost" >/dev/null
password=Failover-$RANDOM$RANDOM
printf '%s\n' "$password" | "$TC_BIN/tcctl" --config "$TC_CONFIG" user add --tenant "$slug" \
	--email "beheer@$slug.example" --name Beheerder --role admin >/dev/null
tid=$(sqlq "SELECT id FROM tenants WHERE slug = '$slug'")
values=$(for ((i = 0; i < 1600; i++)); do printf "(%s,'Failover','P%d','manual')," "$tid" "$i"; done)
sqlq "INSERT INTO students (tenant_id, achternaam, roepnaam, source) VALUES ${values%,}"
sqlq "SELECT id FROM students WHERE tenant_id = $tid ORDER BY id" >"$dir/pupils"

# --- three tc-fcgi behind a private nginx ------------------------------------
for n in 1 2 3; do start_fcgi "$n"; done
port=$(free_port) || fail "no free port"
# nginx's workers run as the private set-up's do: tc-fcgi's socket (0660)
# belongs to their group (scripts/services: "root" when nobody cannot read
# the checkout, e.g. one under /root).
user_line=
if ((EUID == 0)); then
	user_line=$(grep -m 1 '^user ' "${TC_SERVICES_DIR:?}/nginx/nginx.conf") ||
		fail "no user line in $TC_SERVICES_DIR/nginx/nginx.conf"
fi
mkdir -p "$dir/tmp"
cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 512; }
http {
    client_body_temp_path $dir/tmp/body;
    fastcgi_temp_path $dir/tmp/fastcgi;
    proxy_temp_path $dir/tmp/proxy;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    log_format fo '\$request_method \$uri \$status "\$upstream_addr" "\$upstream_status"';
    access_log $dir/nginx-access.log fo;
    upstream tc_fcgi {
        server unix:$dir/f1.sock;
        server unix:$dir/f2.sock;
        server unix:$dir/f3.sock;
        # Each kept connection pins one accepting thread of the tc-fcgi it
        # goes to, and when the others are down every kept connection goes
        # to the survivor: keepalive x worker_processes must stay below the
        # threads of ONE process (4 here), or new connections starve until
        # fastcgi_read_timeout (seen with keepalive 4: a GET timed out).
        keepalive 2;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_split_path_info ^()(/.*)\$;
            fastcgi_param PATH_INFO \$fastcgi_path_info;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_keep_conn on;
            fastcgi_connect_timeout 2s;
            fastcgi_read_timeout 15s;
            # A GET goes to the next tc-fcgi on an error or a timeout; a POST
            # only when it could not be sent at all (no "non_idempotent").
            fastcgi_next_upstream error timeout;
            fastcgi_next_upstream_tries 3;
            fastcgi_pass tc_fcgi;
        }
    }
}
EOF
nginx -t -q -p "$dir/" -e "$dir/nginx-error.log" -c "$dir/nginx.conf" || fail "nginx -t"
setsid nginx -p "$dir/" -e "$dir/nginx-error.log" -c "$dir/nginx.conf" -g 'daemon off;' \
	</dev/null >>"$dir/nginx.out" 2>&1 &
nginx_pid=$!
for ((i = 0; i < 100; i++)); do
	[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Host: $slug.localhost" "http://127.0.0.1:$port/healthz") == 200 ]] && break
	sleep 0.1
done

# --- the load: 4 GET loops (/api/me), 2 POST loops (deactivate two pupils each)
cat >"$dir/load.mjs" <<'EOF'
import http from 'node:http';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const [port, host, email, password, pupilsFile, stopFile, outFile] = process.argv.slice(2);
const pupils = readFileSync(pupilsFile, 'utf8').trim().split('\n').map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function req(method, path, body, headers = {}) {
  return new Promise((resolve) => {
    const data = body ? Buffer.from(JSON.stringify(body)) : null;
    const h = { Host: host, ...headers };
    if (data) { h['Content-Type'] = 'application/json'; h['Content-Length'] = data.length; }
    const r = http.request({ host: '127.0.0.1', port: Number(port), method, path, headers: h, agent, timeout: 20000 },
      (res) => { const c = []; res.on('data', (d) => c.push(d)); res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(c).toString() })); });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (e) => resolve({ status: 0, text: String(e) }));
    if (data) r.write(data);
    r.end();
  });
}
const login = await req('POST', '/api/session', { email, password });
if (login.status !== 200) { console.error('login', login.status, login.text); process.exit(2); }
const cookie = /tc_session=[^;]*/.exec([].concat(login.headers['set-cookie'])[0])[0];
const csrf = JSON.parse(login.text).csrf_token;
const log = [];
let next = 0;
const stopped = () => existsSync(stopFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function getLoop() {
  while (!stopped()) {
    const res = await req('GET', '/api/me', null, { Cookie: cookie });
    log.push({ t: Date.now(), m: 'GET', s: res.status, e: res.status === 200 ? undefined : res.text.slice(0, 200) });
    await sleep(5);
  }
}
async function postLoop() {
  while (!stopped() && next + 1 < pupils.length) {
    const ids = [pupils[next], pupils[next + 1]];
    next += 2;
    const res = await req('POST', '/api/students/deactivate', { ids }, { Cookie: cookie, 'X-CSRF-Token': csrf });
    log.push({ t: Date.now(), m: 'POST', s: res.status, ids, e: res.status === 200 ? undefined : res.text.slice(0, 200) });
    await sleep(60);
  }
}
await Promise.all([getLoop(), getLoop(), getLoop(), getLoop(), postLoop(), postLoop()]);
writeFileSync(outFile, JSON.stringify(log));
EOF
node "$dir/load.mjs" "$port" "$slug.localhost" "beheer@$slug.example" "$password" "$dir/pupils" \
	"$dir/stop" "$dir/log.json" &
load=$!

sleep 3
t_kill=$(date +%s%3N)
say "SIGKILL tc-fcgi 1 (pid ${pids[1]})"
kill -KILL "${pids[1]}"
sleep 3
t_term=$(date +%s%3N)
say "SIGTERM tc-fcgi 2 (pid ${pids[2]}), then start it again"
kill -TERM "${pids[2]}"
for ((i = 0; i < 400; i++)); do [[ -d /proc/${pids[2]} ]] || break; sleep 0.1; done
[[ ! -d /proc/${pids[2]} ]] || fail "tc-fcgi 2 did not stop within 40 s of SIGTERM"
start_fcgi 2
t_restart=$(date +%s%3N)
sleep 4
touch "$dir/stop"
wait "$load" || fail "the load generator failed"

# --- the verdict -------------------------------------------------------------
node - "$dir/log.json" "$t_kill" "$t_term" "$t_restart" >"$dir/verdict" <<'EOF'
import { readFileSync } from 'node:fs';
const [file, tKill, tTerm, tRestart] = process.argv.slice(2);
const log = JSON.parse(readFileSync(file, 'utf8'));
const gets = log.filter((r) => r.m === 'GET');
const posts = log.filter((r) => r.m === 'POST');
const badGets = gets.filter((r) => r.s !== 200);
const odd = posts.filter((r) => r.s !== 200 && r.s !== 502);
const after = (t) => log.filter((r) => r.t > Number(t) && r.s === 200).length;
const postsAfter = (t) => posts.filter((r) => r.t > Number(t) && r.s === 200).length;
console.log(JSON.stringify({
  gets: gets.length, badGets: badGets.length, badGetSample: badGets.slice(0, 3),
  posts: posts.length, posts200: posts.filter((r) => r.s === 200).length,
  posts502: posts.filter((r) => r.s === 502).length, odd: odd.length, oddSample: odd.slice(0, 3),
  afterKill: after(tKill), afterTerm: after(tTerm), afterRestart: after(tRestart),
  postsAfterRestart: postsAfter(tRestart),
}));
for (const p of posts) console.log(`POST ${p.s} ${p.ids.join(',')}`);
EOF
summary=$(head -n 1 "$dir/verdict")
get() { node -e "console.log(JSON.parse(process.argv[1])[process.argv[2]])" "$summary" "$1"; }
gets=$(get gets) bad_gets=$(get badGets) posts=$(get posts) posts200=$(get posts200)
posts502=$(get posts502) odd=$(get odd)
after_kill=$(get afterKill) after_restart=$(get afterRestart)
posts_after_restart=$(get postsAfterRestart)

((bad_gets == 0)) || fail "$bad_gets of $gets GETs failed: $(get badGetSample)"
((odd == 0)) || fail "$odd POSTs answered neither 200 nor 502: $(get oddSample)"
((posts > 20)) || fail "only $posts POSTs were sent"
((after_kill > 50 && after_restart > 20)) ||
	fail "the load stalled: $after_kill answers after the kill, $after_restart after the restart"
((posts_after_restart > 5)) || fail "only $posts_after_restart POSTs succeeded after the restart"

# Each pair: archived both with one audit entry, or neither with none.
sqlq "SELECT s.id, s.status FROM students s WHERE s.tenant_id = $tid" | sort -n >"$dir/status"
sqlq "SELECT object_ids, count FROM audit_log WHERE tenant_id = $tid AND action = 'student_deactivate'" >"$dir/audit"
twice=0 half=0 lost=0 applied=0 unanswered_applied=0
declare -A st
while read -r id s; do st[$id]=$s; done <"$dir/status"
declare -A audits
while IFS=$'\t' read -r ids count; do
	audits[$ids]=$((${audits[$ids]:-0} + 1))
	[[ $count == 2 ]] || twice=$((twice + 1))	# a second run would archive nothing: count 0
done <"$dir/audit"
while read -r _ code ids; do
	a=${ids%,*} b=${ids#*,}
	n=0
	[[ ${st[$a]:-} == deactivated ]] && n=$((n + 1))
	[[ ${st[$b]:-} == deactivated ]] && n=$((n + 1))
	k=${audits[$ids]:-0}
	if ((n == 1)); then half=$((half + 1)); fi
	if ((k > 1)); then twice=$((twice + 1)); fi
	if ((n == 2 && k != 1)) || ((n == 0 && k != 0)); then twice=$((twice + 1)); fi
	if [[ $code == 200 ]] && ((n != 2)); then lost=$((lost + 1)); fi
	((n == 2)) && applied=$((applied + 1))
	[[ $code == 502 ]] && ((n == 2)) && unanswered_applied=$((unanswered_applied + 1))
done < <(tail -n +2 "$dir/verdict")
# No pupil outside the pairs sent was touched.
sent_ids=$(tail -n +2 "$dir/verdict" | awk '{print $3}' | tr ',' '\n' | sort -n)
archived=$(awk '$2 == "deactivated" {print $1}' "$dir/status" | sort -n)
extra=$(comm -13 <(printf '%s\n' "$sent_ids") <(printf '%s\n' "$archived") | grep -c . || true)

# The extra tc-fcgi processes' logs: no sanitizer report (sanitizer builds).
if grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$dir"/f*.log; then
	grep -h -m 5 -A 12 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$dir"/f*.log | head -n 40
	fail "a sanitizer report in a tc-fcgi log"
fi
((half == 0)) || fail "$half POSTs were applied by half"
((twice == 0)) || fail "$twice POSTs were applied twice (or their audit does not match)"
((lost == 0)) || fail "$lost POSTs answered 200 were not applied"
((extra == 0)) || fail "$extra pupils were archived that no POST named"

say "$gets GETs, 0 failed; $posts POSTs: $posts200 answered 200, $posts502 answered 502 ($unanswered_applied of them had run), $applied applied exactly once, 0 twice, 0 by half; $after_kill answers after the SIGKILL, $after_restart ($posts_after_restart POSTs) after the restart; $((SECONDS - started)) s"
