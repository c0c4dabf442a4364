/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (VIRTIO 1.2 section 4.2), for every
 * virtio device pagelab models: the registers, feature negotiation, the
 * device status with reset, the queues' setup, notifications and the
 * interrupt status, as one struct pl_device. A device supplies its id,
 * features, queues, config space and a notify callback.
 */
#ifndef PL_HOSTLIB_VIRTIO_MMIO_H
#define PL_HOSTLIB_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <pagelab/hostlib.h>

#include "virtqueue.h"

#define PL_VIRTIO_QUEUES_MAX 4

struct pl_virtio;

struct pl_virtio_ops {
	uint32_t device_id;
	uint64_t features; /* offered; VIRTIO_F_VERSION_1 is always added */
	unsigned nqueues;
	/* queues the device never needs a notification for (bit q): VIRTQ_USED_F_NO_NOTIFY */
	uint32_t no_notify;
	/* the guest wrote QueueNotify for queue q (q < nqueues, the queue ready) */
	void (*notify)(struct pl_virtio *vd, unsigned q);
	/* the driver reset the device (status 0): forget the device's state */
	void (*reset)(struct pl_virtio *vd);
};

struct pl_virtio {
	struct pl_device dev; /* first: callbacks get it back with container_of */
	const struct pl_virtio_ops *ops;
	const void *config; /* the device's config space, read-only for the driver */
	unsigned config_len;
	uint32_t msi_vector; /* 0: no interrupts */

	uint32_t status, isr, config_generation;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	struct pl_vq vq[PL_VIRTIO_QUEUES_MAX];
	uint64_t interrupts; /* MSIs raised */
};

/*
 * Sets up vd's pl_device as a virtio-mmio window at base (compatible
 * "virtio,mmio"); the caller adds its name, properties and counters and
 * registers it.
 */
void pl_virtio_init(struct pl_virtio *vd, const struct pl_virtio_ops *ops, uint64_t base,
		    const void *config, unsigned config_len);
/* Whether the driver accepted feature bit (after FEATURES_OK). */
bool pl_virtio_has(const struct pl_virtio *vd, unsigned bit);
/* The driver is done setting up (DRIVER_OK) and the device does not need a reset. */
bool pl_virtio_live(const struct pl_virtio *vd);
/*
 * The device broke down or the driver broke the protocol: DEVICE_NEEDS_RESET,
 * a configuration-change interrupt, and nothing more until a reset.
 */
void pl_virtio_needs_reset(struct pl_virtio *vd);
/* Used buffers on queue q: an interrupt unless the driver suppressed it. */
void pl_virtio_used(struct pl_virtio *vd, unsigned q);

#endif
