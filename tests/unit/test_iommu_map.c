// SPDX-License-Identifier: MIT
/*
 * The virtio-iommu's mapping logic (hostlib/iommu_map.c) against the
 * spec's rules (VIRTIO 1.2 section 5.13.6): attach and detach, overlapping
 * maps, unmaps that would split, alignment, ranges, and translation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pagelab/virtio.h>

#include "iommu_map.h"

#define OK    VIRTIO_IOMMU_S_OK
#define INVAL VIRTIO_IOMMU_S_INVAL
#define RANGE VIRTIO_IOMMU_S_RANGE
#define NOENT VIRTIO_IOMMU_S_NOENT
#define RW    (VIRTIO_IOMMU_MAP_F_READ | VIRTIO_IOMMU_MAP_F_WRITE)
#define K4    0x1000ULL
#define M2    0x200000ULL

static int setup(void **state)
{
	struct pl_iommu_space *s = test_malloc(sizeof(*s));

	pl_iommu_space_init(s);
	assert_int_equal(pl_iommu_space_add_endpoint(s, 1), 0);
	assert_int_equal(pl_iommu_space_add_endpoint(s, 2), 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	pl_iommu_space_free(*state);
	test_free(*state);
	return 0;
}

static uint64_t gpa_of(struct pl_iommu_space *s, uint32_t ep, uint64_t iova, uint32_t access)
{
	struct pl_iommu_xlate x;

	if (pl_iommu_translate(s, ep, iova, access, &x))
		return ~0ULL;
	return x.gpa;
}

static void test_endpoints(void **state)
{
	struct pl_iommu_space *s = *state;

	assert_int_equal(pl_iommu_space_add_endpoint(s, 1), -EEXIST);
	for (uint32_t i = 3; i < PL_IOMMU_ENDPOINTS_MAX + 1; i++)
		assert_int_equal(pl_iommu_space_add_endpoint(s, 100 + i), 0);
	assert_int_equal(pl_iommu_space_add_endpoint(s, 99), -ENOSPC);
	assert_int_equal(pl_iommu_endpoint_known(s, 2), OK);
	assert_int_equal(pl_iommu_endpoint_known(s, 99), NOENT);
}

static void test_attach_rules(void **state)
{
	struct pl_iommu_space *s = *state;

	assert_int_equal(pl_iommu_attach(s, 5, 99), NOENT);
	assert_int_equal(pl_iommu_attach(s, 0, 1), RANGE); /* below domain_range */
	assert_int_equal(pl_iommu_attach(s, 0x10000, 1), RANGE);
	assert_int_equal(pl_iommu_attach(s, 5, 1), OK);
	assert_int_equal(pl_iommu_attach(s, 5, 1), OK); /* again: nothing changes */
	assert_int_equal(pl_iommu_attach(s, 5, 2), OK); /* two endpoints share a domain */
	assert_int_equal(pl_iommu_map(s, 5, 0, K4 - 1, 0x5000, RW), OK);
	/* Moving endpoint 1 to domain 6 detaches it from 5, which keeps endpoint 2. */
	assert_int_equal(pl_iommu_attach(s, 6, 1), OK);
	assert_int_equal(gpa_of(s, 1, 0, PL_DMA_READ), ~0ULL);
	assert_int_equal(gpa_of(s, 2, 0, PL_DMA_READ), 0x5000);
	assert_int_equal(pl_iommu_detach(s, 5, 1), INVAL); /* attached to 6 now */
	assert_int_equal(pl_iommu_detach(s, 6, 99), NOENT);
	assert_int_equal(pl_iommu_detach(s, 5, 2), OK);
	/* The last endpoint took domain 5 and its mappings with it. */
	assert_int_equal(pl_iommu_map(s, 5, 0, K4 - 1, 0, RW), NOENT);
	assert_int_equal(pl_iommu_detach(s, 5, 2), INVAL); /* not attached */
}

