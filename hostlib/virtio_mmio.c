// SPDX-License-Identifier: MIT
/*
 * virtio-mmio version 2, the device's side (see virtio_mmio.h). Registers
 * are 32-bit accesses at 4-byte aligned offsets (section 4.2.2.2); any
 * other access to them ends the run as a broken guest, as for the other
 * built-in devices, while the config space takes 1, 2, 4 and 8 bytes.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <pagelab/virtio.h>

#include "msi.h"
#include "sandbox.h"
#include "virtio_mmio.h"

#define VD(dev) ((struct pl_virtio *)(dev))

bool pl_virtio_has(const struct pl_virtio *vd, unsigned bit)
{
	return (vd->status & VIRTIO_STATUS_FEATURES_OK) && (vd->driver_features >> bit) & 1;
}

bool pl_virtio_live(const struct pl_virtio *vd)
{
	return (vd->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vd->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void interrupt(struct pl_virtio *vd, uint32_t why)
{
	vd->isr |= why;
	if (vd->msi_vector && pl_msi_raise(vd->dev.sandbox, vd->msi_vector) == 0)
		vd->interrupts++;
}

void pl_virtio_needs_reset(struct pl_virtio *vd)
{
	if (vd->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	vd->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	vd->dev.errors++;
	if (vd->status & VIRTIO_STATUS_DRIVER_OK)
		interrupt(vd, VIRTIO_MMIO_INT_CONFIG);
}

void pl_virtio_used(struct pl_virtio *vd, unsigned q)
{
	if (!pl_vq_no_interrupt(&vd->vq[q], &vd->dev.sandbox->mem))
		interrupt(vd, VIRTIO_MMIO_INT_VRING);
}

static uint64_t offered(const struct pl_virtio *vd)
{
	return vd->ops->features | (1ULL << VIRTIO_F_VERSION_1);
}

static void device_reset(struct pl_virtio *vd)
{
	vd->status = 0;
	vd->isr = 0;
	vd->device_features_sel = vd->driver_features_sel = vd->queue_sel = 0;
	vd->driver_features = 0;
	memset(vd->vq, 0, sizeof(vd->vq));
	if (vd->ops->reset)
		vd->ops->reset(vd);
}

static struct pl_vq *selected(struct pl_virtio *vd)
{
	return vd->queue_sel < vd->ops->nqueues ? &vd->vq[vd->queue_sel] : NULL;
}

static uint32_t reg_read(struct pl_virtio *vd, uint64_t off)
{
	struct pl_vq *vq = selected(vd);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return vd->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_PAGELAB_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return vd->device_features_sel < 2
			   ? (uint32_t)(offered(vd) >> (32 * vd->device_features_sel))
			   : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? PL_VQ_NUM_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return vd->isr;
	case VIRTIO_MMIO_STATUS:
		return vd->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vd->config_generation;
	default:
		return 0; /* write-only and reserved registers read as 0 */
	}
}

/* FEATURES_OK only for a subset of what is offered that includes VERSION_1 (section 2.2). */
static void write_status(struct pl_virtio *vd, uint32_t v)
{
	if (v == 0) {
		device_reset(vd);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(vd->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vd->driver_features & ~offered(vd)) ||
	     !(vd->driver_features >> VIRTIO_F_VERSION_1 & 1)))
		v &= ~VIRTIO_STATUS_FEATURES_OK;
	/* The driver sets bits; only the device sets NEEDS_RESET, and only a reset clears bits. */
	vd->status |= v & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	if (high)
		*v = (*v & 0xffffffffULL) | (uint64_t)half << 32;
	else
		*v = (*v & ~0xffffffffULL) | half;
}

static void suppress_notify(struct pl_virtio *vd, struct pl_vq *vq)
{
	uint16_t *flags = pl_guestmem_check(&vd->dev.sandbox->mem, vq->used_gpa, 2, PL_ACC_WRITE);

	if (flags)
		*flags = 1; /* VIRTQ_USED_F_NO_NOTIFY */
}

