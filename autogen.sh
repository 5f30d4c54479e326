#!/bin/sh
# autogen.sh - generate configure and Makefile.in from configure.ac and Makefile.am.
set -eu
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
# autoreconf does not install automake's TAP driver; the unit tests need it.
am_dir=$(automake --print-libdir)
cp -f "$am_dir/tap-driver.sh" build-aux/tap-driver.sh
chmod +x build-aux/tap-driver.sh
