/* SPDX-License-Identifier: MIT */
/*
 * The vDSO (kernel/vdso.c, code in guest/vdso/): its data page, which the
 * timer fills, and its mapping into every new program.
 */
#ifndef KERNEL_VDSO_H
#define KERNEL_VDSO_H

#include <kernel/types.h>
#include <kernel/vvar.h>

struct mm;

/* The data page the clocks are computed from; written only through vvar_set_base(). */
extern const struct vvar_data *const vvar;

/* The clocks' base values, published to every process under the seqlock. */
void vvar_set_base(u64 tsc_at_boot, u64 tsc_khz, u64 boot_epoch_ns);
/* The tick: the _COARSE clocks move to now. */
void vvar_tick(u64 tsc);
/*
 * execve: [vvar] and [vdso] where mmap would put them, mapped at once.
 * The vDSO's ELF header address (AT_SYSINFO_EHDR) in *ehdr_va.
 */
int vdso_map(struct mm *mm, u64 *ehdr_va);

#endif
