#!/usr/bin/env bash
# Prints SRP's 3072-bit modular exponentiation timed in Cognate and in OpenSSL, side by side.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f /usr/include/openssl/bn.h ]; then
    apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config
fi
cd "$root/Benchmarks"
swift run -c release --scratch-path "$root/.build-bench" cognate-modexp-bench
