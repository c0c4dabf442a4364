// SPDX-License-Identifier: MIT
/*
 * /proc/vmstat: the event counters that say what memory operations cost in
 * transitions, under Linux's names: pgfault (every fault the kernel
 * handled, spurious ones included), and the TLB flushes of
 * CONFIG_DEBUG_TLBFLUSH, nr_tlb_local_flush_one (an invlpg) and
 * nr_tlb_local_flush_all (a CR3 reload). On kvm_pvm each flush is a trapped
 * instruction, so a program can check that an operation cost none, as
 * tests/integration/test_speed.c does. pgfault_spurious is pagelab's: the
 * faults that found their entry already allowing the access (a stale
 * translation after a change that only added rights). And the transparent
 * huge page ones (thp.c): nr_anon_transparent_hugepages (pages mapped whole
 * by a 2 MiB leaf), thp_fault_alloc, thp_fault_fallback (no 2 MiB block: a
 * small page instead) and thp_split_pmd, which tests/guest/thp.c reads.
 */
#include <kernel/panic.h>
#include <kernel/procfs.h>
#include <kernel/synth.h>
#include <kernel/thp.h>
#include <kernel/vmstat.h>

struct vmstat vmstat;

static long vmstat_gen(void *arg, char *buf, size_t size)
{
	struct textbuf o = { buf, size, 0 };

	(void)arg;
	tb_printf(&o, "nr_anon_transparent_hugepages %lu\n", (unsigned long)thp_stats.anon_thps);
	tb_printf(&o, "pgfault %lu\n", (unsigned long)vmstat.pgfault);
	tb_printf(&o, "pgfault_spurious %lu\n", (unsigned long)vmstat.pgfault_spurious);
	tb_printf(&o, "nr_tlb_local_flush_all %lu\n", (unsigned long)vmstat.tlb_flush_all);
	tb_printf(&o, "nr_tlb_local_flush_one %lu\n", (unsigned long)vmstat.tlb_flush_one);
	tb_printf(&o, "thp_fault_alloc %lu\n", (unsigned long)thp_stats.fault_alloc);
	tb_printf(&o, "thp_fault_fallback %lu\n", (unsigned long)thp_stats.fault_fallback);
	tb_printf(&o, "thp_split_pmd %lu\n", (unsigned long)thp_stats.split_pmd);
	return (long)o.len;
}

void vmstat_init(void)
{
	if (vfs_synth_file("/proc/vmstat", 0444, vmstat_gen, NULL))
		panic("cannot create /proc/vmstat");
}
