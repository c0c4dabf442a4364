// SPDX-License-Identifier: MIT
/*
 * The virtio-iommu device as the guest drives it, through MMIO exits on a
 * sandbox without KVM: the virtio-mmio registers and status protocol,
 * queue setup, requests on the request queue, fault reports on the event
 * queue (and counted when there is no buffer), the host fault log with
 * its overflow, pl_dma_* and the device-tree node.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libfdt.h>

#include <pagelab/virtio.h>

#include "fake_sandbox.h"
#include "fdtgen.h"
#include "viommu.h"

#define MEM   (16ULL << 20)
#define RING  0x200000ULL /* request queue: desc, avail, used */
#define EVQ   0x210000ULL
#define REQ   0x220000ULL
#define EVBUF 0x230000ULL
#define QN    8

static uint32_t rd(struct fake *f, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(pl_mmio_dispatch(&f->sb, PL_VIRTIO_IOMMU_BASE + off, &v, 4, false), 0);
	return v;
}

static void wr(struct fake *f, uint64_t off, uint32_t v)
{
	assert_int_equal(pl_mmio_dispatch(&f->sb, PL_VIRTIO_IOMMU_BASE + off, &v, 4, true), 0);
}

static void queue(struct fake *f, unsigned q, uint64_t base)
{
	wr(f, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, QN);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)base);
	wr(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(base + 0x1000));
	wr(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(base + 0x2000));
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* A driver's setup, as guest/dev/virtio_iommu.c does it. */
static struct fake *driver_ready(void)
{
	struct fake *f = fake_new(MEM, -1);

	pl_devices_reset(&f->sb);
	assert_int_equal(pl_iommu_endpoint_add(&f->sb, 16), 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_IOMMU_F_MAP_UNMAP);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr(f, VIRTIO_MMIO_STATUS, 0xb);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0xb);
	queue(f, VIRTIO_IOMMU_REQUESTQ, RING);
	queue(f, VIRTIO_IOMMU_EVENTQ, EVQ);
	wr(f, VIRTIO_MMIO_STATUS, 0xf);
	return f;
}

static void desc(struct fake *f, uint64_t ring, uint16_t i, uint64_t addr, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { addr, len, flags, next };

	memcpy(fake_ptr(f, ring + 16ULL * i, 16), &d, 16);
}

static void offer(struct fake *f, uint64_t ring, uint16_t head)
{
	uint16_t *idx = fake_ptr(f, ring + 0x1002, 2);
	uint16_t *slot = fake_ptr(f, ring + 0x1004 + 2 * (*idx % QN), 2);

	*slot = head;
	(*idx)++;
}

/* One request through the queue: its status. */
static uint8_t request(struct fake *f, const void *req, size_t len)
{
	uint8_t *tail = fake_ptr(f, REQ + 0x800, 4);
	uint16_t used_before = *(uint16_t *)fake_ptr(f, RING + 0x2002, 2);

	memcpy(fake_ptr(f, REQ, len), req, len);
	tail[0] = 0xff;
	desc(f, RING, 0, REQ, (uint32_t)len, VIRTQ_DESC_F_NEXT, 1);
	desc(f, RING, 1, REQ + 0x800, 4, VIRTQ_DESC_F_WRITE, 0);
	offer(f, RING, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_IOMMU_REQUESTQ);
	assert_int_equal(*(uint16_t *)fake_ptr(f, RING + 0x2002, 2), (uint16_t)(used_before + 1));
	return tail[0];
}

#define READABLE(r) (sizeof(r) - sizeof(struct virtio_iommu_req_tail))

static uint8_t attach(struct fake *f, uint32_t domain, uint32_t ep)
{
	struct virtio_iommu_req_attach r = { .head.type = VIRTIO_IOMMU_T_ATTACH };

	r.domain = domain;
	r.endpoint = ep;
	return request(f, &r, READABLE(r));
}

static uint8_t map(struct fake *f, uint32_t domain, uint64_t va, uint64_t end, uint64_t pa,
		   uint32_t flags)
{
	struct virtio_iommu_req_map r = { .head.type = VIRTIO_IOMMU_T_MAP };

	r.domain = domain;
	r.virt_start = va;
	r.virt_end = end;
	r.phys_start = pa;
	r.flags = flags;
	return request(f, &r, READABLE(r));
}

