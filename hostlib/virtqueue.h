/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues, the device's side (VIRTIO 1.2 section 2.7), written
 * once for every virtio device. The rings live in guest memory, which the
 * guest may change at any time: every index, address and length is read
 * once into host memory, checked, and reached only through
 * pl_guestmem_check. A chain the spec forbids (a loop, more descriptors
 * than the queue holds, an index past the table, a readable buffer after a
 * writable one, an indirect descriptor, a buffer outside guest memory) is
 * refused with -EINVAL: the transport marks the device DEVICE_NEEDS_RESET.
 */
#ifndef PL_HOSTLIB_VIRTQUEUE_H
#define PL_HOSTLIB_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestmem.h"

#define PL_VQ_NUM_MAX	256 /* QueueNumMax of pagelab's devices */
#define PL_VQ_CHAIN_MAX PL_VQ_NUM_MAX

struct pl_vq {
	uint16_t num; /* queue size, a power of 2 up to PL_VQ_NUM_MAX */
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t last_avail; /* the next avail ring entry to take */
	uint16_t used_idx;   /* the device's copy of used->idx */
};

struct pl_vq_buf {
	uint64_t gpa;
	uint32_t len;
};

/* One chain: its readable buffers first, then its writable ones. */
struct pl_vq_chain {
	uint16_t head;
	unsigned nread, nwrite;
	struct pl_vq_buf buf[PL_VQ_CHAIN_MAX];
	uint64_t read_len, write_len; /* bytes in each part */
};

/*
 * Before QueueReady: num a power of 2 within max, the three areas aligned
 * as the spec asks and inside guest memory (writable for the used ring).
 * 0 or -EINVAL.
 */
int pl_vq_check(const struct pl_vq *vq, const struct pl_guestmem *m, uint16_t max);
/* Back to the state after reset, addresses and size kept. */
void pl_vq_rewind(struct pl_vq *vq);
/*
 * Takes the next available chain into *c: 1, 0 when none is available,
 * -EINVAL when the ring or the chain breaks the spec (nothing is taken).
 */
int pl_vq_pop(struct pl_vq *vq, const struct pl_guestmem *m, struct pl_vq_chain *c);
/* Returns chain head to the driver with len bytes written: 0 or -EINVAL. */
int pl_vq_push(struct pl_vq *vq, const struct pl_guestmem *m, uint16_t head, uint32_t len);
/* The driver asked for no interrupts on this queue (VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool pl_vq_no_interrupt(const struct pl_vq *vq, const struct pl_guestmem *m);

/*
 * Copies up to len bytes of the chain's readable part from offset off into
 * buf (pl_vq_read), or from buf into its writable part (pl_vq_write).
 * Returns the bytes copied; the buffers were checked by pl_vq_pop.
 */
size_t pl_vq_read(const struct pl_guestmem *m, const struct pl_vq_chain *c, uint64_t off, void *buf,
		  size_t len);
size_t pl_vq_write(const struct pl_guestmem *m, const struct pl_vq_chain *c, uint64_t off,
		   const void *buf, size_t len);

#endif
