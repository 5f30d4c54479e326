#!/usr/bin/env bash
# tests/fault/las-hostile.sh - see tests/fault/las-hostile.mjs.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 400 node tests/fault/las-hostile.mjs
