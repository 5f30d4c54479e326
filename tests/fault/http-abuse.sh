#!/usr/bin/env bash
# tests/fault/http-abuse.sh - see tests/fault/http-abuse.mjs: 1,000 slow
# clients, cut-off bodies, clients that hang up; the workers go on serving.
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n 8192 2>/dev/null || true
exec timeout 180 node tests/fault/http-abuse.mjs