static void test_map_rules(void **state)
{
	struct pl_iommu_space *s = *state;

	assert_int_equal(pl_iommu_map(s, 7, 0, K4 - 1, 0, RW), NOENT); /* no such domain */
	assert_int_equal(pl_iommu_attach(s, 7, 1), OK);
	assert_int_equal(pl_iommu_map(s, 7, 0x10000, 0x10000 + 2 * K4 - 1, 0x40000, RW), OK);
	/* Overlaps, from every side and inside, are S_INVAL and change nothing. */
	assert_int_equal(pl_iommu_map(s, 7, 0xf000, 0x10fff, 0, RW), INVAL);
	assert_int_equal(pl_iommu_map(s, 7, 0x11000, 0x12fff, 0, RW), INVAL);
	assert_int_equal(pl_iommu_map(s, 7, 0x11000, 0x11fff, 0, RW), INVAL);
	assert_int_equal(pl_iommu_map(s, 7, 0x0, 0xfffff, 0, RW), INVAL);
	/* Right next to it is fine. */
	assert_int_equal(pl_iommu_map(s, 7, 0x12000, 0x12fff, 0, VIRTIO_IOMMU_MAP_F_READ), OK);
	assert_int_equal(pl_iommu_map(s, 7, 0xf000, 0xffff, 0, RW), OK);
	/* Alignment: start, end + 1 and phys on the 4 KiB granule, else S_RANGE. */
	assert_int_equal(pl_iommu_map(s, 7, 0x20800, 0x20fff, 0, RW), RANGE);
	assert_int_equal(pl_iommu_map(s, 7, 0x20000, 0x207ff, 0, RW), RANGE);
	assert_int_equal(pl_iommu_map(s, 7, 0x20000, 0x20fff, 0x123, RW), RANGE);
	/* Backwards, beyond the input range, wrapping physically. */
	assert_int_equal(pl_iommu_map(s, 7, 0x21000, 0x20fff, 0, RW), INVAL);
	assert_int_equal(pl_iommu_map(s, 7, 1ULL << 48, (1ULL << 48) + K4 - 1, 0, RW), RANGE);
	assert_int_equal(pl_iommu_map(s, 7, 0x30000, UINT64_MAX, 0, RW), RANGE);
	assert_int_equal(pl_iommu_map(s, 7, 0x30000, 0x31fff, UINT64_MAX - K4 + 1, RW), RANGE);
	/* Unknown flags and MMIO (not offered). */
	assert_int_equal(pl_iommu_map(s, 7, 0x40000, 0x40fff, 0, 8), INVAL);
	assert_int_equal(pl_iommu_map(s, 7, 0x40000, 0x40fff, 0, VIRTIO_IOMMU_MAP_F_MMIO), INVAL);
	assert_int_equal(pl_iommu_space_mappings(s, NULL, 0), 3);
}

static void test_unmap_rules(void **state)
{
	struct pl_iommu_space *s = *state;
	struct pl_iommu_mapping m[4];

	assert_int_equal(pl_iommu_unmap(s, 8, 0, K4 - 1), NOENT);
	assert_int_equal(pl_iommu_attach(s, 8, 1), OK);
	assert_int_equal(pl_iommu_map(s, 8, 0, M2 - 1, 0x200000, RW), OK);
	assert_int_equal(pl_iommu_map(s, 8, M2, M2 + K4 - 1, 0x1000, RW), OK);
	assert_int_equal(pl_iommu_map(s, 8, 4 * M2, 4 * M2 + K4 - 1, 0x2000, RW), OK);
	/* Splitting the 2 MiB mapping, at either end or in the middle: S_RANGE, nothing goes. */
	assert_int_equal(pl_iommu_unmap(s, 8, 0, K4 - 1), RANGE);
	assert_int_equal(pl_iommu_unmap(s, 8, K4, M2 + K4 - 1), RANGE);
	assert_int_equal(pl_iommu_unmap(s, 8, M2 - K4, M2 + K4 - 1), RANGE);
	assert_int_equal(pl_iommu_space_mappings(s, m, 4), 3);
	/* Nothing mapped there: S_OK (section 5.13.6.7). */
	assert_int_equal(pl_iommu_unmap(s, 8, 2 * M2, 3 * M2), OK);
	assert_int_equal(pl_iommu_unmap(s, 8, K4, 0), INVAL); /* backwards */
	/* A range that covers two whole mappings and holes removes both. */
	assert_int_equal(pl_iommu_unmap(s, 8, 0, 3 * M2), OK);
	assert_int_equal(pl_iommu_space_mappings(s, m, 4), 1);
	assert_true(m[0].virt_start == 4 * M2 && m[0].phys_start == 0x2000 && m[0].domain == 8);
	assert_int_equal(pl_iommu_unmap(s, 8, 0, UINT64_MAX), OK); /* all of it */
	assert_int_equal(pl_iommu_space_mappings(s, m, 4), 0);
}

