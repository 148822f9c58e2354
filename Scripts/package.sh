#!/usr/bin/env bash
# Builds a release binary with the Swift runtime, OpenSSL's libcrypto, libxml2 and libmaxminddb linked in
# statically (it runs where no Swift toolchain or those libraries are installed), checks that ldd names none, and packs it with the commit it was built from:
# dist/cognate-VERSION-linux-ARCH.tar.gz (cognate, cognate.commit, the docs). Prints the tarball's path.
# PACKAGE_CONFIGURATION=debug packs the debug build, linked the same way: CI's check of the package uses
# it, since a release build of every dependency takes well over half an hour on two cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version="$(sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/Cognate/BuildInfo.swift)"
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
configuration="${PACKAGE_CONFIGURATION:-release}"
# OpenSSL's libcrypto linked in too (Package.swift reads this), so the binary needs no libssl3.
export COGNATE_STATIC_OPENSSL=1
# Package.swift then leaves libxml2 to this script: its include directory from pkg-config, its archives linked.
xml_include=()
for flag in $(pkg-config --cflags-only-I libxml-2.0); do xml_include+=(-Xcc "$flag"); done
case "$configuration" in
    release)
        swift build -c release --product cognate --static-swift-stdlib --scratch-path .build-release "${xml_include[@]}" >&2
        binary=".build-release/release/cognate" ;;
    debug)
        # A scratch path of its own: objects compiled for static linking do not link the usual way.
        swift build --product cognate --static-swift-stdlib --scratch-path .build-static "${xml_include[@]}" >&2
        binary=".build-static/debug/cognate" ;;
    *) echo "package.sh: PACKAGE_CONFIGURATION is release or debug" >&2; exit 64 ;;
esac
if ldd "$binary" | grep -iE "swift|libcrypto|libssl|libxml2|maxminddb" >&2; then
    echo "package.sh: the binary still loads Swift, OpenSSL, libxml2 or libmaxminddb libraries" >&2
    exit 1
fi
name="cognate-$version-linux-$(uname -m)"
if [ "$configuration" = debug ]; then name="$name-debug"; fi
stage="dist/$name"
rm -rf "$stage" "$stage.tar.gz"
mkdir -p "$stage"
cp "$binary" "$stage/cognate"
strip "$stage/cognate"
echo "$commit" > "$stage/cognate.commit"
# The README and the documents it links (the screenshots stay with the source).
mkdir "$stage/docs"
cp README.md "$stage/"
cp docs/*.md "$stage/docs/"
tar -C dist -czf "$stage.tar.gz" "$name"
echo "$stage.tar.gz"
