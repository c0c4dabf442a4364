// SPDX-License-Identifier: MIT
/*
 * Split virtqueues, the device's side (hostlib/virtqueue.c), against a
 * driver that breaks every rule: rings outside memory or misaligned,
 * chains that loop, run past the table or the queue size, readable after
 * writable buffers, indirect descriptors, buffers outside guest memory,
 * and an available index that jumps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/virtio.h>

#include "virtqueue.h"

#define BASE  0x100000ULL
#define SIZE  0x40000ULL
#define DESC  (BASE + 0x1000)
#define AVAIL (BASE + 0x2000)
#define USED  (BASE + 0x3000)
#define DATA  (BASE + 0x10000)
#define NUM   8

struct ring {
	struct pl_guestmem m;
	uint8_t *mem;
	struct pl_vq vq;
	struct pl_vq_chain c;
};

static int setup(void **state)
{
	struct ring *r = test_calloc(1, sizeof(*r));

	r->mem = test_calloc(1, SIZE);
	assert_int_equal(pl_guestmem_add(&r->m, BASE, SIZE, r->mem, 0, PL_REGION_RAM), 0);
	r->vq =
	    (struct pl_vq){ .num = NUM, .desc_gpa = DESC, .avail_gpa = AVAIL, .used_gpa = USED };
	assert_int_equal(pl_vq_check(&r->vq, &r->m, PL_VQ_NUM_MAX), 0);
	r->vq.ready = true;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct ring *r = *state;

	test_free(r->mem);
	test_free(r);
	return 0;
}

static void *at(struct ring *r, uint64_t gpa)
{
	return r->mem + (gpa - BASE);
}

static void desc(struct ring *r, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	struct virtq_desc d = { addr, len, flags, next };

	memcpy(at(r, DESC + 16ULL * i), &d, sizeof(d));
}

/* Publishes head as the next available chain. */
static void offer(struct ring *r, uint16_t head)
{
	uint16_t idx;

	memcpy(&idx, at(r, AVAIL + 2), 2);
	memcpy(at(r, AVAIL + 4 + 2 * (idx % NUM)), &head, 2);
	idx++;
	memcpy(at(r, AVAIL + 2), &idx, 2);
}

static void test_check_rings(void **state)
{
	struct ring *r = *state;
	struct pl_vq vq = r->vq;

	vq.num = 6; /* not a power of 2 */
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
	vq.num = 0;
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
	vq.num = 512; /* above QueueNumMax */
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
	vq = r->vq;
	vq.desc_gpa = DESC + 8; /* descriptors are 16-byte aligned */
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
	vq = r->vq;
	vq.used_gpa = USED + 2;
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
	vq = r->vq;
	vq.used_gpa = BASE + SIZE - 8; /* runs off the end of memory */
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
	vq = r->vq;
	vq.avail_gpa = 0xd0000000; /* not memory */
	assert_int_equal(pl_vq_check(&vq, &r->m, PL_VQ_NUM_MAX), -EINVAL);
}

static void test_chain_and_used(void **state)
{
	struct ring *r = *state;
	char in[16] = { 0 };
	struct virtq_used_elem e;
	uint16_t used_idx;

	memcpy(at(r, DATA), "hello, ", 7);
	memcpy(at(r, DATA + 0x100), "device", 7);
	desc(r, 3, DATA, 7, VIRTQ_DESC_F_NEXT, 5);
	desc(r, 5, DATA + 0x100, 7, VIRTQ_DESC_F_NEXT, 1);
	desc(r, 1, DATA + 0x200, 0, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2); /* empty: skipped */
	desc(r, 2, DATA + 0x300, 4, VIRTQ_DESC_F_WRITE, 0);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 0); /* nothing offered yet */
	offer(r, 3);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 1);
	assert_int_equal(r->c.head, 3);
	assert_true(r->c.nread == 2 && r->c.nwrite == 1);
	assert_true(r->c.read_len == 14 && r->c.write_len == 4);
	/* Reads cross buffer boundaries; offsets count within the readable part. */
	assert_int_equal(pl_vq_read(&r->m, &r->c, 0, in, sizeof(in)), 14);
	assert_string_equal(in, "hello, device");
	assert_int_equal(pl_vq_read(&r->m, &r->c, 5, in, 4), 4);
	assert_memory_equal(in, ", de", 4);
	assert_int_equal(pl_vq_write(&r->m, &r->c, 0, "ok!!extra", 9), 4);
	assert_memory_equal(at(r, DATA + 0x300), "ok!!", 4);
	assert_int_equal(pl_vq_push(&r->vq, &r->m, r->c.head, 4), 0);
	memcpy(&used_idx, at(r, USED + 2), 2);
	memcpy(&e, at(r, USED + 4), sizeof(e));
	assert_true(used_idx == 1 && e.id == 3 && e.len == 4);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 0);
	/* A second chain of the same descriptors starts from zero counts. */
	offer(r, 3);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 1);
	assert_true(r->c.read_len == 14 && r->c.write_len == 4);
}

