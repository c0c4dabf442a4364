# shellcheck shell=sh
# make bench, sourced by scripts/run-bench.sh: what libpagelab's live API and
# the devices cost (checkpoints, looking into a stopped guest, trapped
# accesses, the virtio-iommu, the DMA engine), each beside its floor or
# native memcpy.

# A checkpoint as a program sees it, beside its floor: a 1-byte write to
# stderr, which also is one system call and one exit.
# shellcheck disable=SC2154 # take() assigns through eval
section_checkpoint() {
	echo "== checkpoint: pagelab_checkpoint() round trip through pl_sandbox_step (median of $ROUNDS rounds)"
	need_kernel || return
	cp_guest() { in_guest "$BENCH/guest_checkpoint" 500; }
	# Each stop publishes every process's memory map: 8 more processes.
	cp_procs() { in_guest "$BENCH/guest_checkpoint" 500 8; }
	rounds checkpoint cp_guest cp_procs || return
	take c checkpoint cp_guest checkpoint_ns || return
	take w checkpoint cp_guest write_ns || return
	take p checkpoint cp_procs checkpoint_ns || return
	row "guest: checkpoint round trip" "$(us "$c")"
	row "floor: 1-byte write(2) to stderr (syscall + one exit)" "$(us "$w")"
	row "checkpoint / floor (issue 11 asks <= 1.2x)" "$(ratio_x "$c" "$w")"
	row "guest: checkpoint with 8 more processes alive" "$(us "$p")"
	row "checkpoint with 9 processes / with 1" "$(ratio_x "$p" "$c")"
	per_op checkpoint 500 "$BENCH/guest_checkpoint" 100 600 "checkpoint + 1-byte write"
}

# Looking into a stopped guest: a page-table walk and a dirty-log read.
# shellcheck disable=SC2154 # take() assigns through eval
section_inspect() {
	echo "== inspect: the host looking into a stopped 256 MiB guest (median of $ROUNDS rounds)"
	need_kernel || return
	in_run() { "$BENCH/host_inspect" "$KERNEL" "$B/tests/guest/dirty_pages"; }
	rounds inspect in_run || return
	take g inspect in_run gva_to_gpa_ns || return
	take r inspect in_run gpa_read_ns || return
	take d inspect in_run dirty_get_us || return
	row "pl_gva_to_gpa, 4-level walk (issue 11 asks <= 1 us)" "$(us "$g")"
	row "floor: 4 x pl_gpa_read of 8 bytes" "$(us "$(awk -v r="$r" 'BEGIN { print 4 * r }')")"
	row "walk / floor" "$(ratio_x "$g" "$(awk -v r="$r" 'BEGIN { print 4 * r }')")"
	row "pl_dirty_log_get of 256 MiB (issue 11 asks <= 5 ms)" "$(msec "$d")"
}

# A trapped access beside a bare MMIO exit (both from ring 0 of a test kernel).
# shellcheck disable=SC2154 # take() assigns through eval
section_trap() {
	echo "== trap: one access to a trapped region, beside a bare MMIO exit (median of $ROUNDS rounds)"
	tr_run() { "$BENCH/host_trap" "$B/tests/fixtures/trapmem.elf"; }
	rounds trap tr_run || return
	take t trap tr_run trap_ns || return
	take f trap tr_run mmio_floor_ns || return
	row "trapped access: exit, log, memory behaviour" "$(us "$t")"
	row "floor: bare MMIO exit on raw KVM (real mode)" "$(us "$f")"
	row "trapped / floor (issue 11 asks <= 1.2x)" "$(ratio_x "$t" "$f")"
}

# The virtio-iommu: requests from the guest, faults on the host.
# shellcheck disable=SC2154 # take() assigns through eval
section_iommu() {
	echo "== iommu: virtio-iommu MAP/UNMAP requests and DMA faults (median of $ROUNDS rounds)"
	need_kernel || return
	io_run() { "$BENCH/host_iommu" "$KERNEL" "$BENCH/guest_iommu" 200; }
	rounds iommu io_run || return
	take m4 iommu io_run map4k_ns || return
	take m2 iommu io_run map2m_ns || return
	take b4 iommu io_run batch4k_ns || return
	take w iommu io_run write_ns || return
	take x4 iommu io_run map4k_exits || return
	take x2 iommu io_run map2m_exits || return
	take xb iommu io_run batch4k_exits || return
	take fa iommu io_run fault_ns || return
	take ok iommu io_run dma_ok_ns || return
	row "MAP/UNMAP 4 KiB, one request a notification" "$(us "$m4"), $x4 exits/request"
	row "MAP/UNMAP 2 MiB, one request a notification" "$(us "$m2"), $x2 exits/request"
	row "MAP/UNMAP 4 KiB, batched (32 a notification)" "$(us "$b4"), $xb exits/request"
	row "floor: 1-byte write(2) to stderr (syscall + one exit)" "$(us "$w")"
	row "4 KiB request / floor" "$(ratio_x "$m4" "$w")"
	row "2 MiB request / floor" "$(ratio_x "$m2" "$w")"
	row "batched 4 KiB request / floor" "$(ratio_x "$b4" "$w")"
	row "host: pl_dma_read that faults (log + event)" "$(awk -v v="$fa" 'BEGIN { printf "%.0f ns, %.2fM faults/s", v, 1000 / v }')"
	row "host floor: pl_dma_read of 64 mapped bytes" "$(awk -v v="$ok" 'BEGIN { printf "%.0f ns", v }')"
	row "fault / floor" "$(ratio_x "$fa" "$ok")"
}

# DMA through IOMMU windows: the engine's copy beside the CPU's memcpy (native, same run).
# shellcheck disable=SC2154 # take() assigns through eval
section_dma() {
	echo "== dma: the DMA engine's copy through the IOMMU beside memcpy (median of $ROUNDS rounds)"
	need_kernel || return
	dma_guest() { in_guest -m 64 "$BENCH/guest_dma" 100; }
	dma_native() { "$BENCH/guest_dma" 100; }
	rounds dma dma_guest dma_native || return
	for sz in 4k 64k 1m; do
		take d dma dma_guest "dma_${sz}_ns" || return
		take b dma dma_guest "dma15_${sz}_ns" || return
		take n dma dma_native "memcpy_${sz}_ns" || return
		row "guest: one $sz copy per doorbell" "$(us "$d")"
		row "guest: $sz copies, 15 per doorbell, per copy" "$(us "$b")"
		row "native: memcpy of $sz" "$(us "$n")"
		row "throughput / memcpy's, one per doorbell" "$(awk -v a="$n" -v b="$d" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
		row "throughput / memcpy's, 15 per doorbell$([ $sz = 1m ] && echo ' (issue 12 asks >= 50%)')" \
			"$(awk -v a="$n" -v b="$b" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
	done
}
