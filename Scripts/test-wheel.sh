#!/usr/bin/env bash
# The Python wheel where no Swift is: the clean Debian root that Scripts/test-package.sh makes gets Debian's
# python3 and python3-venv, and as an unprivileged user with an empty environment a fresh virtual environment
# installs the wheel and the sample suite's requirements (downloaded on the host, where pip's configuration and
# certificates are, for the root's Python); then python/tests runs there with two xdist workers, using only what
# the wheel installed (its `cognate` command, module and pytest plugin).
# Usage: Scripts/test-wheel.sh dist/cognate-VERSION-py3-none-PLATFORM.whl   (as root, after test-package.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wheel="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$root"
chroot_dir="$root/.build-root/bookworm"
[ -x "$chroot_dir/bin/sh" ] || { echo "no clean root in $chroot_dir: run Scripts/test-package.sh first" >&2; exit 1; }
if [ -n "$(find "$chroot_dir" -name 'libswiftCore*' -print -quit)" ]; then echo "the clean root has Swift libraries" >&2; exit 1; fi
mountpoint -q "$chroot_dir/proc" || mount -t proc proc "$chroot_dir/proc"
trap 'umount "$chroot_dir/proc" 2>/dev/null || true' EXIT
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
clean=(/usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8)
if ! chroot "$chroot_dir" "${clean[@]}" python3 -c "import ensurepip, venv" 2>/dev/null; then
    chroot "$chroot_dir" "${clean[@]}" DEBIAN_FRONTEND=noninteractive sh -c \
        'apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null'
fi
work=/tmp/wheel-test
rm -rf "${chroot_dir:?}$work"
mkdir -p "$chroot_dir$work/wheels"
target="$(chroot "$chroot_dir" "${clean[@]}" python3 -c 'import sys; print("%d%d" % sys.version_info[:2])')"
# The test command's virtual environment has pip (a bare Debian python3 may not).
host_python=python3
[ -x "$root/.venv-e2e/bin/python" ] && host_python="$root/.venv-e2e/bin/python"
"$host_python" -m pip download --quiet --disable-pip-version-check --dest "$chroot_dir$work/wheels" --only-binary=:all: \
    --python-version "$target" --platform manylinux_2_36_x86_64 --platform manylinux2014_x86_64 --platform any \
    "$wheel" -r python/tests/requirements.txt
mkdir "$chroot_dir$work/tests"
cp python/tests/*.py python/tests/*.yaml python/tests/requirements.txt "$chroot_dir$work/tests/"
chown -R 10001:10001 "$chroot_dir$work"
user=(chroot --userspec=10001:10001 "$chroot_dir" "${clean[@]}" HOME=$work PIP_DISABLE_PIP_VERSION_CHECK=1)
# A newcomer's first minute, timed: from a fresh virtual environment and `pip install` of the wheel to a passing
# suite (the packages come from local files here; a newcomer's download time depends on their network).
started=$(date +%s%N)
"${user[@]}" python3 -m venv "$work/venv"
"${user[@]}" "$work/venv/bin/pip" install --quiet --no-index --find-links "$work/wheels" \
    "$work/wheels/$(basename "$wheel")" -r "$work/tests/requirements.txt"
"${user[@]}" sh -c "cd $work/tests && $work/venv/bin/python -m pytest -q -p no:cacheprovider -n 2 ."
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "wheel: from a fresh virtual environment to a passing suite in $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s"
if [ "$elapsed_ms" -ge 60000 ]; then
    echo "wheel: over the minute a newcomer is promised (pip install to a first passing test)" >&2
    exit 1
fi
echo "wheel: $(basename "$wheel") passes the sample suite in a clean Debian root"
