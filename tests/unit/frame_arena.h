/* SPDX-License-Identifier: MIT */
/*
 * The kernel's direct map, for host tests of the pure memory modules: the
 * includer defines NR_FRAMES and an `arena` of NR_FRAMES pages, and these
 * translate frame numbers to and from it as frame_to_virt() does in the
 * guest.
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

#endif
