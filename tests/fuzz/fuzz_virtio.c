// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport, the device-side virtqueues and the
 * virtio-iommu (hostlib/virtio_mmio.c, virtqueue.c, viommu.c, dma.c) as a
 * hostile guest drives them, without KVM: register accesses of any width
 * and offset, descriptor tables and rings written anywhere in guest memory
 * (loops, chains past the table, buffers past memory), notifications,
 * DMA from the host as any endpoint, faults with and without event
 * buffers. Every access the device makes goes through the guest-memory
 * check, so a slip is an ASan report; the device either answers or says
 * DEVICE_NEEDS_RESET, and a broken protocol ends the run with a report.
 */
#include <errno.h>
#include <string.h>

#include <pagelab/virtio.h>

#include "devices.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "sandbox.h"
#include "viommu.h"

#define MEMORY (4ULL << 20)
#define RAM    0x100000ULL /* descriptor tables and buffers go here */

static struct pl_sandbox sb;
static struct pl_config cfg;
static struct pl_memmap map;
static struct pl_guestmem mem;
static uint8_t dma_buf[1 << 16];

enum { OP_POKE, OP_WRITE, OP_READ, OP_NOTIFY, OP_DMA, OP_ENDPOINT, OP_DRIVER, OP_CHAIN, NR_OPS };

static void setup(void)
{
	if (mem.nslots)
		return;
	cfg.no_stdin = true;
	CHECK(pl_memmap(MEMORY, &map) == 0);
	CHECK(pl_guestmem_map(&mem, &map) == 0);
}

static void reset(void)
{
	for (unsigned i = 0; i < mem.nslots; i++)
		if (!(mem.slot[i].flags & PL_SLOT_READONLY))
			memset(mem.slot[i].hva, 0, mem.slot[i].size);
	free(sb.events);
	pl_devices_release(&sb);
	CHECK(pl_sandbox_init(&sb, &cfg) == 0);
	sb.map = map;
	sb.mem = mem;
	pl_devices_reset(&sb);
}

static void reg_write(uint64_t off, uint32_t v)
{
	pl_mmio_dispatch(&sb, PL_VIRTIO_IOMMU_BASE + off, &v, 4, true);
}

static void poke(struct fuzz_in *in)
{
	uint64_t gpa = RAM + in_u16(in) * 8ULL;
	size_t len;
	const uint8_t *b = in_bytes(in, &len);
	void *dst = pl_guestmem_check(&sb.mem, gpa, len, PL_ACC_WRITE);

	if (dst)
		memcpy(dst, b, len);
}

static void reg_access(struct fuzz_in *in, bool write)
{
	uint16_t off = in_u16(in) % 0x1000;
	uint8_t how = in_u8(in);
	uint64_t v = in_u32(in);
	unsigned len = how & 0x80 ? 1u << (how & 3) : 4;

	if (!(how & 0x40))
		off &= ~3; /* mostly what the spec allows */
	pl_mmio_dispatch(&sb, PL_VIRTIO_IOMMU_BASE + off, &v, len, write);
}

/* The whole driver setup in one operation, so inputs reach the queues. */
static void driver(struct fuzz_in *in)
{
	uint64_t base = RAM + (in_u8(in) % 64) * 0x4000ULL;

	reg_write(VIRTIO_MMIO_STATUS, 3);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, in_u32(in));
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	reg_write(VIRTIO_MMIO_STATUS, 0xb);
	for (unsigned q = 0; q < 2; q++) {
		uint64_t qb = base + q * 0x2000;

		reg_write(VIRTIO_MMIO_QUEUE_SEL, q);
		reg_write(VIRTIO_MMIO_QUEUE_NUM, 1u << (in_u8(in) % 10));
		reg_write(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)qb);
		reg_write(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(qb + 0x1000));
		reg_write(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(qb + 0x1800));
		reg_write(VIRTIO_MMIO_QUEUE_READY, 1);
	}
	reg_write(VIRTIO_MMIO_STATUS, 0xf);
}

/* A descriptor chain on queue q's table as the input describes it, offered and notified. */
static void chain(struct fuzz_in *in)
{
	struct pl_viommu *v = sb.iommu;
	unsigned q = in_u8(in) & 1;
	struct pl_vq *vq = &v->vd.vq[q];
	unsigned n = 1 + in_u8(in) % 6;
	uint16_t head = in_u16(in), idx;
	void *p;

	for (unsigned i = 0; i < n && vq->num; i++) {
		struct virtq_desc d = {
			.addr = RAM + in_u16(in) * 4ULL,
			.len = in_u8(in),
			.flags = in_u8(in),
			.next = in_u16(in),
		};
		uint16_t at = (uint16_t)((head + i) % vq->num);

		p = pl_guestmem_check(&sb.mem, vq->desc_gpa + 16ULL * at, 16, PL_ACC_WRITE);
		if (p)
			memcpy(p, &d, 16);
	}
	p = pl_guestmem_check(&sb.mem, vq->avail_gpa, 4 + 2ULL * PL_VQ_NUM_MAX, PL_ACC_WRITE);
	if (p && vq->num) {
		memcpy(&idx, (uint8_t *)p + 2, 2);
		memcpy((uint8_t *)p + 4 + 2 * (idx % vq->num), &head, 2);
		idx = (uint16_t)(idx + 1 + (in_u8(in) == 0xff ? in_u16(in) : 0));
		memcpy((uint8_t *)p + 2, &idx, 2);
	}
	reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static void dma(struct fuzz_in *in)
{
	uint32_t ep = in_u8(in);
	uint64_t iova = in_u8(in) & 1 ? in_u64(in) : in_u32(in);
	size_t len = in_u16(in);
	int err;

	if (in_u8(in) & 1)
		err = pl_dma_write(&sb, ep, iova, dma_buf, len);
	else
		err = pl_dma_read(&sb, ep, iova, dma_buf, len);
	CHECK(err == 0 || err == -EFAULT || err == -EINVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pl_iommu_counters c;

	setup();
	reset();
	while (in.left && !sb.ended) {
		unsigned op = in_u8(&in) % NR_OPS;

		switch (op) {
		case OP_POKE:
			poke(&in);
			break;
		case OP_WRITE:
		case OP_READ:
			reg_access(&in, op == OP_WRITE);
			break;
		case OP_NOTIFY:
			reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, in_u8(&in) % 3);
			break;
		case OP_DMA:
			dma(&in);
			break;
		case OP_ENDPOINT:
			pl_iommu_endpoint_add(&sb, in_u8(&in));
			break;
		case OP_DRIVER:
			driver(&in);
			break;
		default:
			chain(&in);
			break;
		}
	}
	pl_iommu_counters(&sb, &c);
	CHECK(c.events_dropped <= c.faults && c.faults_dropped <= c.faults);
	return 0;
}
