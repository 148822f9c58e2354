#!/usr/bin/env bash
# Prints SRP's 3072-bit modular exponentiation timed in Cognate and in OpenSSL, side by side.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f /usr/include/openssl/bn.h ]; then
    apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config
fi
cd "$root/Benchmarks"
# A stale build description once kept compiling an old copy of the main package: always plan afresh.
rm -f "$root/.build-bench/release.yaml" "$root/.build-bench/build.db"
swift run -c release --scratch-path "$root/.build-bench" cognate-modexp-bench
