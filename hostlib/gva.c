// SPDX-License-Identifier: MIT
/*
 * A guest virtual address seen from the host: the 4-level walk from the
 * vCPU's CR3, as the MMU does it, to the guest-physical address, the leaf
 * entry and the memory type it selects. After a run CR3 is the address
 * space of the process that ended it (the program itself, when it exited),
 * so its mappings can be checked from outside: PROT_NOCACHE's PCD|PWT, a
 * contiguous DMA buffer's frames.
 *
 * Every table is read through pl_gpa_read: a guest with broken tables gets
 * an error, never a host access outside guest memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "error.h"
#include "sandbox.h"

#define PTE_P	  (1ULL << 0)
#define PTE_PWT	  (1ULL << 3)
#define PTE_PCD	  (1ULL << 4)
#define PTE_PS	  (1ULL << 7)
#define PTE_PAT4K (1ULL << 7)
#define PTE_PATLG (1ULL << 12)
#define ADDR_MASK 0x000ffffffffff000ULL

/*
 * The PAT MSR's value at reset, which pagelab's kernel keeps: entries 0-7
 * WB, WT, UC-, UC, WB, WT, UC-, UC (the host cannot read the guest's MSR
 * under the run's seccomp filter, and need not).
 */
static const char *const reset_pat[8] = { "WB", "WT", "UC-", "UC", "WB", "WT", "UC-", "UC" };

static int read_entry(struct pl_sandbox *sb, uint64_t table, unsigned index, uint64_t *e)
{
	return pl_gpa_read(sb, (table & ADDR_MASK) + index * 8, e, sizeof(*e));
}

static int not_mapped(uint64_t gva, unsigned level)
{
	pl_set_error(PL_ERR_FAULT,
		     "guest virtual 0x%" PRIx64 " is not mapped (level %u entry not present)", gva,
		     level);
	return -EFAULT;
}

int pl_gva_translate(struct pl_sandbox *sb, uint64_t gva, struct pl_gva_info *out)
{
	struct kvm_sregs sregs;
	uint64_t table, e = 0, pat_bit;
	unsigned level;

	if (sb->kvm.vcpu < 0 || ioctl(sb->kvm.vcpu, KVM_GET_SREGS, &sregs) < 0) {
		pl_set_error(PL_ERR_HOST, "cannot read the vCPU's CR3");
		return -EIO;
	}
	if ((int64_t)(gva << 16) >> 16 != (int64_t)gva) {
		pl_set_error(PL_ERR_FAULT, "0x%" PRIx64 " is not a canonical address", gva);
		return -EINVAL;
	}
	table = sregs.cr3;
	for (level = 4; level >= 1; level--) {
		if (read_entry(sb, table, (gva >> (12 + 9 * (level - 1))) & 511, &e))
			return -EFAULT;
		if (!(e & PTE_P))
			return not_mapped(gva, level);
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS)))
			break;
		table = e;
	}
	pat_bit = level == 1 ? (e & PTE_PAT4K) != 0 : (e & PTE_PATLG) != 0;
	*out = (struct pl_gva_info){
		.pte = e,
		.page_size = 1ULL << (12 + 9 * (level - 1)),
		.uncached = (e & PTE_PCD) != 0,
	};
	out->gpa = (e & ADDR_MASK & ~(out->page_size - 1)) | (gva & (out->page_size - 1));
	out->memtype = reset_pat[pat_bit << 2 | ((e & PTE_PCD) ? 2 : 0) | ((e & PTE_PWT) ? 1 : 0)];
	return 0;
}
