# shellcheck shell=sh
# Sourced by scripts/run-bench.sh: the transparent-huge-page workload of the
# "programs" benchmarks, in a file of its own. First touch of 256 MiB of
# anonymous memory, advised MADV_HUGEPAGE on both sides, then
# MADV_NOHUGEPAGE on both, each as a ratio to native Linux, with the
# transitions (exits to the VMM, trapped instructions) each run costs.
THP_MIB=256

# shellcheck disable=SC2154 # take() assigns through eval
section_thp_touch() {
	echo "== thp_touch: first store to each page of $THP_MIB MiB anonymous, huge vs small pages (median of $ROUNDS rounds)"
	need_kernel || return
	th_guest() { in_guest -m 512M "$BENCH/guest_thp_touch" "$THP_MIB" huge; }
	th_native() { "$BENCH/guest_thp_touch" "$THP_MIB" huge; }
	ts_guest() { in_guest -m 512M "$BENCH/guest_thp_touch" "$THP_MIB" small; }
	ts_native() { "$BENCH/guest_thp_touch" "$THP_MIB" small; }
	rounds thp th_guest th_native ts_guest ts_native || return
	take gh thp th_guest thp_touch_us || return
	take nh thp th_native thp_touch_us || return
	take gs thp ts_guest thp_touch_us || return
	take ns thp ts_native thp_touch_us || return
	take ghr thp th_guest thp_touch_reuse_us || return
	take nhr thp th_native thp_touch_reuse_us || return
	take gk thp th_guest thp_anon_huge_kb || return
	take nk thp th_native thp_anon_huge_kb || return
	row "guest: MADV_HUGEPAGE, $THP_MIB MiB" "$(msec "$gh") (AnonHugePages $gk kB)"
	row "native: MADV_HUGEPAGE" "$(msec "$nh") (AnonHugePages $nk kB)"
	row "guest / native, huge pages (issue 14 asks <= 1.5x)" "$(ratio_x "$gh" "$nh")"
	row "guest: again, on RAM the first touch gave back" "$(msec "$ghr")"
	row "native: again" "$(msec "$nhr")"
	row "guest / native, huge pages, RAM used before" "$(ratio_x "$ghr" "$nhr")"
	row "guest: MADV_NOHUGEPAGE, $THP_MIB MiB" "$(msec "$gs")"
	row "native: MADV_NOHUGEPAGE" "$(msec "$ns")"
	row "guest / native, 4 KiB pages" "$(ratio_x "$gs" "$ns")"
	thp_transitions huge "huge pages"
	thp_transitions small "4 KiB pages"
}

# Exits and trapped instructions of the touches (a run that touches 2 MiB
# twice is subtracted, so the figure is two touches of THP_MIB MiB).
thp_transitions() {
	if ! in_guest -m 512M --stats "$BENCH/guest_thp_touch" 2 "$1" >/dev/null 2>"$WORK/thp.stats_a" ||
		! in_guest -m 512M --stats "$BENCH/guest_thp_touch" "$THP_MIB" "$1" >/dev/null 2>"$WORK/thp.stats_b"; then
		failed "thp_touch: pagelab run --stats"
		return
	fi
	for what in exits traps; do
		a=$(stat_of "$WORK/thp.stats_a" "$what")
		b=$(stat_of "$WORK/thp.stats_b" "$what")
		if [ -z "$a" ] || [ -z "$b" ]; then
			failed "thp_touch: --stats printed no $what count"
			return
		fi
		row "$what for two touches of $THP_MIB MiB, $2" "$((b - a))"
	done
}
