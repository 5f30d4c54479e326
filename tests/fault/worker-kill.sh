#!/usr/bin/env bash
# tests/fault/worker-kill.sh - see tests/fault/worker-kill.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 300 node tests/fault/worker-kill.mjs
