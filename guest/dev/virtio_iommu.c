// SPDX-License-Identifier: MIT
/*
 * The virtio-iommu driver (VIRTIO 1.2 section 5.13), behind kernel/iommu.h.
 * The device tree names the device at boot; the device itself is set up
 * on first use, so a run that never uses the IOMMU pays no exit for it.
 * Requests are synchronous: the host answers during the exit of the
 * notification, so the used ring is read right after it, and the request
 * queue asks for no interrupts. Batches put many MAP/UNMAP requests behind
 * one notification. Fault reports arrive on the event queue with an MSI.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/iommu.h>
#include <kernel/irq.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/virtio.h>
#include <libfdt.h>

#include "virtio_iommu.h"

#define REQ_NUM	    64 /* request queue size: two descriptors a request */
#define EVT_NUM	    32
#define SLOT_SIZE   256 /* a request and its answer */
#define SLOTS_PAGES (REQ_NUM * SLOT_SIZE / PAGE_SIZE)
#define DOMAINS_MAX 1024 /* ids handed out by iommu_domain_alloc */
#define TAIL	    sizeof(struct virtio_iommu_req_tail)

struct slot {
	u8 req[PL_IOMMU_REQ_BYTES];
	u8 out[SLOT_SIZE - PL_IOMMU_REQ_BYTES];
};

static struct {
	bool found, ready, broken;
	u64 base;
	u32 vector;
	struct virtio_dev dev;
	struct virtqueue reqq, evq;
	u64 page_size_mask, iova_start, iova_end;
	u32 dom_start, dom_end;
	u8 dom_used[DOMAINS_MAX / 8];
	struct slot *slots; /* by the head descriptor of the chain */
	u16 out_len[REQ_NUM];
	struct virtio_iommu_fault *events; /* EVT_NUM buffers */
	bool batching;
	int batch_err;
	unsigned pending;
	u64 requests, notifications, interrupts;
	void (*fault_fn)(u32 endpoint, u64 iova, u32 reason, u32 flags);
	struct pl_iommu_guest_fault log[VIOMMU_FAULT_LOG];
	u64 nfaults;
} vi;

void iommu_init(const void *fdt)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0) {
		const fdt64_t *reg = fdt_getprop(fdt, node, "reg", NULL);
		const fdt32_t *vec = fdt_getprop(fdt, node, PL_FDT_PROP_MSI_VECTOR, NULL);

		if (!fdt_getprop(fdt, node, "#iommu-cells", NULL) || !reg)
			continue;
		vi.base = fdt64_ld(reg);
		vi.vector = vec ? fdt32_ld(vec) : 0;
		vi.found = true;
		return;
	}
}

bool iommu_present(void)
{
	return vi.found;
}

