#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: Swift unit tests, then the end-to-end suite that
# starts the real `cognate` binary and drives it with boto3/botocore 1.44.8, the AWS CLI, pycognito,
# PyJWT, pyotp, and Debian's chromium through Selenium (passkeys).
#
# It needs root (or sudo) for apt-get, starts PostgreSQL (and stops it again at the end when it was not
# running before), and leaves about 4 GB in the clone (.build, .build-static, the virtual environments, a
# Debian root in .build-root). `Scripts/test.sh --quick` runs a first subset without PostgreSQL or the
# package: the Swift tests but the PostgreSQL ones, and the end-to-end suite on SQLite. Other arguments go to
# pytest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
quick=0
if [ "${1:-}" = "--quick" ]; then
    quick=1
    shift
fi

if [ ! -f /usr/include/openssl/evp.h ] || ! pkg-config --exists libxml-2.0 libmaxminddb 2>/dev/null; then
    echo "==> libssl-dev, libxml2-dev, libmaxminddb-dev and pkg-config: OpenSSL 3's libcrypto (tokens, SRP), libxml2 (SAML's XML) and libmaxminddb (geo-IP), found by pkg-config"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libssl-dev libxml2-dev libmaxminddb-dev pkg-config >/dev/null
fi

echo "==> formatting (swift-format with .swift-format; generated code is left as generated)"
git ls-files 'Package.swift' 'Sources/*.swift' 'Tests/*.swift' 'Plugins/*.swift' | grep -v '^Sources/CognitoModel/Generated/' \
    | xargs swift format lint --strict --parallel

echo "==> the generated model is what the pinned botocore makes"
bash Scripts/generate-model.sh --check

if [ "$quick" = 0 ]; then
    echo "==> PostgreSQL for the PostgreSQL backend's tests"
    # A cluster this script starts is stopped again when it ends, whatever the outcome.
    online_before="$(pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online"' || true)"
    COGNATE_TEST_POSTGRES_URL="$(bash Scripts/start-postgres.sh)"
    export COGNATE_TEST_POSTGRES_URL
    if [ -z "$online_before" ]; then
        stop_postgres() {
            pg_lsclusters --no-header | awk '$4 == "online" {print $1, $2}' | while read -r version cluster; do
                if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$version" "$cluster" stop; else sudo pg_ctlcluster "$version" "$cluster" stop; fi
            done
        }
        trap stop_postgres EXIT
    fi
fi

echo "==> swift build (Cognate's own sources build without warnings)"
build_log="$(mktemp)"
swift build --build-tests 2>&1 | tee "$build_log"
if grep -E "^$root/(Sources|Tests)/.*: warning: " "$build_log" | sort -u; then
    echo "Cognate's sources build with the warnings above: fix them" >&2
    exit 1
fi
rm -f "$build_log"
if [ "$quick" = 0 ]; then
    echo "==> swift test (the storage conformance suite on SQLite and on PostgreSQL among them)"
    swift test
else
    echo "==> swift test (quick: all but the PostgreSQL tests)"
    swift test --skip CognatePostgresTests
fi

echo "==> coverage table is current"
.build/debug/cognate --print-coverage > /tmp/cognate-coverage.md
if ! diff -u docs/COVERAGE.md /tmp/cognate-coverage.md; then
    echo "docs/COVERAGE.md is stale: run Scripts/coverage.sh" >&2
    exit 1
fi

echo "==> chromium for the browser tests, openssl for the TLS test's certificate, curl for the quick start, xmlsec1 for the SAML IdP"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v openssl >/dev/null || ! command -v curl >/dev/null \
    || ! command -v xmlsec1 >/dev/null; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver openssl curl xmlsec1 >/dev/null
fi

echo "==> Python clients for the end-to-end suite"
python3 -m venv .venv-e2e
.venv-e2e/bin/pip install --quiet --disable-pip-version-check -r e2e/requirements.txt
python3 -m venv .venv-cli
.venv-cli/bin/pip install --quiet --disable-pip-version-check -r e2e/requirements-cli.txt
python3 -m venv .venv-ministack
.venv-ministack/bin/pip install --quiet --disable-pip-version-check -r e2e/requirements-ministack.txt

if [ "$quick" = 1 ]; then
    # (The whole run tests them through the wheel, at the end.)
    echo "==> the Python module and pytest plugin (python/), against the binary just built"
    COGNATE_BINARY="$root/.build/debug/cognate" PYTHONPATH="$root/python" \
        .venv-e2e/bin/python -m pytest python/tests -q -p no:cacheprovider -p cognate.plugin

    echo "==> end-to-end suite (quick: Cognate on SQLite, without the suites that need PostgreSQL)"
    COGNATE_BIN="$root/.build/debug/cognate" AWS_CLI="$root/.venv-cli/bin/aws" \
        .venv-e2e/bin/python -m pytest e2e -q -p no:cacheprovider --deselect e2e/test_multi_node.py --deselect e2e/test_failover.py \
        --deselect e2e/test_outage.py "$@"
    echo "==> quick subset passed; Scripts/test.sh runs everything"
    exit 0
fi

echo "==> end-to-end suite (Cognate on SQLite; the multi-node suite on PostgreSQL)"
COGNATE_BIN="$root/.build/debug/cognate" AWS_CLI="$root/.venv-cli/bin/aws" \
    .venv-e2e/bin/python -m pytest e2e -q -p no:cacheprovider "$@"

echo "==> end-to-end suite again, with Cognate on PostgreSQL"
COGNATE_E2E_POSTGRES_URL="$COGNATE_TEST_POSTGRES_URL" COGNATE_BIN="$root/.build/debug/cognate" AWS_CLI="$root/.venv-cli/bin/aws" \
    .venv-e2e/bin/python -m pytest e2e -q -p no:cacheprovider --deselect e2e/test_fuzz.py --deselect e2e/test_multi_node.py --deselect e2e/test_failover.py --deselect e2e/test_outage.py "$@"

echo "==> the packaged binary in a clean Debian root"
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo -E"; fi
PACKAGE_CONFIGURATION=debug $sudo bash Scripts/test-package.sh

echo "==> the Python wheel around the packaged binary, in a fresh virtual environment in the clean Debian root (pytest-xdist, two workers)"
version="$(sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/Cognate/BuildInfo.swift)"
wheel="$(bash Scripts/package-python.sh "dist/cognate-$version-linux-$(uname -m)-debug.tar.gz")"
$sudo bash Scripts/test-wheel.sh "$wheel"