static void refused(struct ring *r, uint16_t head)
{
	offer(r, head);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), -EINVAL);
	/* Nothing was taken: the same entry is still the next one. */
	assert_int_equal(r->vq.last_avail, 0);
}

static void test_loop(void **state)
{
	struct ring *r = *state;

	desc(r, 0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	desc(r, 1, DATA, 4, VIRTQ_DESC_F_NEXT, 0);
	refused(r, 0);
}

static void test_self_loop(void **state)
{
	struct ring *r = *state;

	desc(r, 4, DATA, 4, VIRTQ_DESC_F_NEXT, 4);
	refused(r, 4);
}

static void test_past_the_table(void **state)
{
	struct ring *r = *state;

	desc(r, 0, DATA, 4, VIRTQ_DESC_F_NEXT, NUM);
	refused(r, 0);
}

static void test_head_past_the_table(void **state)
{
	refused(*state, NUM + 3);
}

static void test_readable_after_writable(void **state)
{
	struct ring *r = *state;

	desc(r, 0, DATA, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(r, 1, DATA, 4, 0, 0);
	refused(r, 0);
}

static void test_indirect_and_unknown_flags(void **state)
{
	struct ring *r = *state;

	desc(r, 0, DATA, 16, VIRTQ_DESC_F_INDIRECT, 0);
	refused(r, 0);
	desc(r, 0, DATA, 16, 0x8, 0);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), -EINVAL);
}

static void test_buffers_outside_memory(void **state)
{
	struct ring *r = *state;

	desc(r, 0, BASE + SIZE - 2, 4, 0, 0); /* runs off the end */
	refused(r, 0);
	desc(r, 0, UINT64_MAX - 1, 4, 0, 0); /* wraps */
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), -EINVAL);
	desc(r, 0, 0xd0000000, 4, 0, 0);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), -EINVAL);
}

static void test_read_only_memory_is_not_writable(void **state)
{
	struct pl_guestmem m = { 0 };
	uint8_t *mem = test_calloc(1, 0x10000);
	struct pl_vq vq = { .num = 4, .desc_gpa = 0x1000, .avail_gpa = 0x2000, .used_gpa = 0x3000 };

	(void)state;
	assert_int_equal(pl_guestmem_add(&m, 0, 0x8000, mem, 0, PL_REGION_RAM), 0);
	assert_int_equal(
	    pl_guestmem_add(&m, 0x8000, 0x8000, mem + 0x8000, PL_SLOT_READONLY, PL_REGION_ROM), 0);
	/* A used ring in read-only memory is refused. */
	vq.used_gpa = 0x9000;
	assert_int_equal(pl_vq_check(&vq, &m, PL_VQ_NUM_MAX), -EINVAL);
	test_free(mem);
}

static void test_avail_index_jump(void **state)
{
	struct ring *r = *state;
	uint16_t idx = NUM + 1; /* more entries than the ring holds */

	desc(r, 0, DATA, 4, 0, 0);
	memcpy(at(r, AVAIL + 2), &idx, 2);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), -EINVAL);
	/* A full ring is fine. */
	idx = NUM;
	memcpy(at(r, AVAIL + 2), &idx, 2);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 1);
}

static void test_longest_chain(void **state)
{
	struct ring *r = *state;

	for (uint16_t i = 0; i < NUM; i++)
		desc(r, i, DATA + i, 1, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	offer(r, 0);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 1);
	assert_int_equal(r->c.nread, NUM);
}

static void test_not_ready_and_interrupts(void **state)
{
	struct ring *r = *state;
	uint16_t flags = 1;

	r->vq.ready = false;
	offer(r, 0);
	assert_int_equal(pl_vq_pop(&r->vq, &r->m, &r->c), 0);
	assert_false(pl_vq_no_interrupt(&r->vq, &r->m));
	memcpy(at(r, AVAIL), &flags, 2);
	assert_true(pl_vq_no_interrupt(&r->vq, &r->m));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_check_rings),
		T(test_chain_and_used),
		T(test_loop),
		T(test_self_loop),
		T(test_past_the_table),
		T(test_head_past_the_table),
		T(test_readable_after_writable),
		T(test_indirect_and_unknown_flags),
		T(test_buffers_outside_memory),
		cmocka_unit_test(test_read_only_memory_is_not_writable),
		T(test_avail_index_jump),
		T(test_longest_chain),
		T(test_not_ready_and_interrupts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
