#!/usr/bin/env bash
# Regenerates Sources/CognitoModel/Generated from the pinned botocore's cognito-idp model.
# Reproducible: the same botocore version gives the same files byte for byte.
set -euo pipefail
BOTOCORE_VERSION=1.44.8
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "botocore==$BOTOCORE_VERSION"
model="$("$venv/bin/python" -c 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data/cognito-idp/2016-04-18/service-2.json.gz"))')"
BOTOCORE_VERSION=$BOTOCORE_VERSION "$venv/bin/python" "$root/Scripts/codegen/generate.py" "$model" "$root/Sources/CognitoModel/Generated"
