// SPDX-License-Identifier: MIT
/*
 * /proc/vmstat: event counters under Linux's names: pgfault (every fault
 * the kernel handled), and the transparent huge page ones (thp.c):
 * nr_anon_transparent_hugepages (pages mapped whole by a 2 MiB leaf),
 * thp_fault_alloc, thp_fault_fallback (no 2 MiB block: a small page
 * instead) and thp_split_pmd. A program can check with them what an
 * operation cost, as tests/guest/thp.c does.
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