static void test_translate(void **state)
{
	struct pl_iommu_space *s = *state;
	struct pl_iommu_xlate x;

	assert_int_equal(pl_iommu_translate(s, 1, 0, PL_DMA_READ, &x), -1);
	assert_int_equal(x.reason, VIRTIO_IOMMU_FAULT_R_DOMAIN);
	assert_int_equal(x.domain, 0); /* unattached: bypass is off */
	assert_int_equal(pl_iommu_translate(s, 99, 0, PL_DMA_READ, &x), -1);
	assert_int_equal(x.reason, VIRTIO_IOMMU_FAULT_R_DOMAIN);
	assert_int_equal(pl_iommu_attach(s, 9, 1), OK);
	assert_int_equal(pl_iommu_map(s, 9, 0x10000, 0x11fff, 0x80000, VIRTIO_IOMMU_MAP_F_READ),
			 OK);
	assert_int_equal(pl_iommu_translate(s, 1, 0x10123, PL_DMA_READ, &x), 0);
	assert_true(x.gpa == 0x80123 && x.room == 0x2000 - 0x123 && x.domain == 9);
	/* The cached mapping still refuses the access it does not allow. */
	assert_int_equal(pl_iommu_translate(s, 1, 0x10124, PL_DMA_WRITE, &x), -1);
	assert_int_equal(x.reason, VIRTIO_IOMMU_FAULT_R_MAPPING);
	assert_int_equal(x.domain, 9);
	assert_int_equal(pl_iommu_translate(s, 1, 0x12000, PL_DMA_READ, &x), -1);
	assert_int_equal(pl_iommu_translate(s, 1, 0xffff, PL_DMA_READ, &x), -1);
	/* Another endpoint misses the cache and gets its own answer. */
	assert_int_equal(pl_iommu_translate(s, 2, 0x10123, PL_DMA_READ, &x), -1);
	assert_int_equal(x.reason, VIRTIO_IOMMU_FAULT_R_DOMAIN);
	/* An unmap invalidates the cache. */
	assert_int_equal(pl_iommu_unmap(s, 9, 0x10000, 0x11fff), OK);
	assert_int_equal(pl_iommu_translate(s, 1, 0x10123, PL_DMA_READ, &x), -1);
	assert_int_equal(x.reason, VIRTIO_IOMMU_FAULT_R_MAPPING);
}

static void test_many_mappings_sorted(void **state)
{
	struct pl_iommu_space *s = *state;
	struct pl_iommu_mapping m[3];

	assert_int_equal(pl_iommu_attach(s, 3, 1), OK);
	assert_int_equal(pl_iommu_attach(s, 2, 2), OK);
	/* In descending order, so every insert goes in front. */
	for (uint64_t i = 1000; i-- > 0;)
		assert_int_equal(pl_iommu_map(s, 3, i * 2 * K4, i * 2 * K4 + K4 - 1, i * K4, RW),
				 OK);
	assert_int_equal(pl_iommu_map(s, 2, 0, K4 - 1, 0, RW), OK);
	assert_int_equal(pl_iommu_space_mappings(s, m, 3), 1001);
	assert_true(m[0].domain == 2 && m[1].domain == 3 && m[1].virt_start == 0 &&
		    m[2].virt_start == 2 * K4);
	for (uint64_t i = 0; i < 1000; i++)
		assert_int_equal(gpa_of(s, 1, i * 2 * K4 + 7, PL_DMA_WRITE), i * K4 + 7);
	assert_int_equal(gpa_of(s, 1, K4, PL_DMA_READ), ~0ULL);
	pl_iommu_space_reset(s);
	assert_int_equal(pl_iommu_space_mappings(s, m, 3), 0);
	assert_int_equal(pl_iommu_endpoint_known(s, 1), OK); /* endpoints outlive a reset */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_endpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_mappings_sorted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
