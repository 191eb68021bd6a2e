#!/usr/bin/env bash
# Install the Debian packages the dev loop needs, only those missing.
. "$(dirname "$0")/lib.sh"

pkgs="linux-source-6.12 qemu-system-x86 busybox-static bash-static build-essential
flex bison bc libelf-dev libssl-dev cpio dpkg-dev kmod xz-utils rsync python3
e2fsprogs gcc-multilib"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
log "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
