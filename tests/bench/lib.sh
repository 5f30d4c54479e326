# tests/bench/lib.sh - the set-up shared by tests/bench/run and tests/bench/soak:
# an optimised build in build/bench, the bare libfcgi responder and clients, and private
# servers (scripts/services) in a temporary folder whose environment is
# exported.  Sourced from the top of the checkout; sets $svc and $bdir.
say() { printf 'bench: %s\n' "$*" >&2; }
bench_setup() {
	scripts/deps
	command -v wrk >/dev/null || { say "wrk is missing (scripts/deps installs it)"; exit 1; }

	# An optimised build (no sanitizers), separate from build/check and build/demo.
	bdir=$repo/build/bench
	if [[ -f $repo/config.status ]]; then
		say "the checkout is configured in place: run make distclean first"; exit 1
	fi
	[[ -x configure ]] || ./autogen.sh >/dev/null
	mkdir -p "$bdir"
	(
		cd "$bdir"
		[[ -f Makefile ]] || ../../configure >configure.out 2>&1
		make -j2 >make.out 2>&1 || { tail -n 30 make.out; exit 1; }
	)
	cc -O2 -Wall -o "$bdir/fcgi_hello" tests/bench/fcgi_hello.c -lfcgi -lpthread
	cc -O2 -Wall -o "$bdir/smtp_send" tests/bench/smtp_send.c $(pkg-config --cflags --libs libcurl) -lpthread
	make -C "$bdir" tests/bench/txn_ceiling >/dev/null

	svc=$(mktemp -d /tmp/tc-bench.XXXXXX)
	# No nightly sync: when the fleet's clock passes 02:00 it would fetch
	# every school of the run again, in the middle of the reminder figure.
	export TC_BIN=$bdir TC_SYNC_ENABLED=no
	cleanup() {
		scripts/services stop "$svc" >/dev/null 2>&1 || true
		if [[ -n ${TC_BENCH_KEEP:-} ]]; then say "kept $svc"; else rm -rf "$svc"; fi
	}
	trap cleanup EXIT
	scripts/services init "$svc" >/dev/null
	# log.level stays info, as in production: one JSON line per request.
	scripts/services start "$svc" >/dev/null
	eval "$(scripts/services env "$svc")"
}
