#!/usr/bin/env bash
# Benchmarks Cognate (the packaged release binary) against moto's server and ministack in one run, beside the
# cryptographic floor of each scenario measured in the same run (Benchmarks/Sources/FloorBenchmark), and
# writes docs/BENCHMARKS.md. Options go to Benchmarks/bench.py: --users N (default 1000), --duration S (10),
# --connections C (32), --srp-processes P (4), --scale 10000,100000 (Cognate alone at growing pool sizes),
# --import-users N (100000), --journal 0|1 (1: the recovery journal's cost), --out FILE. Cognate is measured on Debian's PostgreSQL too (one node and two; the scale runs as well), which
# Scripts/start-postgres.sh installs and starts; BENCH_POSTGRES=0 leaves it out.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
echo "==> the release binary, as Scripts/package.sh packs it"
tarball="$(bash Scripts/package.sh)"
binary="${tarball%.tar.gz}/cognate"
echo "==> moto[server], ministack and the load generator's Python packages"
python3 -m venv .venv-bench
.venv-bench/bin/pip install --quiet --disable-pip-version-check -r Benchmarks/requirements.txt
python3 -m venv .venv-ministack
.venv-ministack/bin/pip install --quiet --disable-pip-version-check -r Benchmarks/requirements-ministack.txt
postgres=()
if [ "${BENCH_POSTGRES:-1}" != 0 ]; then
    echo "==> PostgreSQL, the shared database"
    postgres=(--postgres "$(bash Scripts/start-postgres.sh)")
fi
echo "==> the cryptographic floor: each primitive a request needs, timed with Cognate's own code"
# A stale build description once kept compiling an old copy of the main package: always plan afresh.
rm -f "$root/.build-bench/release.yaml" "$root/.build-bench/build.db"
(cd Benchmarks && swift build -c release --scratch-path "$root/.build-bench" --product cognate-floor-bench >&2)
floor="$(mktemp)"
trap 'rm -f "$floor"' EXIT
"$root/.build-bench/release/cognate-floor-bench" > "$floor"
cat "$floor"
echo "==> benchmark"
.venv-bench/bin/python Benchmarks/bench.py --cognate "$root/$binary" "${postgres[@]}" --floor "$floor" \
    --moto-server "$root/.venv-bench/bin/moto_server" --moto-version 5.2.5 \
    --ministack "$root/.venv-ministack/bin/ministack" --ministack-version 1.5.33 --out docs/BENCHMARKS.md "$@"
