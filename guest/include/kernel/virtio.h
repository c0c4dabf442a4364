/* SPDX-License-Identifier: MIT */
/*
 * virtio drivers' common part: the virtio-mmio transport (dev/virtio_mmio.c)
 * and split virtqueues (dev/virtqueue.c), written once for every virtio
 * device the host offers. Every register access is an exit to the host,
 * so drivers keep them few: queue memory is set up once, requests are
 * batched per notification, and completion is read from the used ring.
 */
#ifndef KERNEL_VIRTIO_H
#define KERNEL_VIRTIO_H

#include <kernel/types.h>
#include <pagelab/virtio.h>

struct virtio_dev {
	volatile u32 *regs; /* the device's 4 KiB window, mapped uncached */
	u64 features;	    /* negotiated */
};

/* Maps the window at pa; 0 when a virtio-mmio v2 device of type device_id is there, else -ENODEV. */
int virtio_mmio_probe(struct virtio_dev *d, u64 pa, u32 device_id);
/*
 * Reset, ACKNOWLEDGE, DRIVER, the features both sides know (VERSION_1 is
 * required), FEATURES_OK. 0, or -ENODEV when the device refuses (the
 * device is left FAILED).
 */
int virtio_negotiate(struct virtio_dev *d, u64 wanted, u64 required);
u32 virtio_config32(struct virtio_dev *d, unsigned off);
u64 virtio_config64(struct virtio_dev *d, unsigned off);
void virtio_driver_ok(struct virtio_dev *d);
void virtio_fail(struct virtio_dev *d);
/* Reads and acknowledges the interrupt status: VIRTIO_MMIO_INT_* bits. */
u32 virtio_interrupt_ack(struct virtio_dev *d);
u32 virtio_status(struct virtio_dev *d);
/* The queue's registers (virtio_mmio.c; vq_setup calls them). */
u16 virtio_queue_max(struct virtio_dev *d, unsigned index);
void virtio_queue_register(struct virtio_dev *d, unsigned index, u16 num, u64 desc, u64 avail,
			   u64 used);
void virtio_queue_notify(struct virtio_dev *d, unsigned index);

struct vq_buf {
	u64 pa;
	u32 len;
	bool device_writes;
};

struct virtqueue {
	struct virtio_dev *dev;
	unsigned index;
	u16 num;
	u16 free_head, nfree;
	u16 last_used;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	u64 pages_pa; /* all three, physically contiguous */
	unsigned npages;
};

/* Allocates the rings and hands them to the device as queue index. 0 or -errno. */
int vq_setup(struct virtqueue *vq, struct virtio_dev *d, unsigned index, u16 num);
/*
 * Adds one chain of n buffers (readable ones first) to the available ring
 * without telling the device yet: 0 with *head, or -ENOSPC.
 */
int vq_add(struct virtqueue *vq, const struct vq_buf *b, unsigned n, u16 *head);
/* Tells the device about what vq_add added (unless it said it needs no notification). */
void vq_kick(struct virtqueue *vq);
/* One used chain: true with its head and length, its descriptors freed. */
bool vq_get_used(struct virtqueue *vq, u16 *head, u32 *len);
/* The device should not interrupt for this queue (requests are polled). */
void vq_no_interrupts(struct virtqueue *vq);

#endif
