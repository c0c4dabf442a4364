#!/bin/sh
# Install the Debian packages pagelab needs, or say exactly how to.
#   libfdt-dev     device trees (host builds them, the guest parses them)
#   libcmocka-dev  unit and integration tests
#   musl-tools     musl-gcc: static guest programs
#   libseccomp-dev the VMM's seccomp filter (libpagelab links -lseccomp)
set -eu
PKGS="libfdt-dev libcmocka-dev musl-tools libseccomp-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "pagelab: missing Debian packages:$missing" >&2
	echo "pagelab: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "pagelab: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq $missing >&2