/* Queue registers change only while the queue is not ready (section 4.2.2.3). */
static void queue_write(struct pl_virtio *vd, struct pl_vq *vq, uint64_t off, uint32_t v)
{
	if (!vq || (vq->ready && off != VIRTIO_MMIO_QUEUE_READY))
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = v > PL_VQ_NUM_MAX ? 0 : (uint16_t)v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!v) {
			pl_vq_rewind(vq);
		} else if (!vq->ready) {
			if (pl_vq_check(vq, &vd->dev.sandbox->mem, PL_VQ_NUM_MAX)) {
				pl_virtio_needs_reset(vd);
				break;
			}
			vq->ready = true;
			if (vd->ops->no_notify >> vd->queue_sel & 1)
				suppress_notify(vd, vq);
		}
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&vq->desc_gpa, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&vq->avail_gpa, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(&vq->used_gpa, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v);
		break;
	}
}

static void reg_write(struct pl_virtio *vd, uint64_t off, uint32_t v)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vd->device_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (vd->driver_features_sel < 2 && !(vd->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&vd->driver_features, vd->driver_features_sel == 1, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vd->driver_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vd->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v < vd->ops->nqueues && vd->vq[v].ready && pl_virtio_live(vd))
			vd->ops->notify(vd, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		vd->isr &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(vd, v);
		break;
	default:
		queue_write(vd, selected(vd), off, v);
	}
}

static int bad_access(struct pl_virtio *vd, uint64_t off, unsigned len, bool write)
{
	pl_sandbox_end(vd->dev.sandbox, PL_END_BAD_GUEST, 0,
		       "%u-byte %s of virtio-mmio register 0x%" PRIx64 " of device '%s' "
		       "(registers take aligned 32-bit accesses)",
		       len, write ? "write" : "read", off, vd->dev.name);
	return -1;
}

static bool config_range(const struct pl_virtio *vd, uint64_t off, unsigned len)
{
	return off >= VIRTIO_MMIO_CONFIG && off - VIRTIO_MMIO_CONFIG <= vd->config_len &&
	       len <= vd->config_len - (off - VIRTIO_MMIO_CONFIG);
}

static int virtio_read(struct pl_device *dev, unsigned window, uint64_t off, void *data,
		       unsigned len)
{
	struct pl_virtio *vd = VD(dev);
	uint32_t v;

	(void)window;
	if (off >= VIRTIO_MMIO_CONFIG) {
		/* Past the config space reads as zeros, as an unimplemented register does. */
		memset(data, 0, len);
		if (config_range(vd, off, len))
			memcpy(data, (const uint8_t *)vd->config + (off - VIRTIO_MMIO_CONFIG), len);
		return (int)len;
	}
	if (len != 4 || off % 4)
		return bad_access(vd, off, len, false);
	v = reg_read(vd, off);
	memcpy(data, &v, 4);
	return 4;
}

static int virtio_write(struct pl_device *dev, unsigned window, uint64_t off, const void *data,
			unsigned len)
{
	struct pl_virtio *vd = VD(dev);
	uint32_t v;

	(void)window;
	if (off >= VIRTIO_MMIO_CONFIG)
		return (int)len; /* the config space of pagelab's devices is read-only */
	if (len != 4 || off % 4)
		return bad_access(vd, off, len, true);
	memcpy(&v, data, 4);
	reg_write(vd, off, v);
	return 4;
}

static void virtio_dev_reset(struct pl_device *dev)
{
	device_reset(VD(dev));
}

void pl_virtio_init(struct pl_virtio *vd, const struct pl_virtio_ops *ops, uint64_t base,
		    const void *config, unsigned config_len)
{
	vd->ops = ops;
	vd->config = config;
	vd->config_len = config_len;
	vd->dev.compatible = "virtio,mmio";
	vd->dev.window[0] = (struct pl_window){ PL_SPACE_MMIO, base, 0x1000 };
	vd->dev.nwindows = 1;
	vd->dev.read = virtio_read;
	vd->dev.write = virtio_write;
	vd->dev.reset = virtio_dev_reset;
}
