#!/usr/bin/env bash
# Regenerates docs/COVERAGE.md from Cognate's dispatch table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build --product cognate
.build/debug/cognate --print-coverage > docs/COVERAGE.md
