#!/usr/bin/env bash
# tests/fault/reminder-kill.sh - see tests/fault/reminder-kill.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 300 node tests/fault/reminder-kill.mjs
