#!/usr/bin/env bash
# qemu.sh KERNEL MODE SHARE [LIMIT]: boot KERNEL under QEMU with a busybox+bash
# initramfs, SHARE over 9p at /host, a fresh ext4 NVMe scratch disk, a raw
# NVMe namespace and a memory-backed null_blk device for the device tests.
# MODE is demo, check, bench, profile, fuzz or shell. The serial console
# goes to SHARE/console.log (and to the terminal); LIMIT seconds is a hard
# wall-clock cap on the run. QEMU_PLUGIN, when set, is a TCG plugin
# argument (-plugin file=...,...), as make profile gives.
. "$(dirname "$0")/lib.sh"
# The body is one compound command, read whole before it runs: editing
# this file during a run cannot change the run.
{
kernel=$1 mode=$2 share=$3 limit=${4:-600}
ACCEL=${ACCEL:-tcg}
run=$CACHE/run
mkdir -p "$run"

# The initramfs: static busybox and bash plus our init, nothing else.
initramfs() {
	local root=$run/initramfs img=$run/initramfs.cpio.gz sum
	# rebuilt whenever the init differs from the one it holds (another
	# checkout's init may have been newer)
	sum=$(sha1sum < "$REPO/dev/guest/init")
	if [ ! -e "$img" ] || [ "$(cat "$img.sum" 2>/dev/null)" != "$sum" ]; then
		rm -rf "$root"
		mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root}
		cp /bin/busybox "$root/bin/busybox"
		cp /bin/bash-static "$root/bin/bash"
		for t in $("$root/bin/busybox" --list); do
			[ -e "$root/bin/$t" ] || ln -s busybox "$root/bin/$t"
		done
		cp "$REPO/dev/guest/init" "$root/init"
		echo 'root:x:0:0:root:/root:/bin/bash' > "$root/etc/passwd"
		echo 'root:x:0:' > "$root/etc/group"
		echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> "$root/etc/passwd"
		echo 'nogroup:x:65534:' >> "$root/etc/group"
		(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$img"
		echo "$sum" > "$img.sum"
	fi
	echo "$img"
}

# A new 2 GiB ext4 scratch disk each boot, so no run sees another's files.
scratch() {
	local disk=$run/scratch.img
	rm -f "$disk"
	truncate -s 2G "$disk"
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$disk"
	echo "$disk"
}

# A zeroed raw namespace for the tests that take a device (liburing's
# TEST_FILES): they write to it directly, and get its /dev/ng* for passthrough.
rawdisk() {
	local disk=$run/raw.img
	rm -f "$disk"
	truncate -s 256M "$disk"
	echo "$disk"
}

img=$(initramfs)
disk=$(scratch)
raw=$(rawdisk)
# Under TCG a debug kernel's boot keeps a vCPU busy for over 20 s at a
# time (KASAN, kmemleak and lockdep set-up): report soft lockups and RCU
# stalls only after 60 s, three times the defaults.
cmdline="console=ttyS0 panic=-1 quiet loglevel=4 hugepages=16 nvme.poll_queues=2"
cmdline="$cmdline watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=60"
# /dev/nullb0: 1 GiB kept in memory, with poll queues for IOPOLL.
cmdline="$cmdline null_blk.gb=1 null_blk.memory_backed=1 null_blk.poll_queues=2"
cmdline="$cmdline uring.mode=$mode"
# FAULT=1: the guest's run-tests injects allocation and usercopy faults.
[ "${FAULT:-0}" = 1 ] && cmdline="$cmdline uring.fault=1"
# GUEST_APPEND: more kernel arguments for this boot (lsm=smack, ...)
[ -n "${GUEST_APPEND:-}" ] && cmdline="$cmdline $GUEST_APPEND"
mkdir -p "$share"
cpu=max
[ "$ACCEL" = kvm ] && cpu=host
serial=(-serial "file:$share/console.log" -monitor none)
stdin=/dev/null
if [ "$mode" = shell ]; then
	serial=(-serial mon:stdio)
	stdin=/dev/stdin
	limit=$((24 * 3600))
fi
log "booting $IMPL-$CFG ($ACCEL, 2 vCPUs, limit ${limit}s)"
: > "$share/console.log"
if [ "$mode" != shell ]; then
	tail -n +1 -F "$share/console.log" 2>/dev/null &
	tailpid=$!
	trap 'kill $tailpid 2>/dev/null' EXIT
fi
rc=0
plugin=()
[ -n "${QEMU_PLUGIN:-}" ] && plugin=(-plugin "$QEMU_PLUGIN")
timeout -s KILL "$limit" qemu-system-x86_64 -accel "$ACCEL" -cpu "$cpu" -smp 2 -m 4G \
	"${plugin[@]}" -kernel "$kernel" -initrd "$img" -append "$cmdline" \
	-display none -vga none -no-reboot "${serial[@]}" \
	-virtfs "local,path=$share,mount_tag=host,security_model=none,id=host" \
	-drive "file=$disk,if=none,id=scratch,format=raw,cache=unsafe" \
	-device nvme,serial=uring0001,drive=scratch \
	-drive "file=$raw,if=none,id=raw,format=raw,cache=unsafe" \
	-device nvme,serial=uring0002,drive=raw \
	-device virtio-rng-pci < "$stdin" || rc=$?
sleep 0.5
[ "$rc" = 137 ] && log "QEMU killed after the ${limit}s wall-clock limit"
exit "$rc"
exit
}
