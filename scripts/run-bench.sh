#!/bin/sh
# make bench: each benchmark is a section (a shell function) listed in
# SECTIONS at the bottom; later benchmarks add their own section there.
# A section that cannot measure says why and makes the run fail, so a
# broken benchmark is never reported as a number.
set -u
cd "$(dirname "$0")/.."

B=${B:-build}
RUNS=${BENCH_RUNS:-20}
TIMEIT=$B/tests/bench/host_timeit
PAGELAB=$B/pagelab
KERNEL=${PAGELAB_KERNEL:-$B/guest/kernel.elf}
status=0

failed() {
	echo "  FAILED: $*"
	status=1
}

# "median 3.686 ms, min 3.380 ms" -> one of the two numbers
ms() {
	echo "$1" | sed -n "s/.*$2 \([0-9.]*\) ms.*/\1/p"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }'
}

need_kernel() {
	[ -r "$KERNEL" ] && return 0
	failed "guest kernel $KERNEL is missing: build it with 'make'"
	return 1
}

# Process start to exit: pagelab beside the least a KVM process can do.
section_boot() {
	echo "== boot to exit, process start to exit ($RUNS runs each)"
	bare=$($TIMEIT "$RUNS" "$B/tests/bench/host_bare_kvm") ||
		{ failed "host_bare_kvm"; return; }
	printf '  %-52s %s\n' "bare KVM: create VM + vCPU, one HLT" "$bare"
	vmm=$($TIMEIT "$RUNS" "$PAGELAB" run --kernel "$B/tests/fixtures/exit0.elf") ||
		{ failed "pagelab run with the exit0 test kernel"; return; }
	printf '  %-52s %s\n' "pagelab run, a test kernel that exits at once" "$vmm"
	need_kernel || return
	boot=$($TIMEIT "$RUNS" "$PAGELAB" run --kernel "$KERNEL") ||
		{ failed "pagelab run (plain boot of $KERNEL)"; return; }
	printf '  %-52s %s\n' "pagelab run, guest kernel boot to exit" "$boot"
	printf '  %-52s %sx median, %sx min\n' "ratio boot / bare KVM" \
		"$(ratio "$(ms "$boot" median)" "$(ms "$bare" median)")" \
		"$(ratio "$(ms "$boot" min)" "$(ms "$bare" min)")"
}

# Transitions are the scarce resource here: what one boot costs.
section_exits() {
	echo "== transitions one boot costs"
	need_kernel || return
	stats=$("$PAGELAB" run --kernel "$KERNEL" --stats 2>&1 >/dev/null) ||
		{ failed "pagelab run --stats"; echo "$stats" | sed 's/^/    | /'; return; }
	exits=$(echo "$stats" | sed -n 's/^pagelab: stats: \([0-9]*\) exits: \(.*\)/\1 (\2)/p')
	hcalls=$(echo "$stats" | sed -n 's/^pagelab: stats: device hypercall: \(.*\)/\1/p')
	traps=$(echo "$stats" | sed -n 's/^pagelab: event traps \([0-9]*\)$/\1/p' | tail -n 1)
	mode=$(echo "$stats" | sed -n 's/^pagelab: event exec-mode \([0-9]*\)$/\1/p' | tail -n 1)
	printf '  %-52s %s\n' "exits to the VMM" "$exits"
	printf '  %-52s %s\n' "hypercalls" "$hcalls"
	if [ -n "$traps" ]; then
		printf '  %-52s %s\n' "trapped privileged instructions (kernel's count)" "$traps"
	else
		failed "the kernel reported no PL_EVENT_TRAPS event"
	fi
	case "$mode" in
	0) printf '  %-52s %s\n' "kernel execution mode" "native ring 0 (VMX/SVM)" ;;
	1) printf '  %-52s %s\n' "kernel execution mode" "kvm_pvm opt-in" ;;
	esac
}