static int status_errno(u8 status)
{
	switch (status) {
	case VIRTIO_IOMMU_S_OK:
		return 0;
	case VIRTIO_IOMMU_S_UNSUPP:
		return -ENOSYS;
	case VIRTIO_IOMMU_S_INVAL:
		return -EINVAL;
	case VIRTIO_IOMMU_S_RANGE:
		return -ERANGE;
	case VIRTIO_IOMMU_S_NOENT:
		return -ENOENT;
	case VIRTIO_IOMMU_S_FAULT:
		return -EFAULT;
	case VIRTIO_IOMMU_S_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

/* A fault report: into the driver's log, then to whoever listens. */
static void event(const struct virtio_iommu_fault *f)
{
	vi.log[vi.nfaults % VIOMMU_FAULT_LOG] = (struct pl_iommu_guest_fault){
		.endpoint = f->endpoint,
		.reason = f->reason,
		.flags = f->flags,
		.iova = f->address,
	};
	vi.nfaults++;
	if (vi.fault_fn)
		vi.fault_fn(f->endpoint, f->address, f->reason, f->flags);
}

static void post_event_buffer(u16 i)
{
	struct vq_buf b = { virt_to_phys(&vi.events[i]), sizeof(vi.events[i]), true };
	u16 head;

	vq_add(&vi.evq, &b, 1, &head);
}

/* Takes every report the device left; the buffers go back without an exit. */
static void drain_events(void)
{
	u16 head;
	u32 len;
	bool any = false;

	if (!vi.ready)
		return;
	while (vq_get_used(&vi.evq, &head, &len)) {
		if (len >= sizeof(struct virtio_iommu_fault))
			event(&vi.events[head]);
		post_event_buffer(head);
		any = true;
	}
	if (any)
		vq_kick(&vi.evq);
}

static void interrupt(void)
{
	vi.interrupts++;
	drain_events();
}

static int setup_events(void)
{
	u64 pfn = frame_alloc(0);

	if (pfn == FRAME_NONE)
		return -ENOMEM;
	vi.events = phys_to_virt(pfn << PAGE_SHIFT);
	memset(vi.events, 0, PAGE_SIZE);
	if (vq_setup(&vi.evq, &vi.dev, VIRTIO_IOMMU_EVENTQ, EVT_NUM))
		return -ENODEV;
	/* With one descriptor a chain, chain i starts at descriptor i: buffer i. */
	for (u16 i = 0; i < vi.evq.num; i++)
		post_event_buffer(i);
	return 0;
}

static void read_config(void)
{
	struct virtio_dev *d = &vi.dev;

	vi.page_size_mask =
	    virtio_config64(d, offsetof(struct virtio_iommu_config, page_size_mask));
	vi.iova_start = 0;
	vi.iova_end = ~0ULL;
	if (d->features & (1ULL << VIRTIO_IOMMU_F_INPUT_RANGE)) {
		vi.iova_start =
		    virtio_config64(d, offsetof(struct virtio_iommu_config, input_range));
		vi.iova_end =
		    virtio_config64(d, offsetof(struct virtio_iommu_config, input_range) + 8);
	}
	vi.dom_start = 0;
	vi.dom_end = ~0u;
	if (d->features & (1ULL << VIRTIO_IOMMU_F_DOMAIN_RANGE)) {
		vi.dom_start =
		    virtio_config32(d, offsetof(struct virtio_iommu_config, domain_range));
		vi.dom_end =
		    virtio_config32(d, offsetof(struct virtio_iommu_config, domain_range) + 4);
	}
}

static int setup(void)
{
	u64 wanted = 1ULL << VIRTIO_IOMMU_F_INPUT_RANGE | 1ULL << VIRTIO_IOMMU_F_DOMAIN_RANGE |
		     1ULL << VIRTIO_IOMMU_F_PROBE;
	u64 pfn;

	if (virtio_mmio_probe(&vi.dev, vi.base, VIRTIO_ID_IOMMU) ||
	    virtio_negotiate(&vi.dev, wanted, 1ULL << VIRTIO_IOMMU_F_MAP_UNMAP))
		return -ENODEV;
	read_config();
	pfn = frame_alloc_pages(SLOTS_PAGES, 0);
	if (pfn == FRAME_NONE)
		return -ENOMEM;
	vi.slots = phys_to_virt(pfn << PAGE_SHIFT);
	if (vq_setup(&vi.reqq, &vi.dev, VIRTIO_IOMMU_REQUESTQ, REQ_NUM))
		return -ENODEV;
	vq_no_interrupts(&vi.reqq);
	if (setup_events())
		return -ENOMEM;
	if (vi.vector)
		irq_set_handler(vi.vector, interrupt);
	virtio_driver_ok(&vi.dev);
	return 0;
}

static int ready(void)
{
	if (!vi.found)
		return -ENODEV;
	if (vi.broken)
		return -EIO;
	if (!vi.ready) {
		if (setup()) {
			vi.broken = true;
			if (vi.dev.regs)
				virtio_fail(&vi.dev);
			printk("virtio-iommu: the device at %#lx could not be set up\n",
			       (unsigned long)vi.base);
			return -EIO;
		}
		vi.ready = true;
	}
	return 0;
}

/* Waits for every pending request; the first error of them, 0 if none. */
static int complete(void)
{
	int err = 0;
	unsigned spins = 0;

	while (vi.pending) {
		u16 head;
		u32 len;

		if (!vq_get_used(&vi.reqq, &head, &len)) {
			/* The host answers during the notification: nothing there is a broken device. */
			if (++spins < 1000)
				continue;
			if (virtio_status(&vi.dev) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
				printk("virtio-iommu: the device needs a reset; IOMMU off\n");
				vi.broken = true;
				vi.pending = 0;
				return -EIO;
			}
			spins = 0;
			continue;
		}
		vi.pending--;
		if (len < TAIL || vi.out_len[head] < TAIL) {
			err = err ? err : -EIO;
			continue;
		}
		int e = status_errno(vi.slots[head].out[vi.out_len[head] - TAIL]);
		if (e && !err)
			err = e;
	}
	drain_events();
	return err;
}

static void kick(void)
{
	vq_kick(&vi.reqq);
	vi.notifications++;
}

/*
 * Queues one request (req_len readable bytes, out_len writable ones)
 * and, outside a batch, sends it and waits: its status as -errno. probe
 * receives the writable part when not NULL.
 */
static int request(const void *req, size_t req_len, size_t out_len, void *answer)
{
	u16 head = vi.reqq.free_head;
	struct slot *s;
	int err;

	err = ready();
	if (err)
		return err;
	if (vi.reqq.nfree < 2) {
		kick();
		err = complete();
		if (err && !vi.batch_err)
			vi.batch_err = err;
		if (vi.broken)
			return -EIO;
		head = vi.reqq.free_head;
	}
	s = &vi.slots[head];
	memcpy(s->req, req, req_len);
	memset(s->out, 0xff, out_len);
	struct vq_buf b[2] = {
		{ virt_to_phys(s->req), (u32)req_len, false },
		{ virt_to_phys(s->out), (u32)out_len, true },
	};
	vq_add(&vi.reqq, b, 2, &head);
	vi.out_len[head] = (u16)out_len;
	vi.pending++;
	vi.requests++;
	if (vi.batching)
		return 0;
	kick();
	err = complete();
	if (!err && answer)
		memcpy(answer, s->out, out_len - TAIL);
	return err;
}

#define READABLE(r) (sizeof(r) - TAIL)

int iommu_attach(u32 domain, u32 endpoint)
{
	struct virtio_iommu_req_attach r = { .head.type = VIRTIO_IOMMU_T_ATTACH };

	r.domain = domain;
	r.endpoint = endpoint;
	return request(&r, READABLE(r), TAIL, NULL);
}

int iommu_detach(u32 domain, u32 endpoint)
{
	struct virtio_iommu_req_detach r = { .head.type = VIRTIO_IOMMU_T_DETACH };

	r.domain = domain;
	r.endpoint = endpoint;
	return request(&r, READABLE(r), TAIL, NULL);
}

int iommu_map(u32 domain, u64 iova, u64 pa, u64 len, unsigned flags)
{
	struct virtio_iommu_req_map r = { .head.type = VIRTIO_IOMMU_T_MAP };

	if (len == 0 || iova + (len - 1) < iova)
		return -EINVAL;
	r.domain = domain;
	r.virt_start = iova;
	r.virt_end = iova + len - 1;
	r.phys_start = pa;
	r.flags = flags & (IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO);
	return request(&r, READABLE(r), TAIL, NULL);
}

int iommu_unmap(u32 domain, u64 iova, u64 len)
{
	struct virtio_iommu_req_unmap r = { .head.type = VIRTIO_IOMMU_T_UNMAP };
	int err;

	if (len == 0 || iova + (len - 1) < iova)
		return -EINVAL;
	r.domain = domain;
	r.virt_start = iova;
	r.virt_end = iova + len - 1;
	err = request(&r, READABLE(r), TAIL, NULL);
	/* The spec's S_RANGE for an unmap is a mapping it would split. */
	return err == -ERANGE ? -EINVAL : err;
}

int iommu_probe_msi(u32 endpoint, u64 *start, u64 *end)
{
	struct virtio_iommu_req_probe r = { .head.type = VIRTIO_IOMMU_T_PROBE };
	u8 props[PL_IOMMU_PROBE_BYTES];
	size_t off = 0;
	int err;

	r.endpoint = endpoint;
	*start = *end = 0;
	err = ready();
	if (err)
		return err;
	if (virtio_config32(&vi.dev, offsetof(struct virtio_iommu_config, probe_size)) !=
	    sizeof(props))
		return -EIO;
	err = request(&r, sizeof(r), sizeof(props) + TAIL, props);
	while (!err && off + sizeof(struct virtio_iommu_probe_property) <= sizeof(props)) {
		struct virtio_iommu_probe_property h;
		struct virtio_iommu_probe_resv_mem m;

		memcpy(&h, props + off, sizeof(h));
		if ((h.type & VIRTIO_IOMMU_PROBE_T_MASK) == VIRTIO_IOMMU_PROBE_T_NONE)
			break;
		if ((h.type & VIRTIO_IOMMU_PROBE_T_MASK) == VIRTIO_IOMMU_PROBE_T_RESV_MEM &&
		    off + sizeof(m) <= sizeof(props)) {
			memcpy(&m, props + off, sizeof(m));
			if (m.subtype == VIRTIO_IOMMU_RESV_MEM_T_MSI) {
				*start = m.start;
				*end = m.end;
			}
		}
		off += sizeof(h) + h.length;
	}
	return err;
}

void iommu_batch_begin(void)
{
	vi.batching = true;
	vi.batch_err = 0;
}

int iommu_batch_end(void)
{
	int err;

	vi.batching = false;
	if (!vi.pending)
		return vi.batch_err;
	kick();
	err = complete();
	return vi.batch_err ? vi.batch_err : err;
}

u32 iommu_domain_alloc(void)
{
	if (ready())
		return 0;
	for (u32 i = 0; i < DOMAINS_MAX && vi.dom_start + i <= vi.dom_end; i++) {
		if (vi.dom_start + i == 0)
			continue; /* 0 is "no domain" to callers */
		if (!(vi.dom_used[i / 8] & (1u << (i % 8)))) {
			vi.dom_used[i / 8] |= (u8)(1u << (i % 8));
			return vi.dom_start + i;
		}
	}
	return 0;
}

void iommu_domain_free(u32 domain)
{
	u32 i = domain - vi.dom_start;

	if (domain >= vi.dom_start && i < DOMAINS_MAX)
		vi.dom_used[i / 8] &= (u8) ~(1u << (i % 8));
}

void iommu_set_fault_handler(void (*fn)(u32 endpoint, u64 iova, u32 reason, u32 flags))
{
	vi.fault_fn = fn;
}

int iommu_get_ranges(u64 *iova_start, u64 *iova_end, u64 *page_size_mask)
{
	int err = ready();

	if (err)
		return err;
	*iova_start = vi.iova_start;
	*iova_end = vi.iova_end;
	*page_size_mask = vi.page_size_mask;
	return 0;
}

int viommu_info(struct pl_iommu_info *info)
{
	int err = ready();

	if (err)
		return err;
	info->iova_start = vi.iova_start;
	info->iova_end = vi.iova_end;
	info->page_size_mask = vi.page_size_mask;
	info->domain_start = vi.dom_start;
	info->domain_end = vi.dom_end;
	info->requests = vi.requests;
	info->notifications = vi.notifications;
	info->interrupts = vi.interrupts;
	return 0;
}

u64 viommu_faults(struct pl_iommu_guest_fault *out, u64 max)
{
	u64 n = vi.nfaults < VIOMMU_FAULT_LOG ? vi.nfaults : VIOMMU_FAULT_LOG;

	drain_events();
	n = vi.nfaults < VIOMMU_FAULT_LOG ? vi.nfaults : VIOMMU_FAULT_LOG;
	for (u64 i = 0; i < n && i < max; i++)
		out[i] = vi.log[(vi.nfaults - n + i) % VIOMMU_FAULT_LOG];
	return vi.nfaults;
}
