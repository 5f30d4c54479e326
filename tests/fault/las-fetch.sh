#!/usr/bin/env bash
# tests/fault/las-fetch.sh - a LAS that is gone, hangs, answers garbage, an
# HTTP error or a SOAP fault: a failed import with a Dutch message, then a
# retry that works.  Needs the services of scripts/services (TC_SERVICES_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 300 node tests/fault/las-fetch.mjs
