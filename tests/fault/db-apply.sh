#!/usr/bin/env bash
# tests/fault/db-apply.sh - the import's apply with MariaDB frozen and killed
# in the middle, and with MariaDB stopped: all or nothing, then it completes.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 400 node tests/fault/db-apply.mjs
