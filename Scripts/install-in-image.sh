#!/bin/sh
# The steps that make a Debian root run Cognate from the packaged tarball (Scripts/package.sh): the
# Dockerfile runs them in debian:bookworm-slim, and Scripts/test-package.sh runs them in a root made with
# debootstrap, so the image is what the test exercised.
set -eu
tarball="$1"
mkdir -p /opt/cognate
tar -xzf "$tarball" -C /opt/cognate --strip-components=1
ln -sf /opt/cognate/cognate /usr/local/bin/cognate
id cognate >/dev/null 2>&1 || useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin cognate
mkdir -p /data
chown cognate /data
chmod 0700 /data
