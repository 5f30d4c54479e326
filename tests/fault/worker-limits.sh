#!/usr/bin/env bash
# tests/fault/worker-limits.sh - see tests/fault/worker-limits.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 300 node tests/fault/worker-limits.mjs