# ------------------------------------------------ guest beside native and floor
# The sections below run the static programs of tests/bench/guest_*.c in the
# sandbox and natively, and this host's floor (the kernel's selftest=floor:
# a bare syscall and a bare page fault), in ROUNDS interleaved rounds, so a
# change in the host's load reaches all three alike; each figure is the
# median over the rounds.
ROUNDS=${BENCH_ROUNDS:-5}
BENCH=$B/tests/bench
WORK=$(mktemp -d /tmp/pagelab-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

in_guest() {
	"$PAGELAB" run --kernel "$KERNEL" --timeout 600 "$@"
}

floor_run() {
	in_guest --append selftest=floor
}

# rounds NAME FUNCTION...: ROUNDS times, each function in turn; the output
# of FUNCTION goes to $WORK/NAME.FUNCTION. A failed run fails the section.
rounds() {
	name=$1
	shift
	for fn in "$@"; do
		: >"$WORK/$name.$fn"
	done
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		for fn in "$@"; do
			if ! $fn >>"$WORK/$name.$fn" 2>"$WORK/$name.err"; then
				failed "$name: $fn did not run to the end"
				sed 's/^/    | /' "$WORK/$name.err" | tail -n 5
				return 1
			fi
		done
		r=$((r + 1))
	done
}

# take VAR NAME FUNCTION KEY: VAR = the median of the "KEY value" lines
# those runs printed; fails the section when there are none.
take() {
	_v=$(awk -v k="$4" '$1 == k { print $2 }' "$WORK/$2.$3" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	if [ -z "$_v" ]; then
		failed "$2: $3 printed no $4"
		return 1
	fi
	eval "$1=\$_v"
}

# ns -> "12.345 us"
us() {
	awk -v v="$1" 'BEGIN { printf "%.3f us", v / 1000 }'
}

# us -> "12.345 ms"
msec() {
	awk -v v="$1" 'BEGIN { printf "%.3f ms", v / 1000 }'
}

# a / b as "1.23x" (one decimal from 10x up)
ratio_x() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b <= 0) { print "?"; exit }
		r = a / b; printf (r < 10 ? "%.2fx" : "%.1fx"), r }'
}

row() {
	printf '  %-56s %s\n' "$1" "$2"
}

# per_op NAME OPS PROGRAM "ARGS_A" "ARGS_B" WHAT: exits to the VMM and
# trapped privileged instructions per WHAT, from two --stats runs whose
# arguments differ by OPS operations (the difference cancels boot, program
# start and exit).
stat_of() {
	case $2 in
	exits) sed -n 's/^pagelab: stats: \([0-9]*\) exits:.*/\1/p' "$1" ;;
	traps) sed -n 's/^pagelab: event traps \([0-9]*\)$/\1/p' "$1" | tail -n 1 ;;
	esac
}

per_op() {
	# shellcheck disable=SC2086 # the argument lists split on purpose
	if ! in_guest --stats "$3" $4 >/dev/null 2>"$WORK/$1.stats_a" ||
		! in_guest --stats "$3" $5 >/dev/null 2>"$WORK/$1.stats_b"; then
		failed "$1: pagelab run --stats"
		return
	fi
	for what in exits traps; do
		a=$(stat_of "$WORK/$1.stats_a" "$what")
		b=$(stat_of "$WORK/$1.stats_b" "$what")
		if [ -z "$a" ] || [ -z "$b" ]; then
			failed "$1: --stats printed no $what count"
			return
		fi
		case $what in
		exits) label="exits to the VMM per $6" ;;
		traps) label="trapped instructions per $6" ;;
		esac
		row "$label" "$(awk -v a="$a" -v b="$b" -v n="$2" 'BEGIN { printf "%.2f", (b - a) / n }')"
	done
}

# One syscall, the cheapest: getpid().
GETPID_N=2000
# shellcheck disable=SC2154 # take() assigns through eval
section_syscall() {
	echo "== syscall: getpid() round trip (median of $ROUNDS rounds)"
	need_kernel || return
	sc_guest() { in_guest "$BENCH/guest_getpid" "$GETPID_N"; }
	sc_native() { "$BENCH/guest_getpid" 200000; }
	# --isolate: what keeping the kernel out of the user tables costs (kvm_pvm).
	sc_iso() { in_guest --isolate "$BENCH/guest_getpid" "$GETPID_N"; }
	rounds syscall floor_run sc_guest sc_native sc_iso || return
	take g syscall sc_guest getpid_ns || return
	take gi syscall sc_iso getpid_ns || return
	take n syscall sc_native getpid_ns || return
	take f syscall floor_run floor_syscall_ns || return
	row "guest: getpid() in pagelab" "$(us "$g")"
	row "native: the same binary on this Linux" "$(us "$n")"
	row "floor: bare syscall + sysretq" "$(us "$f")"
	row "guest / floor (issue 3 asks <= 1.3x)" "$(ratio_x "$g" "$f")"
	row "guest / native" "$(ratio_x "$g" "$n")"
	row "guest --isolate: getpid() in pagelab" "$(us "$gi")"
	row "guest --isolate / floor" "$(ratio_x "$gi" "$f")"
	per_op syscall 2000 "$BENCH/guest_getpid" 100 2100 getpid
}

