#!/usr/bin/env bash
# tests/fault/redis-restart.sh - see tests/fault/redis-restart.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 300 node tests/fault/redis-restart.mjs
