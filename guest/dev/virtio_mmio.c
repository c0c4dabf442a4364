// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport, version 2 (VIRTIO 1.2 section 4.2), the
 * driver's side. Registers are 32-bit; each access is an exit.
 */
#include <kernel/errno.h>
#include <kernel/paging.h>
#include <kernel/virtio.h>

static u32 rd(struct virtio_dev *d, unsigned off)
{
	return d->regs[off / 4];
}

static void wr(struct virtio_dev *d, unsigned off, u32 v)
{
	d->regs[off / 4] = v;
}

int virtio_mmio_probe(struct virtio_dev *d, u64 pa, u32 device_id)
{
	d->regs = paging_map_device(pa, 0x1000);
	if (!d->regs)
		return -ENODEV;
	if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd(d, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_2 ||
	    rd(d, VIRTIO_MMIO_DEVICE_ID) != device_id)
		return -ENODEV;
	return 0;
}

static u64 device_features(struct virtio_dev *d)
{
	u64 f;

	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (u64)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

int virtio_negotiate(struct virtio_dev *d, u64 wanted, u64 required)
{
	u64 f;

	wr(d, VIRTIO_MMIO_STATUS, 0);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	required |= 1ULL << VIRTIO_F_VERSION_1;
	f = device_features(d) & (wanted | required);
	if ((f & required) != required) {
		virtio_fail(d);
		return -ENODEV;
	}
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
	wr(d, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fail(d);
		return -ENODEV;
	}
	d->features = f;
	return 0;
}

u32 virtio_config32(struct virtio_dev *d, unsigned off)
{
	return rd(d, VIRTIO_MMIO_CONFIG + off);
}

/* Two halves: the generation counter says whether they belong together. */
u64 virtio_config64(struct virtio_dev *d, unsigned off)
{
	u32 gen, lo, hi;

	do {
		gen = rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
		lo = virtio_config32(d, off);
		hi = virtio_config32(d, off + 4);
	} while (gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION));
	return (u64)hi << 32 | lo;
}

void virtio_driver_ok(struct virtio_dev *d)
{
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *d)
{
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
}

u32 virtio_interrupt_ack(struct virtio_dev *d)
{
	u32 isr = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (isr)
		wr(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}

u32 virtio_status(struct virtio_dev *d)
{
	return rd(d, VIRTIO_MMIO_STATUS);
}

/* The queue's registers (section 4.2.3.2); the rings are vq_setup's. */
void virtio_queue_register(struct virtio_dev *d, unsigned index, u16 num, u64 desc, u64 avail,
			   u64 used)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)avail);
	wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(avail >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)used);
	wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(used >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

u16 virtio_queue_max(struct virtio_dev *d, unsigned index)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	return (u16)rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

void virtio_queue_notify(struct virtio_dev *d, unsigned index)
{
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}
