#!/usr/bin/env bash
# Builds the Python package around the packaged static binary, with standard tools (setuptools, then
# `wheel tags` for the platform tag): dist/cognate-VERSION-py3-none-manylinux_GLIBC_ARCH.whl, whose
# `cognate` command is the binary itself and whose module and pytest plugin drive it (python/).
# Takes the tarball Scripts/package.sh made; without one, makes it. Prints the wheel's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tarball="${1:-}"
if [ -z "$tarball" ]; then tarball="$(bash Scripts/package.sh)"; fi
version="$(sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/Cognate/BuildInfo.swift)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -r python/. "$stage/"
rm -rf "$stage/tests" "$stage/build" "$stage"/*.egg-info
mkdir -p "$stage/bin" "$stage/unpacked"
tar -xzf "$tarball" -C "$stage/unpacked"
install -m 0755 "$stage"/unpacked/*/cognate "$stage/bin/cognate"
rm -rf "$stage/unpacked"
echo "__version__ = \"$version\"" > "$stage/cognate/_version.py"
if [ ! -x .venv-build/bin/wheel ]; then
    python3 -m venv .venv-build
    .venv-build/bin/pip install --quiet --disable-pip-version-check "setuptools>=68" wheel >&2
fi
.venv-build/bin/pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w "$stage/wheels" "$stage" >&2
# The binary goes in as the wheel's script: pip installs it on PATH as `cognate`, executable, as it is.
.venv-build/bin/wheel unpack --dest "$stage/unpacked" "$stage"/wheels/cognate-*.whl >&2
rm "$stage"/wheels/cognate-*.whl
scripts="$stage/unpacked/cognate-$version/cognate-$version.data/scripts"
mkdir -p "$scripts"
install -m 0755 "$stage/bin/cognate" "$scripts/cognate"
.venv-build/bin/wheel pack --dest-dir "$stage/wheels" "$stage/unpacked/cognate-$version" >&2
# The binary needs the C library (and nothing else of the system) at least as new as the one it was built on.
# (getconf, not `ldd --version | head -1`: under pipefail, head closing the pipe early fails the build with SIGPIPE.)
glibc="$(getconf GNU_LIBC_VERSION)"
glibc="${glibc##* }"
tag="manylinux_${glibc/./_}_$(uname -m)"
.venv-build/bin/wheel tags --remove --platform-tag "$tag" "$stage"/wheels/cognate-*.whl >&2
mkdir -p dist
wheel="dist/cognate-$version-py3-none-$tag.whl"
cp "$stage/wheels/cognate-$version-py3-none-$tag.whl" "$wheel"
echo "$wheel"
