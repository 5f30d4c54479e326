#!/usr/bin/env bash
# tests/security/http-hardening.sh - what any answer of the deployment must
# hold, whatever the request: security headers on JSON answers, no server
# version, the session cookie HttpOnly and SameSite, odd methods, hosts and
# paths answered with a 4xx (never a 5xx, never a file outside the portal),
# a body over limits.body_max refused with 413.
# Needs the services of scripts/services (TC_BASE; scripts/check exports it).
set -euo pipefail
: "${TC_BASE:?run through scripts/check or eval \"\$(scripts/services env DIR)\"}"
fail=0
bad() { printf 'FAIL %s\n' "$*"; fail=1; }
ok() { printf 'ok   %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# code METHOD PATH [curl args...]: the status code (headers in $tmp/h).
code() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$tmp/b" -D "$tmp/h" -m 10 -X "$m" -w '%{http_code}' "$@" "$TC_BASE$p" || echo 000
}
header() { grep -i "^$1:" "$tmp/h" | head -n 1 | tr -d '\r' | cut -d' ' -f2-; }

# 1. JSON answers carry the security headers, once each.
for p in /healthz /api/me /api/students /api/nope; do
	c=$(code GET "$p" -H 'Host: geen-school.localhost')
	[[ $(header X-Content-Type-Options) == nosniff ]] || bad "$p: X-Content-Type-Options"
	[[ $(header X-Frame-Options) == DENY ]] || bad "$p: X-Frame-Options"
	[[ $(grep -ci '^X-Frame-Options:' "$tmp/h") == 1 ]] || bad "$p: X-Frame-Options twice"
	[[ $(header Server) != *[0-9]* ]] || bad "$p: Server header with a version: $(header Server)"
	[[ $c == 200 || $c == 404 || $c == 401 ]] || bad "$p: status $c"
done
ok "security headers on JSON answers"

# 2. Odd hosts: 404 unknown_school or 400, never a 5xx.
for h in 'a..b' '-x.localhost' "$(printf 'x%.0s' {1..300})" 'regenboog.localhost:99999' '[::1]' 'evil.example/x'; do
	c=$(code GET /api/me -H "Host: $h")
	[[ $c =~ ^4 ]] || bad "Host '$h': status $c"
done
ok "odd Host headers are 4xx"

# 3. Odd methods and paths.
for m in TRACE OPTIONS PROPFIND; do
	c=$(code "$m" /api/students -H 'Host: localhost')
	[[ $c =~ ^4 ]] || bad "$m /api/students: $c"
done
for p in '/api/../../etc/passwd' '/..%2f..%2fetc/passwd' '/api/students/%00' '/api/students/1%2f..' \
	'/api/students/99999999999999999999999' '/api/students/-1' '/api/students?limit=%ff%fe' '/.git/config'; do
	c=$(code GET "$p" -H 'Host: localhost' --path-as-is)
	[[ $c =~ ^4 ]] || bad "GET $p: $c"
	! grep -q 'root:' "$tmp/b" || bad "GET $p served /etc/passwd"
done
ok "odd methods and paths are 4xx"

# 4. A body over the limit (cut-off bodies: tests/fault/http-abuse.sh).
big=$tmp/big.json
head -c 3000000 /dev/zero | tr '\0' 'a' | sed 's/^/{"email":"/; s/$/"}/' >"$big"
c=$(code POST /api/session -H 'Host: localhost' -H 'Content-Type: application/json' --data-binary "@$big")
[[ $c == 413 || $c == 404 ]] || bad "3 MB body: $c"
ok "a body over limits.body_max is 413"

# 5. The login cookie, at a fresh school.
if [[ -n ${TC_CONFIG:-} && -x ${TC_BIN:-}/tcctl ]]; then
	slug=sec$(date +%s%N | tail -c 9)
	pw=Wachtwoord-$RANDOM$RANDOM
	"$TC_BIN/tcctl" --config "$TC_CONFIG" tenant add --slug "$slug" --name "Sec $slug" --host "$slug.localhost" >/dev/null
	printf '%s\n' "$pw" | "$TC_BIN/tcctl" --config "$TC_CONFIG" user add --tenant "$slug" \
		--email "b@$slug.example" --name Beheer --role admin >/dev/null
	c=$(code POST /api/session -H "Host: $slug.localhost" -H 'Content-Type: application/json' \
		--data-binary "{\"email\":\"b@$slug.example\",\"password\":\"$pw\"}")
	[[ $c == 200 ]] || bad "login: $c"
	ck=$(header Set-Cookie)
	[[ $ck == tc_session=* ]] || bad "no session cookie: $ck"
	[[ $ck == *HttpOnly* ]] || bad "session cookie without HttpOnly: $ck"
	[[ $ck == *SameSite=* ]] || bad "session cookie without SameSite: $ck"
	[[ $(header Cache-Control) == *no-store* ]] || bad "login answer is cacheable"
	! grep -q "$pw" "$tmp/b" || bad "the login answer holds the password"
	ok "session cookie flags"
fi
exit $fail
