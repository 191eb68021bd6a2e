#!/usr/bin/env bash
# Build the kernel for $IMPL (ours|upstream|upstream-7.2) and $DEBUG (0|1);
# prints the bzImage path. ours = pristine base tree, original io_uring
# removed, this repo's overlaid, patches/*.patch applied. upstream = the
# pristine base tree as it is. upstream-7.2 = Debian's linux 7.2.x source
# package from sid as it is (the newer reference; never part of CI).
. "$(dirname "$0")/lib.sh"

base_tree() {
	local tarball ver
	tarball=$(ls /usr/src/linux-source-6.12.tar.* | head -n1)
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	if [ "$(cat "$BASE/.uring-base" 2>/dev/null)" != "$ver" ]; then
		log "unpacking linux-source-6.12 $ver into $BASE"
		rm -rf "$BASE" "$CACHE/src-ours"
		mkdir -p "$CACHE"
		tar xf "$tarball" -C "$CACHE"
		echo "$ver" > "$BASE/.uring-base"
	fi
	log "base tree: Debian linux-source-6.12 $ver ($(make -s -C "$BASE" kernelversion))"
}

# The newest 7.2.x of Debian's linux source package that the archive still
# serves (sid keeps only its latest), unpacked once into $BASE72.
tree_72() {
	local dir=$CACHE/debian-linux-7.2 v
	if [ ! -e "$BASE72/.fetched" ]; then
		add_deb_src
		for v in $(apt-cache showsrc linux | awk '/^Version: 7\.2\./ {print $2}' | sort -urV); do
			log "fetching Debian linux $v"
			fetch_deb_source linux "$v" "$dir" "$BASE72" 2>/dev/null && break
		done
	fi
	[ -e "$BASE72/.fetched" ] || { log "no linux 7.2.x source package could be fetched"; exit 1; }
	log "base tree: Debian linux $(cat "$BASE72/.fetched")"
}

# Bring src-ours in line with base + patches + overlay, rewriting only files
# whose content changed so that incremental builds stay incremental.
ours_tree() {
	local src=$CACHE/src-ours stamp p
	stamp=$(cat "$BASE/.uring-base" $(ls "$REPO"/patches/*.patch 2>/dev/null) |
		sha1sum | cut -c1-12)
	if [ "$(cat "$src/.uring-stamp" 2>/dev/null)" != "$stamp" ]; then
		log "preparing $src (base + patches)"
		rm -rf "$src"
		cp -a "$BASE" "$src"
		for p in "$REPO"/patches/*.patch; do
			[ -e "$p" ] || continue
			patch -s -p1 -d "$src" < "$p"
		done
		# shellcheck disable=SC2086
		(cd "$src" && rm -rf $URING_PATHS)
		echo "$stamp" > "$src/.uring-stamp"
	fi
	for p in $URING_PATHS; do
		if [ -d "$REPO/$p" ]; then
			mkdir -p "$src/$p"
			rsync -r --checksum --delete "$REPO/$p/" "$src/$p/"
		elif [ -e "$REPO/$p" ]; then
			rsync --checksum "$REPO/$p" "$src/$p"
		else
			rm -rf "${src:?}/$p"
		fi
	done
	# Our kselftests travel with the tree too.
	mkdir -p "$src/tools/testing/selftests/io_uring"
	rsync -r --checksum --delete "$REPO/tools/testing/selftests/io_uring/" \
		"$src/tools/testing/selftests/io_uring/"
}

configure() {
	local src=$1 frags stamp
	frags="$REPO/dev/config/base.config"
	[ "$DEBUG" = 1 ] && frags="$frags $REPO/dev/config/debug.config"
	# shellcheck disable=SC2086
	stamp=$(cat $frags | sha1sum | cut -c1-12)
	[ "$(cat "$BUILD/.uring-config" 2>/dev/null)" = "$stamp" ] && return 0
	log "configuring $BUILD (tinyconfig + ${frags//$REPO\//})"
	mkdir -p "$BUILD"
	make -s -C "$src" O="$BUILD" tinyconfig >/dev/null
	# shellcheck disable=SC2086
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$BUILD" "$BUILD/.config" $frags >/dev/null)
	make -s -C "$src" O="$BUILD" olddefconfig >/dev/null
	# Every requested option must have survived olddefconfig.
	local missing
	# shellcheck disable=SC2086
	missing=$(grep -h '^CONFIG_.*=y' $frags | sort -u | grep -vxFf "$BUILD/.config" || true)
	[ -z "$missing" ] || log "warning: not in final config: $(echo $missing)"
	echo "$stamp" > "$BUILD/.uring-config"
}

case $IMPL in
upstream-7.2) tree_72 ;;
*) base_tree ;;
esac
[ "$IMPL" = ours ] && ours_tree
src=$(src_tree)
configure "$src"
log "building $IMPL-$CFG kernel in $BUILD (first build ~8 min, incremental ~1 min)"
start=$(date +%s)
if ! make -C "$src" O="$BUILD" -j"$JOBS" bzImage 2>&1 |
	grep --line-buffered -E '^\s+(CC|LD|AR|AS)\s|error:|warning:|Error |Kernel: ' |
	awk -v t0="$start" '/error:|warning:|Error |Kernel:/ {print; fflush(); next}
		{ n++; if (n % 200 == 0) { printf "   ... %d objects, %ds\n", n, systime()-t0; fflush() } }' >&2
then
	log "kernel build failed"
	exit 1
fi
log "kernel built in $(( $(date +%s) - start ))s"
echo "$BUILD/arch/x86/boot/bzImage"
