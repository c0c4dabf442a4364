// SPDX-License-Identifier: MIT
/*
 * Memory as gdb addresses it: a user address in the selected process's
 * address space (its page tables, pl_gva_read), a kernel address through
 * the tables the vCPU runs on, where the kernel half is the same for every
 * process (the kernel debugged with its own symbols). Writes are
 * ptrace's POKETEXT: read-only text, the program's or the kernel's, is
 * written through the frame behind it.
 */
#include <errno.h>

#include "gdbstub.h"

#define KERNEL_HALF 0xffff800000000000ULL

/* One page at most of kernel memory, through the vCPU's page tables. */
static int kernel_chunk(struct pl_sandbox *sb, uint64_t va, uint8_t *buf, size_t len, bool write)
{
	struct pl_gva_info info;

	if (pl_gva_translate(sb, va, &info))
		return -EFAULT;
	if (write)
		return pl_gpa_write(sb, info.gpa, buf, len) ? -EFAULT : 0;
	return pl_gpa_read(sb, info.gpa, buf, len) ? -EFAULT : 0;
}

static int kernel_copy(struct pl_sandbox *sb, uint64_t addr, uint8_t *buf, size_t len, bool write)
{
	if (len > -addr)
		return -EINVAL; /* wraps */
	for (size_t done = 0; done < len;) {
		uint64_t va = addr + done;
		size_t chunk = 4096 - (va & 4095);

		chunk = chunk < len - done ? chunk : len - done;
		if (kernel_chunk(sb, va, buf + done, chunk, write))
			return -EFAULT;
		done += chunk;
	}
	return 0;
}

int gdb_mem_read(struct pl_sandbox *sb, int pid, uint64_t addr, void *buf, size_t len)
{
	if (addr >= KERNEL_HALF)
		return kernel_copy(sb, addr, buf, len, false);
	return pl_gva_read(sb, pid, addr, buf, len) ? -EFAULT : 0;
}

int gdb_mem_write(struct pl_sandbox *sb, int pid, uint64_t addr, const void *data, size_t len)
{
	const uint8_t *buf = data;
	int err;

	if (addr >= KERNEL_HALF)
		return kernel_copy(sb, addr, (uint8_t *)buf, len, true);
	if (addr >= PL_USER_TOP || len > PL_USER_TOP - addr)
		return -EINVAL;
	err = pl_gva_write(sb, pid, addr, buf, len);
	if (err != -EACCES)
		return err ? -EFAULT : 0;
	/* The frames behind the pages: text shared with another process (after fork) changes there too. */
	for (size_t i = 0; i < len; i++) {
		uint64_t gpa;

		if (pl_gva_to_gpa(sb, pid, addr + i, &gpa, NULL) ||
		    pl_gpa_write(sb, gpa, buf + i, 1))
			return -EFAULT;
	}
	return 0;
}
