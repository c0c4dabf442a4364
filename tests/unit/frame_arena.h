/* SPDX-License-Identifier: MIT */
/*
 * The kernel's direct map, for host tests of the pure memory modules: the
 * includer defines NR_FRAMES, a descriptor `table` and an `arena` of
 * NR_FRAMES pages. frame_arena_create() allocates both and hands every
 * frame but the first to the frame allocator; the translations below work
 * as frame_to_virt() does in the guest.
 */
#ifndef PL_TEST_FRAME_ARENA_H
#define PL_TEST_FRAME_ARENA_H

void *frame_to_virt(uint64_t pfn)
{
	assert_true(pfn < NR_FRAMES);
	return arena + pfn * PAGE_SIZE;
}

uint64_t virt_to_frame(const void *va)
{
	const unsigned char *p = va;

	if (p < arena || p >= arena + NR_FRAMES * PAGE_SIZE)
		return FRAME_NONE;
	return (uint64_t)(p - arena) / PAGE_SIZE;
}

static inline int frame_arena_create(void)
{
	table = calloc(NR_FRAMES, sizeof(*table));
	arena = aligned_alloc(PAGE_SIZE, NR_FRAMES * PAGE_SIZE);
	if (!table || !arena)
		return -1;
	/* Dirty memory, so that a missing zero fill shows. */
	memset(arena, 0xa5, NR_FRAMES * PAGE_SIZE);
	frame_init(table, NR_FRAMES);
	frame_add_range(1, NR_FRAMES);
	return 0;
}

static inline void frame_arena_destroy(void)
{
	free(arena);
	free(table);
}

#endif
