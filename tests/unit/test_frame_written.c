// SPDX-License-Identifier: MIT
/*
 * Unit tests for the frame allocator's written map (guest/mm/frame.c): free
 * frames in a 2 MiB region no one has written since boot are handed out
 * uncleared; a free, the host or a MAP_PHYS mapping marks the region, and
 * from then on zero_new_frames clears what is handed out there.
 */
#include "frame_harness.h"

#define REGION	   FRAME_REGION_FRAMES
#define NR_REGIONS (NR_FRAMES / REGION)

static unsigned char *arena;
static uint8_t map[NR_REGIONS / 8 + 1];

#include "frame_arena.h"

/* Guest RAM as the host gives it: zero, every frame above 16 MiB free, the map clear. */
static int setup_zeroed(void **state)
{
	(void)state;
	table = calloc(NR_FRAMES, sizeof(*table));
	arena = aligned_alloc(PAGE_SIZE, NR_FRAMES * PAGE_SIZE);
	if (!table || !arena)
		return -1;
	memset(arena, 0, NR_FRAMES * PAGE_SIZE);
	memset(map, 0, sizeof(map));
	frame_init(table, NR_FRAMES);
	frame_add_range(DMA_END, NR_FRAMES);
	corruptions = 0;
	return 0;
}

static int teardown_zeroed(void **state)
{
	(void)state;
	frame_arena_destroy();
	return 0;
}

static unsigned char *byte_of(uint64_t pfn)
{
	return frame_to_virt(pfn);
}

static void test_without_a_map_everything_is_cleared(void **state)
{
	uint64_t pfn = frame_alloc(0);

	(void)state;
	assert_false(frame_region_zero(pfn));
	assert_int_equal(frame_free_zero_in(0, NR_FRAMES), 0);
	*byte_of(pfn) = 0x77;
	zero_new_frames(pfn, 1);
	assert_int_equal(*byte_of(pfn), 0);
	frame_note_written(pfn, 1); /* no map: nothing to mark, no crash */
}

static void test_untouched_frames_are_left_alone(void **state)
{
	uint64_t pfn;

	(void)state;
	frame_track_written(map, NR_REGIONS);
	assert_int_equal(frame_free_zero_in(0, NR_FRAMES), NR_FRAMES - DMA_END);
	pfn = frame_alloc_pages(REGION, 0);
	assert_true(frame_region_zero(pfn));
	/* A byte the test plants shows that nothing was written. */
	*byte_of(pfn + 3) = 0x77;
	zero_new_frames(pfn, REGION);
	assert_int_equal(*byte_of(pfn + 3), 0x77);
	assert_int_equal(frame_free_zero_in(0, NR_FRAMES), NR_FRAMES - DMA_END - REGION);
}

static void test_a_freed_frame_marks_its_region(void **state)
{
	uint64_t pfn, again;

	(void)state;
	frame_track_written(map, NR_REGIONS);
	pfn = frame_alloc(0);
	memset(byte_of(pfn), 0x5a, PAGE_SIZE);
	assert_true(frame_put(pfn));
	assert_false(frame_region_zero(pfn));
	assert_true(frame_region_zero(pfn + REGION)); /* the next region is not touched */
	assert_int_equal(frame_free_zero_in(0, NR_FRAMES), NR_FRAMES - DMA_END - REGION);
	again = frame_alloc(0);
	assert_int_equal(again, pfn); /* the allocator reuses it first */
	zero_new_frames(again, 1);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(byte_of(again)[i], 0);
	assert_int_equal(corruptions, 0);
}

static void test_a_freed_run_marks_every_region_it_spans(void **state)
{
	uint64_t pfn;

	(void)state;
	frame_track_written(map, NR_REGIONS);
	pfn = frame_alloc_pages(8 * REGION, 0);
	frame_free_pages(pfn + REGION - 1, 2 * REGION + 2);
	assert_false(frame_region_zero(pfn));
	assert_false(frame_region_zero(pfn + REGION));
	assert_false(frame_region_zero(pfn + 2 * REGION));
	assert_false(frame_region_zero(pfn + 3 * REGION));
	assert_true(frame_region_zero(pfn + 4 * REGION));
	/* A run of frames partly in a written region is cleared only there. */
	*byte_of(pfn + 4 * REGION - 1) = 0x66;
	*byte_of(pfn + 4 * REGION + 1) = 0x77;
	zero_new_frames(pfn + 4 * REGION - 1, REGION + 1);
	assert_int_equal(*byte_of(pfn + 4 * REGION - 1), 0);
	assert_int_equal(*byte_of(pfn + 4 * REGION + 1), 0x77);
}

static void test_notes_from_outside(void **state)
{
	(void)state;
	frame_track_written(map, NR_REGIONS);
	frame_note_written(DMA_END + 7 * REGION + 100, 1); /* a host write, a MAP_PHYS */
	assert_false(frame_region_zero(DMA_END + 7 * REGION));
	assert_true(frame_region_zero(DMA_END + 8 * REGION));
	/* Bits live where pagelab/abi.h says: bit r % 8 of byte r / 8. */
	assert_int_equal(map[(DMA_END / REGION + 7) / 8], 1u << ((DMA_END / REGION + 7) % 8));
	frame_note_written(NR_FRAMES, 4 * REGION);	/* beyond the map: ignored */
	assert_false(frame_region_zero(NR_FRAMES + 1)); /* and no region there counts as zero */
	frame_note_written(DMA_END, 0);
	assert_true(frame_region_zero(DMA_END));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_without_a_map_everything_is_cleared,
						setup_zeroed, teardown_zeroed),
		cmocka_unit_test_setup_teardown(test_untouched_frames_are_left_alone, setup_zeroed,
						teardown_zeroed),
		cmocka_unit_test_setup_teardown(test_a_freed_frame_marks_its_region, setup_zeroed,
						teardown_zeroed),
		cmocka_unit_test_setup_teardown(test_a_freed_run_marks_every_region_it_spans,
						setup_zeroed, teardown_zeroed),
		cmocka_unit_test_setup_teardown(test_notes_from_outside, setup_zeroed,
						teardown_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
