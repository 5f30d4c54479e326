#!/bin/sh
# tests/fuzz/build.sh OUTDIR - build the libFuzzer targets with clang,
# straight from the sources (no configure needed).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
CC=${CLANG:-clang}
flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/core"
$CC $flags $(pkg-config --cflags libxml-2.0 jansson) -o "$out/fuzz_uwlr" \
	"$top/tests/fuzz/fuzz_uwlr.c" "$top/core/uwlr.c" "$top/core/log.c" \
	"$top/core/status.c" "$top/core/arena.c" $(pkg-config --libs libxml-2.0 jansson)
echo "built $out/fuzz_uwlr"