static void test_registers(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	pl_devices_reset(&f->sb);
	assert_int_equal(rd(f, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(f, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_IOMMU);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 0x17); /* no BYPASS, no MMIO */
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 */
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* two queues only */
	/* The config space: 4 KiB pages and up, 48-bit IOVAs, domains 1..65535. */
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG), 0xfffff000u);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 16), 0xffffffffu);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 20), 0xffff);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 24), 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 28), 0xffff);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 32), 64);	/* probe_size */
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 0x200), 0); /* past the config space */
	/* Features without VERSION_1, or beyond the offer: FEATURES_OK does not stick. */
	wr(f, VIRTIO_MMIO_STATUS, 3);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_IOMMU_F_MAP_UNMAP);
	wr(f, VIRTIO_MMIO_STATUS, 0xb);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 3);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_IOMMU_F_BYPASS);
	wr(f, VIRTIO_MMIO_STATUS, 0xb);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 3);
	wr(f, VIRTIO_MMIO_STATUS, 0); /* reset */
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
	fake_free(f);
}

static void test_bad_register_access_ends_the_run(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	uint16_t v = 0;

	(void)state;
	assert_int_equal(pl_mmio_dispatch(&f->sb, PL_VIRTIO_IOMMU_BASE + 0x70, &v, 2, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	assert_non_null(strstr(f->sb.what, "virtio-mmio register 0x70"));
	fake_free(f);
}

static void test_bad_queue_needs_reset(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	pl_devices_reset(&f->sb);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, QN);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, 0xd0000000); /* not memory */
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
	fake_free(f);
}

static void test_requests_and_dma(void **state)
{
	struct fake *f = driver_ready();
	struct virtio_iommu_req_unmap u = { .head.type = VIRTIO_IOMMU_T_UNMAP };
	char buf[16];

	(void)state;
	assert_int_equal(attach(f, 3, 16), VIRTIO_IOMMU_S_OK);
	assert_int_equal(attach(f, 3, 17), VIRTIO_IOMMU_S_NOENT);
	assert_int_equal(map(f, 3, 0x10000, 0x10fff, 0x300000, 3), VIRTIO_IOMMU_S_OK);
	assert_int_equal(map(f, 3, 0x10000, 0x10fff, 0x300000, 3), VIRTIO_IOMMU_S_INVAL);
	memcpy(fake_ptr(f, 0x300010, 6), "abcdef", 6);
	assert_int_equal(pl_dma_read(&f->sb, 16, 0x10010, buf, 6), 0);
	assert_memory_equal(buf, "abcdef", 6);
	assert_int_equal(pl_dma_write(&f->sb, 16, 0x10ffe, "xy", 2), 0);
	assert_memory_equal(fake_ptr(f, 0x300ffe, 2), "xy", 2);
	/* Crossing the mapping's end: a fault, and not a byte written. */
	assert_int_equal(pl_dma_write(&f->sb, 16, 0x10ffe, "XYZ", 3), -EFAULT);
	assert_memory_equal(fake_ptr(f, 0x300ffe, 2), "xy", 2);
	/* A reserved byte in UNMAP, a wrong length, an unknown type. */
	u.domain = 3;
	u.virt_start = 0x10000;
	u.virt_end = 0x10fff;
	u.reserved[2] = 1;
	assert_int_equal(request(f, &u, READABLE(u)), VIRTIO_IOMMU_S_INVAL);
	u.reserved[2] = 0;
	assert_int_equal(request(f, &u, READABLE(u) - 1), VIRTIO_IOMMU_S_INVAL);
	u.head.type = 42;
	assert_int_equal(request(f, &u, READABLE(u)), VIRTIO_IOMMU_S_UNSUPP);
	u.head.type = VIRTIO_IOMMU_T_UNMAP;
	assert_int_equal(request(f, &u, READABLE(u)), VIRTIO_IOMMU_S_OK);
	assert_int_equal(pl_iommu_mappings(&f->sb, NULL, 0), 0);
	assert_true(fake_counter(f, "virtio-iommu", "requests") == 8);
	assert_true(fake_counter(f, "virtio-iommu", "maps") == 2);
	fake_free(f);
}

