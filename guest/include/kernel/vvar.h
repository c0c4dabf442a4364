/* SPDX-License-Identifier: MIT */
/*
 * The vDSO's data page ([vvar]): what the kernel's clocks are computed
 * from, mapped read-only into every process. The kernel's clock syscalls
 * (kernel/timer.c) and the vDSO (guest/vdso/vdso.c) both compute time with
 * vvar_monotonic_ns() from this page, so the two paths cannot disagree.
 *
 * A writer makes seq odd, changes the fields, then makes it even again; a
 * reader retries while seq is odd or changed under it (Linux's vdso_data).
 * Compiled into the kernel and into the position-independent vDSO: no
 * kernel symbols here.
 */
#ifndef KERNEL_VVAR_H
#define KERNEL_VVAR_H

#include <kernel/types.h>

#define VVAR_NSEC_PER_SEC 1000000000ULL

struct vvar_data {
	volatile u32 seq;
	u32 reserved;
	u64 tsc_at_boot;   /* the TSC when the monotonic clock read 0 */
	u64 tsc_khz;	   /* TSC ticks per millisecond */
	u64 boot_epoch_ns; /* CLOCK_REALTIME at monotonic 0 */
	u64 coarse_ns;	   /* CLOCK_MONOTONIC at the last tick: the _COARSE clocks */
};

static inline u64 vvar_monotonic_ns(const struct vvar_data *d, u64 tsc)
{
	u64 cycles = tsc - d->tsc_at_boot, khz = d->tsc_khz;

	/* Split to avoid overflow: whole milliseconds, then the remainder. */
	return cycles / khz * 1000000 + cycles % khz * 1000000 / khz;
}

static inline u32 vvar_read_begin(const struct vvar_data *d)
{
	u32 seq;

	while ((seq = d->seq) & 1)
		asm volatile("pause");
	asm volatile("" ::: "memory");
	return seq;
}

static inline bool vvar_read_retry(const struct vvar_data *d, u32 seq)
{
	asm volatile("" ::: "memory");
	return d->seq != seq;
}

static inline void vvar_write_begin(struct vvar_data *d)
{
	d->seq++;
	asm volatile("" ::: "memory");
}

static inline void vvar_write_end(struct vvar_data *d)
{
	asm volatile("" ::: "memory");
	d->seq++;
}

#endif