# Process start to exit, as a user waits for it.
section_hello() {
	echo "== hello: hello world, process start to exit ($RUNS runs each)"
	need_kernel || return
	g=$($TIMEIT "$RUNS" "$PAGELAB" run --kernel "$KERNEL" "$BENCH/guest_hello") ||
		{ failed "pagelab run guest_hello"; return; }
	n=$($TIMEIT "$RUNS" "$BENCH/guest_hello") || { failed "guest_hello natively"; return; }
	row "guest: pagelab run guest_hello (issue 3: median < 50 ms)" "$g"
	row "native: guest_hello" "$n"
	row "guest / native" "$(ratio_x "$(ms "$g" median)" "$(ms "$n" median)") median, $(ratio_x "$(ms "$g" min)" "$(ms "$n" min)") min"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_mmap() {
	echo "== mmap: mmap + munmap of 4 KiB anonymous, untouched (median of $ROUNDS rounds)"
	need_kernel || return
	mm_guest() { in_guest "$BENCH/guest_mmap" 1000; }
	mm_native() { "$BENCH/guest_mmap" 100000; }
	rounds mmap floor_run mm_guest mm_native || return
	take g mmap mm_guest mmap_munmap_ns || return
	take n mmap mm_native mmap_munmap_ns || return
	take f mmap floor_run floor_syscall_ns || return
	f2=$(awk -v f="$f" 'BEGIN { print 2 * f }')
	row "guest: mmap + munmap in pagelab" "$(us "$g")"
	row "native" "$(us "$n")"
	row "floor: two bare syscalls" "$(us "$f2")"
	row "guest / floor (issue 4 asks <= 1.3x)" "$(ratio_x "$g" "$f2")"
	row "guest / native" "$(ratio_x "$g" "$n")"
	per_op mmap 1000 "$BENCH/guest_mmap" 100 1100 "mmap + munmap"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_fault() {
	echo "== fault: first store to each 4 KiB page of 64 MiB anonymous (median of $ROUNDS rounds)"
	need_kernel || return
	ft_guest() { in_guest "$BENCH/guest_fault" 64 2; }
	ft_native() { "$BENCH/guest_fault" 64 2; }
	ft_iso() { in_guest --isolate "$BENCH/guest_fault" 64 2; }
	rounds fault floor_run ft_guest ft_native ft_iso || return
	take g fault ft_guest fault_ns || return
	take gi fault ft_iso fault_ns || return
	take gr fault ft_guest fault_reuse_ns || return
	take n fault ft_native fault_ns || return
	take f fault floor_run floor_fault_ns || return
	row "guest: first pass, RAM the VM never used before" "$(us "$g")"
	row "guest: second pass, RAM the first pass freed" "$(us "$gr")"
	row "native, first pass" "$(us "$n")"
	row "floor: bare #PF, store a prepared PTE, return" "$(us "$f")"
	row "guest / floor (issue 4 asks <= 1.3x)" "$(ratio_x "$g" "$f")"
	row "guest / floor, second pass" "$(ratio_x "$gr" "$f")"
	row "guest / native" "$(ratio_x "$g" "$n")"
	row "guest --isolate: first pass" "$(us "$gi")"
	row "guest --isolate / floor" "$(ratio_x "$gi" "$f")"
	per_op fault 4096 "$BENCH/guest_fault" "4 1" "20 1" "page"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_populate() {
	echo "== populate: mmap MAP_POPULATE of 64 MiB anonymous, one call (median of $ROUNDS rounds)"
	need_kernel || return
	pp_guest() { in_guest "$BENCH/guest_populate" 64 4; }
	pp_native() { "$BENCH/guest_populate" 64 4; }
	rounds populate pp_guest pp_native || return
	take g populate pp_guest populate_total_us || return
	take gr populate pp_guest populate_reuse_total_us || return
	take n populate pp_native populate_total_us || return
	take gp populate pp_guest populate_page_ns || return
	take np populate pp_native populate_page_ns || return
	take nr populate pp_native populate_reuse_total_us || return
	thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
	row "guest: first call, RAM the VM never used before" "$(msec "$g") ($(us "$gp") per page)"
	row "guest: later calls, RAM the previous call freed" "$(msec "$gr")"
	row "native, first call (THP ${thp:-unknown})" "$(msec "$n") ($(us "$np") per page)"
	row "native, later calls" "$(msec "$nr")"
	row "guest / native (issue 4 asks <= 3x)" "$(ratio_x "$g" "$n")"
	row "guest / native, later calls" "$(ratio_x "$gr" "$nr")"
	per_op populate 2 "$BENCH/guest_populate" "64 1" "64 3" "MAP_POPULATE call"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_mprotect() {
	echo "== mprotect: one present page, alternating read-only / read-write (median of $ROUNDS rounds)"
	need_kernel || return
	mp_guest() { in_guest "$BENCH/guest_mprotect" 1000; }
	mp_native() { "$BENCH/guest_mprotect" 100000; }
	rounds mprotect floor_run mp_guest mp_native || return
	take g mprotect mp_guest mprotect_ns || return
	take n mprotect mp_native mprotect_ns || return
	take f mprotect floor_run floor_syscall_ns || return
	row "guest: mprotect in pagelab" "$(us "$g")"
	row "native" "$(us "$n")"
	row "floor: one bare syscall (no TLB flush)" "$(us "$f")"
	row "guest / floor" "$(ratio_x "$g" "$f")"
	row "guest / native" "$(ratio_x "$g" "$n")"
	per_op mprotect 1000 "$BENCH/guest_mprotect" 100 1100 mprotect
}

# shellcheck disable=SC2154 # take() assigns through eval
section_fork_cow() {
	echo "== fork_cow: fork with 16 MiB touched, the child stores to every page (median of $ROUNDS rounds)"
	need_kernel || return
	fk_guest() { in_guest "$BENCH/guest_fork_cow" 16 5; }
	fk_native() { "$BENCH/guest_fork_cow" 16 5; }
	rounds fork_cow floor_run fk_guest fk_native || return
	take gf fork_cow fk_guest fork_us || return
	take nf fork_cow fk_native fork_us || return
	take gc fork_cow fk_guest cow_page_ns || return
	take nc fork_cow fk_native cow_page_ns || return
	take f fork_cow floor_run floor_fault_ns || return
	row "guest: fork() in pagelab" "$(msec "$gf")"
	row "native: fork()" "$(msec "$nf")"
	row "guest / native, fork" "$(ratio_x "$gf" "$nf")"
	row "guest: copy-on-write fault per 4 KiB page" "$(us "$gc")"
	row "native: copy-on-write fault" "$(us "$nc")"
	row "floor: bare #PF, store a prepared PTE, return" "$(us "$f")"
	row "guest / floor, copy-on-write" "$(ratio_x "$gc" "$f")"
	row "guest / native, copy-on-write" "$(ratio_x "$gc" "$nc")"
	per_op fork_cow 1 "$BENCH/guest_fork_cow" "16 1" "16 2" "fork + COW of 16 MiB"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_hugetlb() {
	echo "== hugetlb: first store to each 2 MiB page of MAP_HUGETLB, 16 pages (median of $ROUNDS rounds)"
	need_kernel || return
	ht_guest() { in_guest "$BENCH/guest_hugetlb" 16; }
	ht_native() { "$BENCH/guest_hugetlb" 16; }
	rounds hugetlb floor_run ht_guest ht_native || return
	if grep -q '^hugetlb_unavailable' "$WORK/hugetlb.ht_guest"; then
		failed "MAP_HUGETLB failed in the guest: $(grep -m1 '^hugetlb_unavailable' "$WORK/hugetlb.ht_guest")"
		return
	fi
	take g hugetlb ht_guest hugetlb_fault_ns || return
	take f hugetlb floor_run floor_fault_ns || return
	row "guest: a 2 MiB fault in pagelab" "$(us "$g")"
	if grep -q '^hugetlb_unavailable' "$WORK/hugetlb.ht_native"; then
		row "native" "unavailable: $(awk '$1 == "hugetlb_unavailable" { print $2; exit }' "$WORK/hugetlb.ht_native") ($(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo ?) huge pages reserved); guest figure alone"
	else
		take n hugetlb ht_native hugetlb_fault_ns || return
		row "native" "$(us "$n")"
		row "guest / native" "$(ratio_x "$g" "$n")"
	fi
	row "floor: bare #PF, store a prepared PTE, return" "$(us "$f")"
	row "guest / floor" "$(ratio_x "$g" "$f")"
	per_op hugetlb 8 "$BENCH/guest_hugetlb" 2 10 "2 MiB page"
}

# The same kernel under QEMU's TCG (--accel tcg), beside KVM and native: TCG
# emulates every instruction but has no transition floor, so it is slower
# per instruction and may be faster per syscall or fault than kvm_pvm's exits.
# shellcheck disable=SC2154 # take() assigns through eval
section_tcg() {
	echo "== tcg: the kernel under QEMU's TCG beside KVM and native"
	need_kernel || return
	kb=$($TIMEIT "$RUNS" "$PAGELAB" run --accel kvm --kernel "$KERNEL") ||
		{ failed "pagelab run --accel kvm (plain boot)"; return; }
	tb=$($TIMEIT "$RUNS" "$PAGELAB" run --accel tcg --kernel "$KERNEL") ||
		{ failed "pagelab run --accel tcg (plain boot): is qemu-system-x86 installed?"; return; }
	row "KVM: boot to exit ($RUNS runs)" "$kb"
	row "TCG: boot to exit ($RUNS runs)" "$tb"
	row "TCG / KVM, boot to exit" "$(ratio_x "$(ms "$tb" median)" "$(ms "$kb" median)") median"
	tg_kvm() { in_guest --accel kvm "$BENCH/guest_getpid" "$GETPID_N"; }
	tg_tcg() { in_guest --accel tcg "$BENCH/guest_getpid" "$GETPID_N"; }
	tg_native() { "$BENCH/guest_getpid" 200000; }
	tf_kvm() { in_guest --accel kvm "$BENCH/guest_fault" 64 2; }
	tf_tcg() { in_guest --accel tcg "$BENCH/guest_fault" 64 2; }
	tf_native() { "$BENCH/guest_fault" 64 2; }
	rounds tcg tg_kvm tg_tcg tg_native tf_kvm tf_tcg tf_native || return
	take k tcg tg_kvm getpid_ns || return
	take t tcg tg_tcg getpid_ns || return
	take n tcg tg_native getpid_ns || return
	take fk tcg tf_kvm fault_ns || return
	take ft tcg tf_tcg fault_ns || return
	take fn tcg tf_native fault_ns || return
	row "getpid(): KVM" "$(us "$k")"
	row "getpid(): TCG" "$(us "$t")"
	row "getpid(): native" "$(us "$n")"
	row "getpid() TCG / KVM" "$(ratio_x "$t" "$k")"
	row "getpid() TCG / native" "$(ratio_x "$t" "$n")"
	row "first-touch fault: KVM" "$(us "$fk")"
	row "first-touch fault: TCG" "$(us "$ft")"
	row "first-touch fault: native" "$(us "$fn")"
	row "fault TCG / KVM" "$(ratio_x "$ft" "$fk")"
	row "fault TCG / native" "$(ratio_x "$ft" "$fn")"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_phys_anon() {
	echo "== phys_anon: mmap + munmap of 256 KiB contiguous (MAP_PHYS|MAP_ANON) beside MAP_POPULATE of 256 KiB (median of $ROUNDS rounds)"
	need_kernel || return
	pa_guest() { in_guest "$BENCH/guest_phys_anon"; }
	pa_native() { "$BENCH/guest_phys_anon"; }
	rounds phys_anon pa_guest pa_native || return
	take c phys_anon pa_guest phys_anon_ns || return
	take p phys_anon pa_guest populate_ns || return
	take n phys_anon pa_native populate_ns || return
	row "guest: MAP_PHYS|MAP_ANON 256 KiB + munmap" "$(us "$c")"
	row "guest: MAP_POPULATE 256 KiB + munmap" "$(us "$p")"
	row "native: MAP_POPULATE 256 KiB + munmap" "$(us "$n")"
	row "contiguous / populate (issue 10 asks <= 1.2x)" "$(ratio_x "$c" "$p")"
	row "contiguous / native populate" "$(ratio_x "$c" "$n")"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_fragment() {
	echo "== fragment: 4 MiB MAP_PHYS|MAP_ANON when no free block exceeds a page (64 MiB guest; median of $ROUNDS rounds)"
	need_kernel || return
	fr_guest() { in_guest -m 64 "$BENCH/../sandbox/fragment" 4 2>&1 >/dev/null; }
	rounds fragment fr_guest || return
	take t fragment fr_guest fragment_contig_us || return
	take m fragment fr_guest fragment_migrated_pages || return
	row "guest: contiguous 4 MiB, pages moved out of the way" "$(awk -v v="$t" 'BEGIN { printf "%.1f ms", v / 1000 }')"
	row "pages migrated" "$m"
	row "native" "Linux needs CMA or compaction for this; no figure in the same run"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_mem_offset() {
	echo "== mem_offset: QNX's mem_offset() of a present page beside getpid() in the same run (median of $ROUNDS rounds)"
	need_kernel || return
	mo_guest() { in_guest "$BENCH/guest_mem_offset" "$GETPID_N"; }
	rounds mem_offset mo_guest || return
	take m mem_offset mo_guest mem_offset_ns || return
	take g mem_offset mo_guest getpid_ns || return
	row "guest: mem_offset()" "$(us "$m")"
	row "guest: getpid()" "$(us "$g")"
	row "mem_offset / getpid (issue 10 asks <= 1.1x)" "$(ratio_x "$m" "$g")"
	row "native" "no mem_offset on Linux (/proc/self/pagemap needs open+pread)"
}

# shellcheck disable=SC2154 # take() assigns through eval
section_memtype() {
	echo "== memtype: loads through an uncached (PCD|PWT) leaf against a write-back one (median of $ROUNDS rounds)"
	need_kernel || return
	mt_guest() {
		in_guest --append selftest=memtype |
			awk '$1 == "memtype:" { print "cached_ps", $2; print "uncached_ps", $7 }'
	}
	rounds memtype mt_guest || return
	take c memtype mt_guest cached_ps || return
	take u memtype mt_guest uncached_ps || return
	row "guest: 8-byte load, write-back leaf" "$(awk -v v="$c" 'BEGIN { printf "%.3f ns", v / 1000 }')"
	row "guest: 8-byte load, uncached leaf" "$(awk -v v="$u" 'BEGIN { printf "%.3f ns", v / 1000 }')"
	row "uncached / cached (near 1x where guest types are ignored)" "$(ratio_x "$u" "$c")"
}

# Where an invlpg per page stops being cheaper than one CR3 reload: the
# kernel's tlb_single_page_flush_ceiling (guest/mm/procmm.c) at both ends.
# shellcheck disable=SC2154 # take() assigns through eval
section_tlb_flush() {
	echo "== tlb_flush: mprotect flushing K pages, then a load from each of 256 (median of $ROUNDS rounds)"
	need_kernel || return
	for k in 1 2 4 16; do
		tf_reload() { in_guest --append tlb_single_page_flush_ceiling=0 "$BENCH/guest_tlb_flush" "$k" 256 100; }
		tf_invlpg() { in_guest --append tlb_single_page_flush_ceiling=64 "$BENCH/guest_tlb_flush" "$k" 256 100; }
		rounds "tlb_$k" tf_reload tf_invlpg || return
		take r "tlb_$k" tf_reload tlb_flush_ns || return
		take i "tlb_$k" tf_invlpg tlb_flush_ns || return
		row "K=$k: one CR3 reload / $k invlpg" "$(us "$r") / $(us "$i") ($(ratio_x "$i" "$r"))"
	done
}

# Sections kept in files of their own: the live host API and devices, the
# POSIX calls, and whole workloads (the programs section).
. scripts/bench-host-api.sh
. scripts/bench-posix.sh
. scripts/bench-programs.sh
# The transparent-huge-page workload too (section_thp_touch).
# shellcheck source=scripts/bench-thp.sh
. scripts/bench-thp.sh

# BENCH_SECTIONS="section_fault section_mmap" runs just those.
SECTIONS=${BENCH_SECTIONS:-"section_boot section_exits section_syscall section_hello section_mmap
	section_fault section_populate section_mprotect section_fork_cow section_hugetlb section_tcg
	section_checkpoint section_inspect section_trap section_iommu section_dma
	section_phys_anon section_fragment section_mem_offset section_memtype section_clock section_poll
	section_sigmq section_tlb_flush section_programs
	section_thp_touch"}

for s in $SECTIONS; do
	$s
done
[ "$status" -eq 0 ] && echo "bench: done" || echo "bench: some benchmarks FAILED"
exit "$status"
