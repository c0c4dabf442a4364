// SPDX-License-Identifier: MIT
/* Unit tests for the kernel heap (guest/mm/kmalloc.c) on the real frame allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/frame.h>
#include <kernel/kmalloc.h>

#define NR_FRAMES 1024 /* a 4 MiB arena stands in for the direct map */

static struct frame *table;
static unsigned char *arena;
static int corruptions;
static uint64_t corrupt_pfn;

void frame_corruption(const char *what, uint64_t pfn)
{
	(void)what;
	corruptions++;
	corrupt_pfn = pfn;
}

#include "frame_arena.h"

static int setup(void **state)
{
	(void)state;
	if (frame_arena_create())
		return -1;
	corruptions = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	frame_arena_destroy();
	return 0;
}

static size_t class_of(size_t size)
{
	size_t c = 16;

	while (c < size)
		c <<= 1;
	return c;
}

static void test_sizes_and_descriptors(void **state)
{
	static const size_t sizes[] = { 1,    15,   16,	  17,	31,   32,    33,    64,	  100,
					128,  255,  256,  500,	512,  1000,  1024,  1500, 2047,
					2048, 2049, 4095, 4096, 4097, 10000, 65536, 65537 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	uint64_t nfree = frame_free_count();

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		struct frame *f;

		p[i] = kmalloc(size);
		assert_non_null(p[i]);
		f = frame_desc(virt_to_frame(p[i]));
		assert_non_null(f);
		assert_int_equal(f->refcount, 1);
		if (size <= 2048) {
			assert_int_equal((uintptr_t)p[i] % class_of(size), 0);
			assert_true(f->flags & FRAME_SLAB);
			assert_int_equal(16u << f->kind, class_of(size));
		} else {
			assert_int_equal((uintptr_t)p[i] % PAGE_SIZE, 0);
			assert_true(f->flags & FRAME_KLARGE);
			assert_int_equal(f->private, (size + PAGE_SIZE - 1) / PAGE_SIZE);
		}
		memset(p[i], 0x5a, size); /* ASan would not see an overrun inside the arena */
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		kfree(p[i]);
	assert_int_equal(frame_free_count(), nfree);
	assert_int_equal(corruptions, 0);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct obj {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

static void check_fill(const struct obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		if (o->p[i] != o->fill)
			fail_msg("object %p (%zu bytes) byte %zu is %#x, not %#x", (void *)o->p,
				 o->size, i, o->p[i], o->fill);
}

/* Every object is filled with its own byte; an overlap rewrites someone else's. */
static void test_no_overlap(void **state)
{
	static struct obj objs[1500];
	uint64_t nfree = frame_free_count();
	size_t n = 0;

	(void)state;
	for (int round = 0; round < 6; round++) {
		while (n < sizeof(objs) / sizeof(objs[0])) {
			uint64_t r = next_rand();
			size_t size = r % 16 == 0 ? 1 + (r >> 8) % 9000 : 1 + (r >> 8) % 600;
			struct obj *o = &objs[n];

			o->p = kmalloc(size);
			assert_non_null(o->p);
			assert_true(o->p >= arena && o->p + size <= arena + NR_FRAMES * PAGE_SIZE);
			o->size = size;
			o->fill = (unsigned char)(n * 7 + round + 1);
			memset(o->p, o->fill, size);
			n++;
		}
		for (size_t i = 0; i < n; i++)
			check_fill(&objs[i]);
		/* Free a random half, checking each survivor once more on the way. */
		for (size_t i = 0; i < n;) {
			if (next_rand() & 1) {
				kfree(objs[i].p);
				objs[i] = objs[--n];
			} else {
				check_fill(&objs[i]);
				i++;
			}
		}
	}
	while (n)
		kfree(objs[--n].p);
	assert_int_equal(frame_free_count(), nfree);
	assert_int_equal(corruptions, 0);
}

static void test_slabs_return_frames(void **state)
{
	static void *p[257];
	uint64_t nfree = frame_free_count();
	void *big;

	(void)state;
	/* 256 objects of 16 bytes fill exactly one frame; the 257th needs another. */
	for (int i = 0; i < 256; i++)
		p[i] = kmalloc(16);
	assert_int_equal(frame_free_count(), nfree - 1);
	p[256] = kmalloc(9);
	assert_int_equal(frame_free_count(), nfree - 2);
	kfree(p[256]);
	assert_int_equal(frame_free_count(), nfree - 1);
	/* Out of order: the frame goes back with its last object, not before. */
	for (int i = 0; i < 256; i++) {
		assert_int_equal(frame_free_count(), nfree - 1);
		kfree(p[(i * 31) % 256]);
	}
	assert_int_equal(frame_free_count(), nfree);

	big = kmalloc(3 * PAGE_SIZE + 1);
	assert_int_equal(frame_free_count(), nfree - 4);
	kfree(big);
	assert_int_equal(frame_free_count(), nfree);
	assert_int_equal(corruptions, 0);
}

/*
 * The arena starts dirty, so any memory kzalloc hands out must have been
 * zeroed by it. A freed small object is reused first (and carries the free
 * list link), so the second allocation is the one just dirtied and freed.
 */
static void test_kzalloc_zeroes(void **state)
{
	static const size_t sizes[] = { 24, 2048, 5000 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *keep = kmalloc(sizes[i]); /* keeps the slab alive */
		unsigned char *p = kmalloc(sizes[i]);
		unsigned char *z;

		memset(p, 0xff, sizes[i]);
		kfree(p);
		z = kzalloc(sizes[i]);
		if (sizes[i] <= 2048)
			assert_ptr_equal(z, p);
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(z[j], 0);
		kfree(z);
		kfree(keep);
	}
	assert_int_equal(corruptions, 0);
}

static void test_edges(void **state)
{
	uint64_t nfree = frame_free_count();

	(void)state;
	kfree(NULL);
	assert_null(kmalloc(0));
	assert_null(kmalloc(NR_FRAMES * PAGE_SIZE)); /* more than the arena */
	assert_null(kmalloc(SIZE_MAX));
	assert_int_equal(frame_free_count(), nfree);
	assert_int_equal(corruptions, 0);
}

static void test_bad_kfree_is_detected(void **state)
{
	uint64_t pfn = frame_alloc(0);
	unsigned char *keep = kmalloc(64);
	unsigned char *p = kmalloc(64);
	unsigned char *big = kmalloc(2 * PAGE_SIZE);
	uint64_t nfree;

	(void)state;
	nfree = frame_free_count();
	kfree(frame_to_virt(pfn)); /* a frame kmalloc does not own */
	assert_int_equal(corruptions, 1);
	assert_int_equal(corrupt_pfn, pfn);
	kfree(p + 8); /* inside an object */
	assert_int_equal(corruptions, 2);
	kfree(p + 64); /* a slot that was never handed out */
	assert_int_equal(corruptions, 3);
	kfree(big + 16); /* inside a large allocation */
	assert_int_equal(corruptions, 4);
	kfree(&corruptions); /* not in the direct map at all */
	assert_int_equal(corruptions, 5);
	assert_int_equal(frame_free_count(), nfree);

	kfree(p);
	kfree(keep);
	kfree(keep); /* the slab went back with its last object */
	assert_int_equal(corruptions, 6);
	kfree(big);
	kfree(big);
	assert_int_equal(corruptions, 7);
	frame_put(pfn);
	assert_int_equal(frame_free_count(), NR_FRAMES - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sizes_and_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slabs_return_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kzalloc_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_kfree_is_detected, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