/* A mapping over two memory slots works; one onto the ROM takes no DMA writes. */
static void test_dma_across_slots(void **state)
{
	struct fake *f = driver_ready();
	static char buf[8192];
	const struct pl_iommu_fault *log;
	size_t n;

	(void)state;
	assert_int_equal(attach(f, 4, 16), VIRTIO_IOMMU_S_OK);
	/* Low RAM ends at 0xa0000, where the VGA memory (a slot of its own) starts. */
	assert_int_equal(map(f, 4, 0x10000, 0x11fff, 0x9f000, 3), VIRTIO_IOMMU_S_OK);
	memset(buf, 0x77, sizeof(buf));
	assert_int_equal(pl_dma_write(&f->sb, 16, 0x10000, buf, sizeof(buf)), 0);
	assert_int_equal(*(uint8_t *)fake_ptr(f, 0xa0fff, 1), 0x77);
	assert_int_equal(map(f, 4, 0x20000, 0x20fff, PL_ROM_BASE, 3), VIRTIO_IOMMU_S_OK);
	assert_int_equal(pl_dma_read(&f->sb, 16, 0x20000, buf, 16), 0);
	assert_int_equal(pl_dma_write(&f->sb, 16, 0x20000, buf, 16), -EFAULT);
	log = pl_iommu_faults(&f->sb, &n, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(log[0].reason, VIRTIO_IOMMU_FAULT_R_UNKNOWN);
	fake_free(f);
}

static void test_broken_chain_needs_reset(void **state)
{
	struct fake *f = driver_ready();

	(void)state;
	desc(f, RING, 0, REQ, 20, VIRTQ_DESC_F_NEXT, 0); /* loops on itself */
	offer(f, RING, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_IOMMU_REQUESTQ);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	/* A chain without room for the status is as broken. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	fake_free(f);
	f = driver_ready();
	desc(f, RING, 0, REQ, 20, 0, 0);
	offer(f, RING, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_IOMMU_REQUESTQ);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	fake_free(f);
}

static void test_fault_events(void **state)
{
	struct fake *f = driver_ready();
	struct virtio_iommu_fault ev;
	struct pl_iommu_counters c;
	char b = 0;

	(void)state;
	/* Unattached, no event buffer: logged and counted, not reported. */
	assert_int_equal(pl_dma_read(&f->sb, 16, 0x5000, &b, 1), -EFAULT);
	pl_iommu_counters(&f->sb, &c);
	assert_true(c.faults == 1 && c.events_dropped == 1);
	/* With a buffer the next fault is reported. */
	desc(f, EVQ, 0, EVBUF, sizeof(ev), VIRTQ_DESC_F_WRITE, 0);
	offer(f, EVQ, 0);
	assert_int_equal(pl_dma_write(&f->sb, 16, 0x6000, &b, 1), -EFAULT);
	assert_int_equal(*(uint16_t *)fake_ptr(f, EVQ + 0x2002, 2), 1);
	memcpy(&ev, fake_ptr(f, EVBUF, sizeof(ev)), sizeof(ev));
	assert_true(ev.reason == VIRTIO_IOMMU_FAULT_R_DOMAIN && ev.endpoint == 16 &&
		    ev.address == 0x6000 &&
		    ev.flags == (VIRTIO_IOMMU_FAULT_F_WRITE | VIRTIO_IOMMU_FAULT_F_ADDRESS));
	/* The event queue needs no notification from the driver. */
	assert_int_equal(*(uint16_t *)fake_ptr(f, EVQ + 0x2000, 2), 1);
	pl_iommu_counters(&f->sb, &c);
	assert_true(c.faults == 2 && c.events_dropped == 1);
	fake_free(f);
}

static void test_fault_log_overflow(void **state)
{
	struct fake *f = driver_ready();
	const struct pl_iommu_fault *log;
	uint64_t dropped;
	size_t n;
	char b;

	(void)state;
	for (uint64_t i = 0; i < PL_IOMMU_FAULT_LOG + 10; i++)
		assert_int_equal(pl_dma_read(&f->sb, 16, i << 12, &b, 1), -EFAULT);
	log = pl_iommu_faults(&f->sb, &n, &dropped);
	assert_int_equal(n, PL_IOMMU_FAULT_LOG);
	assert_int_equal(dropped, 10);
	assert_int_equal(log[0].iova, 10ULL << 12); /* the oldest kept */
	assert_int_equal(log[n - 1].iova, (uint64_t)(PL_IOMMU_FAULT_LOG + 9) << 12);
	assert_true(fake_counter(f, "virtio-iommu", "faults-dropped") == 10);
	fake_free(f);
}

static void test_device_tree_node(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	struct pl_device *dev = pl_sandbox_device(&f->sb, "virtio-iommu");
	static char fdt[16384];
	struct pl_fdt_params p = { .map = &f->sb.map, .devices = &dev, .ndevices = 1 };
	int node;

	(void)state;
	assert_non_null(dev);
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	node = fdt_path_offset(fdt, "/virtio_mmio@d0000000");
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(fdt, node, "virtio,mmio"), 0);
	assert_int_equal(fdt_get_phandle(fdt, node), PL_VIRTIO_IOMMU_PHANDLE);
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, node, "#iommu-cells", NULL)), 1);
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, node, PL_FDT_PROP_MSI_VECTOR, NULL)),
			 PL_MSI_VEC_VIRTIO_IOMMU);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_bad_register_access_ends_the_run),
		cmocka_unit_test(test_bad_queue_needs_reset),
		cmocka_unit_test(test_requests_and_dma),
		cmocka_unit_test(test_dma_across_slots),
		cmocka_unit_test(test_broken_chain_needs_reset),
		cmocka_unit_test(test_fault_events),
		cmocka_unit_test(test_fault_log_overflow),
		cmocka_unit_test(test_device_tree_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
