/* SPDX-License-Identifier: MIT */
/* Shared by the errno-table tests of the memory system calls. */
#ifndef PL_TEST_MMAP_CHECK_HARNESS_H
#define PL_TEST_MMAP_CHECK_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/mmap_check.h>
#include <kernel/vma.h>

#define PG   MC_PAGE_SIZE
#define M2   MC_HUGE_SIZE
#define TOP  MC_TASK_SIZE
#define R    VM_PROT_READ
#define RW   (VM_PROT_READ | VM_PROT_WRITE)
#define PRIV MAP_PRIVATE
#define SHR  MAP_SHARED
#define ANON MAP_ANONYMOUS
#define FIX  MAP_FIXED
#define AREA 0x7f0000000000ULL /* where the fake address space places things */
#define FREE 0x500000000ULL    /* a free, page-aligned address */

/* Process state tweaks of a row. */
enum {
	L_FULL = 1 << 0,     /* map_count above vm.max_map_count */
	L_NOROOM = 1 << 1,   /* the address space has no free area */
	L_TAKEN = 1 << 2,    /* something is mapped at the MAP_FIXED address */
	L_NOLOCK = 1 << 3,   /* RLIMIT_MEMLOCK 0 */
	L_LOCKFULL = 1 << 4, /* RLIMIT_MEMLOCK already used up */
	L_ROOT = 1 << 5,     /* CAP_IPC_LOCK and CAP_SYS_RAWIO */
	L_NEVER = 1 << 6,    /* vm.overcommit_memory = 2 */
};

static inline struct mm_limits limits(unsigned l)
{
	struct mm_limits m = { .task_size = TOP,
			       .min_addr = MC_MIN_ADDR,
			       .map_count = 10,
			       .max_map_count = 65530,
			       .locked_pages = 0,
			       .total_pages = 100,
			       .memlock_limit = 8 << 20 };

	if (l & L_FULL)
		m.map_count = 65531;
	if (l & L_NOLOCK)
		m.memlock_limit = 0;
	if (l & L_LOCKFULL)
		m.locked_pages = 2048;
	if (l & L_ROOT)
		m.cap_ipc_lock = m.cap_sys_rawio = true;
	if (l & L_NEVER)
		m.overcommit_never = true;
	return m;
}

#endif
