// SPDX-License-Identifier: MIT
/*
 * include/pagelab/mman.h: every flag the SDK adds differs from every value
 * Linux x86-64 gives mmap()'s flags and prot, and stays out of the
 * MAP_HUGE_* size field, so one source builds and means the same thing for
 * the sandbox and for Linux. The Linux values come from this host's
 * <sys/mman.h> and <linux/mman.h>, plus those added after the oldest
 * headers pagelab builds with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <linux/mman.h>
#include <cmocka.h>

#include <pagelab/mman.h>

#define LINUX_HUGE_FIELD (0x3fULL << 26) /* MAP_HUGE_MASK << MAP_HUGE_SHIFT */

/* Linux 6.5 and 6.11 added these (x86-64); older headers lack them. */
#define LINUX_MAP_ABOVE4G   0x80
#define LINUX_MAP_DROPPABLE 0x08

static uint64_t linux_map_bits(void)
{
	uint64_t v = LINUX_MAP_ABOVE4G | LINUX_MAP_DROPPABLE | LINUX_HUGE_FIELD;

	v |= MAP_SHARED | MAP_PRIVATE | MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT;
	v |= MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE;
	v |= MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB;
#ifdef MAP_SHARED_VALIDATE
	v |= MAP_SHARED_VALIDATE;
#endif
#ifdef MAP_SYNC
	v |= MAP_SYNC;
#endif
#ifdef MAP_FIXED_NOREPLACE
	v |= MAP_FIXED_NOREPLACE;
#endif
#ifdef MAP_UNINITIALIZED
	v |= MAP_UNINITIALIZED;
#endif
	return v;
}

static uint64_t linux_prot_bits(void)
{
	return PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP;
}

struct sdk_flag {
	const char *name;
	uint64_t value;
};

static const struct sdk_flag sdk_map_flags[] = {
	{ "MAP_PHYS", MAP_PHYS },	{ "MAP_BELOW16M", MAP_BELOW16M },
	{ "MAP_NOX64K", MAP_NOX64K },	{ "MAP_LAZY", MAP_LAZY },
	{ "MAP_INHERIT", MAP_INHERIT }, { "MAP_NOCORE", MAP_NOCORE },
	{ "MAP_NOSYNC", MAP_NOSYNC },	{ "MAP_HASSEMAPHORE", MAP_HASSEMAPHORE },
};

static void test_map_flags_avoid_linux(void **state)
{
	uint64_t linux_bits = linux_map_bits(), seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(sdk_map_flags) / sizeof(sdk_map_flags[0]); i++) {
		const struct sdk_flag *f = &sdk_map_flags[i];

		if (f->value & linux_bits)
			fail_msg("%s 0x%llx shares bits with Linux's mmap flags", f->name,
				 (unsigned long long)f->value);
		if (f->value & seen)
			fail_msg("%s 0x%llx shares bits with another SDK flag", f->name,
				 (unsigned long long)f->value);
		/* Through musl's int: no sign extension into bits 32..63. */
		assert_true(f->value <= 0x7fffffffULL);
		seen |= f->value;
	}
}

/* MAP_NOINIT is Linux's MAP_UNINITIALIZED, the same request, and no other SDK flag's bit. */
static void test_noinit_is_linux_uninitialized(void **state)
{
	(void)state;
#ifdef MAP_UNINITIALIZED
	assert_int_equal(MAP_NOINIT, MAP_UNINITIALIZED);
#else
	assert_int_equal(MAP_NOINIT, 0x4000000);
#endif
	for (size_t i = 0; i < sizeof(sdk_map_flags) / sizeof(sdk_map_flags[0]); i++)
		assert_int_equal(sdk_map_flags[i].value & MAP_NOINIT, 0);
}

/* PROT_NOCACHE: outside Linux's prot bits (mprotect refuses unknown ones with EINVAL). */
static void test_prot_avoids_linux(void **state)
{
	(void)state;
	assert_int_equal(PROT_NOCACHE & linux_prot_bits(), 0);
	assert_true(PROT_NOCACHE != 0);
}

/* The SDK's fd for anonymous and physical mappings is QNX's: -1. */
static void test_nofd(void **state)
{
	(void)state;
	assert_int_equal(NOFD, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_flags_avoid_linux),
		cmocka_unit_test(test_noinit_is_linux_uninitialized),
		cmocka_unit_test(test_prot_avoids_linux),
		cmocka_unit_test(test_nofd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
