#!/bin/sh
# tests/fuzz/build.sh OUTDIR - build the libFuzzer targets with clang,
# straight from the sources (no configure needed).
#
# fuzz_uwlr links the parser alone.  The other targets link the real code of
# the floors of LAYERS up to fcgi/ (everything but the programs' main files),
# built once into OUTDIR/libtcfuzz.a with the same sanitizers.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
CC=${CLANG:-clang}
# The library's folders: the floors of LAYERS below the programs.
dirs=
for d in $(sed 's/#.*//' "$top/LAYERS"); do
	case $d in jobs | ctl | tools/*) continue ;; esac
	dirs="$dirs $top/$d"
done
incs=
for d in $dirs; do incs="$incs -I$d"; done
flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
$CC $flags $incs $(pkg-config --cflags libxml-2.0 jansson) -o "$out/fuzz_uwlr" \
	"$top/tests/fuzz/fuzz_uwlr.c" "$top/core/uwlr/uwlr.c" "$top/core/base/log.c" \
	"$top/core/base/status.c" "$top/core/base/arena.c" $(pkg-config --libs libxml-2.0 jansson)
echo "built $out/fuzz_uwlr"

# The library of every module, compiled for fuzzing (objects rebuilt when
# their source or any header is newer).
pkgs="libxml-2.0 jansson libmariadb hiredis libcurl libsodium"
libflags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined $incs $(pkg-config --cflags $pkgs)"
obj=$out/obj
mkdir -p "$obj"
newest_h=$(for d in $dirs; do ls -t "$d"/*.h | head -n 1; done | xargs ls -t | head -n 1)
objs=
pids=
for src in $(for d in $dirs; do ls "$d"/*.c; done); do
	case $src in */fcgi/main.c) continue ;; esac
	o=$obj/$(basename "$(dirname "$src")")_$(basename "$src" .c).o
	objs="$objs $o"
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
		$CC $libflags -c -o "$o" "$src" &
		pids="$pids $!"
		# two at a time (a 2-core machine)
		set -- $pids
		if [ $# -ge 2 ]; then wait $1; shift; pids="$*"; fi
	fi
done
for p in $pids; do wait "$p"; done
rm -f "$out/libtcfuzz.a"
ar rcs "$out/libtcfuzz.a" $objs
libs="$(pkg-config --libs $pkgs) -lfcgi -lpthread"
for t in fuzz_json_body fuzz_query fuzz_host fuzz_config; do
	$CC $flags $incs $(pkg-config --cflags $pkgs) -o "$out/$t" "$top/tests/fuzz/$t.c" \
		"$out/libtcfuzz.a" $libs
	echo "built $out/$t"
done
