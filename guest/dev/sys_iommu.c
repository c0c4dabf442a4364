// SPDX-License-Identifier: MIT
/*
 * pagelab_iommu (include/pagelab/abi.h, PL_SYS_IOMMU): the IOMMU driver's
 * requests for a program, so that tests and benchmarks drive the device
 * from inside the guest and the host checks what it saw. Root only, as
 * MAP_PHYS: a mapping names physical memory.
 */
#include <kernel/errno.h>
#include <kernel/iommu.h>
#include <kernel/plsys.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#include "virtio_iommu.h"

/* n maps or unmaps from the program's array, one notification per batch. */
static long many(bool map, u32 domain, u64 uarray, u64 n)
{
	struct pl_iommu_op_map m;
	int err = 0;

	if (n == 0 || n > PL_IOMMU_MANY_MAX)
		return -EINVAL;
	iommu_batch_begin();
	for (u64 i = 0; i < n && !err; i++) {
		if (copy_from_user(&m, uarray + i * sizeof(m), sizeof(m)))
			err = -EFAULT;
		else if (map)
			err = iommu_map(domain, m.iova, m.pa, m.len, m.flags);
		else
			err = iommu_unmap(domain, m.iova, m.len);
	}
	return iommu_batch_end() ?: err;
}

static long faults(u64 uout, u64 max)
{
	static struct pl_iommu_guest_fault f[VIOMMU_FAULT_LOG];
	u64 total = viommu_faults(f, VIOMMU_FAULT_LOG);
	u64 n = total < VIOMMU_FAULT_LOG ? total : VIOMMU_FAULT_LOG;

	if (n > max)
		n = max;
	if (n && copy_to_user(uout, f, n * sizeof(f[0])))
		return -EFAULT;
	return (long)total;
}

static long probe(u32 endpoint, u64 uout)
{
	struct pl_iommu_probe_info p;
	int err = iommu_probe_msi(endpoint, &p.msi_start, &p.msi_end);

	if (err)
		return err;
	return copy_to_user(uout, &p, sizeof(p)) ? -EFAULT : 0;
}

static long sys_pagelab_iommu(u64 op, u64 a, u64 b, u64 c, u64 d, u64 e)
{
	struct pl_iommu_info info;
	long err;

	if (!iommu_present())
		return -ENODEV;
	if (current->cred.euid != 0)
		return -EPERM;
	switch (op) {
	case PL_IOMMU_OP_ATTACH:
		return iommu_attach((u32)a, (u32)b);
	case PL_IOMMU_OP_DETACH:
		return iommu_detach((u32)a, (u32)b);
	case PL_IOMMU_OP_MAP:
		return iommu_map((u32)a, b, c, d, (unsigned)e);
	case PL_IOMMU_OP_UNMAP:
		return iommu_unmap((u32)a, b, c);
	case PL_IOMMU_OP_MAP_MANY:
	case PL_IOMMU_OP_UNMAP_MANY:
		return many(op == PL_IOMMU_OP_MAP_MANY, (u32)a, b, c);
	case PL_IOMMU_OP_DOMAIN_ALLOC: {
		u32 dom = iommu_domain_alloc();

		return dom ? (long)dom : -ENOSPC;
	}
	case PL_IOMMU_OP_INFO:
		err = viommu_info(&info);
		if (err)
			return err;
		return copy_to_user(a, &info, sizeof(info)) ? -EFAULT : 0;
	case PL_IOMMU_OP_FAULTS:
		return faults(a, b);
	case PL_IOMMU_OP_PROBE:
		return probe((u32)a, b);
	default:
		return -EINVAL;
	}
}
SYSCALL(pagelab_iommu, sys_pagelab_iommu, "uxxxxx");
