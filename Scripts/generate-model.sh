#!/usr/bin/env bash
# Regenerates Sources/CognitoModel/Generated from the pinned botocore's cognito-idp model.
# Reproducible: the same botocore version gives the same files byte for byte.
# With --check, generates into a scratch directory and fails when the committed files differ.
set -euo pipefail
check=false
if [ "${1:-}" = "--check" ]; then check=true; fi
BOTOCORE_VERSION=1.44.8
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "botocore==$BOTOCORE_VERSION"
model="$("$venv/bin/python" -c 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data/cognito-idp/2016-04-18/service-2.json.gz"))')"
out="$root/Sources/CognitoModel/Generated"
if $check; then
    out="$(dirname "$venv")/Generated"
    mkdir -p "$out"
fi
BOTOCORE_VERSION=$BOTOCORE_VERSION "$venv/bin/python" "$root/Scripts/codegen/generate.py" "$model" "$out"
if $check; then
    if ! diff -r "$root/Sources/CognitoModel/Generated" "$out" >/dev/null; then
        diff -r "$root/Sources/CognitoModel/Generated" "$out" | head -40 >&2 || true
        echo "Sources/CognitoModel/Generated differs from what Scripts/generate-model.sh makes: run it and commit the result" >&2
        exit 1
    fi
    echo "generated model is current"
fi
