// SPDX-License-Identifier: MIT
/*
 * Trapped regions: guest-physical ranges where every access exits to the
 * host, is logged, and then behaves as memory unless a callback decides.
 * A region in RAM is taken out of KVM's memory slots (so the CPU cannot
 * reach it, nor cache it) and reserved in the device tree (so the guest
 * kernel does not allocate from it); its bytes stay in the guest's RAM
 * mapping, where pl_gpa_read still finds them. A region in the device
 * window is backed by host memory of its own. Each is a pl_device named
 * trap-N on the MMIO bus. The log is a ring under a mutex: the host may
 * read it from another thread while the guest runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "error.h"

struct trap {
	struct pl_device dev;
	char name[PL_NAME_MAX];
	uint8_t *mem; /* the region's bytes */
	bool own;     /* mem is ours (device window), not guest RAM */
	pl_trap_fn fn;
	void *opaque;
};

struct pl_access_log {
	pthread_mutex_t lock;
	struct pl_trap_access ring[PL_ACCESS_LOG_SIZE];
	size_t head, count;
	uint64_t dropped;
};

static void log_access(struct pl_sandbox *sb, const struct pl_trap_access *a)
{
	struct pl_access_log *log = sb->access_log;

	pthread_mutex_lock(&log->lock);
	if (log->count == PL_ACCESS_LOG_SIZE) {
		log->head = (log->head + 1) % PL_ACCESS_LOG_SIZE;
		log->count--;
		log->dropped++;
	}
	log->ring[(log->head + log->count) % PL_ACCESS_LOG_SIZE] = *a;
	log->count++;
	pthread_mutex_unlock(&log->lock);
}

size_t pl_access_log_read(struct pl_sandbox *sb, struct pl_trap_access *out, size_t max,
			  uint64_t *dropped)
{
	struct pl_access_log *log = sb->access_log;
	size_t n = 0;

	if (dropped)
		*dropped = 0;
	if (!log)
		return 0;
	pthread_mutex_lock(&log->lock);
	for (; n < max && log->count; n++, log->count--) {
		out[n] = log->ring[log->head];
		log->head = (log->head + 1) % PL_ACCESS_LOG_SIZE;
	}
	if (dropped)
		*dropped = log->dropped;
	log->dropped = 0;
	pthread_mutex_unlock(&log->lock);
	return n;
}

/* What the access was, with the RIP KVM synced into kvm_run (KVM_SYNC_X86_REGS). */
static struct pl_trap_access describe(struct pl_device *dev, uint64_t offset, unsigned len,
				      bool write)
{
	struct pl_sandbox *sb = dev->sandbox;
	const struct kvm_run *run = sb->kvm.run;

	return (struct pl_trap_access){
		.time_ns = sb->start_ns ? pl_now_ns() - sb->start_ns : 0,
		.rip = run && (run->kvm_valid_regs & KVM_SYNC_X86_REGS) ? run->s.regs.regs.rip : 0,
		.gpa = dev->window[0].base + offset,
		.size = (uint8_t)len,
		.write = write,
	};
}

static int trap_access(struct pl_device *dev, uint64_t offset, void *data, unsigned len, bool write)
{
	struct trap *t = dev->opaque;
	struct pl_trap_access a = describe(dev, offset, len, write);
	int r = 0;

	if (write)
		memcpy(&a.value, data, len);
	else
		memcpy(&a.value, t->mem + offset, len);
	if (t->fn)
		r = t->fn(t->opaque, &a);
	if (r < 0)
		return r;
	if (write && r == 0)
		memcpy(t->mem + offset, data, len);
	if (!write)
		memcpy(data, &a.value, len);
	log_access(dev->sandbox, &a);
	return (int)len;
}

static int trap_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		     unsigned len)
{
	(void)window;
	return trap_access(dev, offset, data, len, false);
}

static int trap_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
		      unsigned len)
{
	(void)window;
	return trap_access(dev, offset, (void *)data, len, true);
}

static void trap_destroy(struct pl_device *dev)
{
	struct trap *t = dev->opaque;

	if (t->own)
		free(t->mem);
	free(t);
}

static bool in_device_window(uint64_t gpa, uint64_t size)
{
	return gpa >= PL_MMIO_BASE && size <= PL_MMIO_SIZE &&
	       gpa - PL_MMIO_BASE <= PL_MMIO_SIZE - size;
}

static int refuse(const char *why, uint64_t gpa, uint64_t size)
{
	pl_set_error(PL_ERR_CONFIG, "trapped region 0x%" PRIx64 "+0x%" PRIx64 ": %s", gpa, size,
		     why);
	return -EINVAL;
}

/* Where the region's bytes live: guest RAM, or a buffer of our own in the device window. */
static int back(struct pl_sandbox *sb, struct trap *t, uint64_t gpa, uint64_t size)
{
	const struct pl_slot *slot = pl_guestmem_slot(&sb->mem, gpa);

	if (in_device_window(gpa, size)) {
		t->mem = calloc(1, size);
		t->own = true;
		if (!t->mem) {
			pl_set_error(PL_ERR_HOST, "out of memory");
			return -ENOMEM;
		}
		return 0;
	}
	if (!slot || slot->kind != PL_REGION_RAM || gpa % 4096 || size % 4096 ||
	    !pl_guestmem_check(&sb->mem, gpa, size, PL_ACC_WRITE))
		return refuse(
		    "not page-aligned inside one RAM region, nor inside the device window", gpa,
		    size);
	t->mem = pl_guestmem_check(&sb->mem, gpa, size, PL_ACC_WRITE);
	return 0;
}

static int check(struct pl_sandbox *sb, uint64_t size)
{
	if (sb->started || sb->kvm.vcpu < 0) {
		pl_set_error(PL_ERR_CONFIG, "trapped regions are added after pl_sandbox_create and "
					    "before the first step");
		return -EBUSY;
	}
	if (sb->dirty_logging) {
		pl_set_error(PL_ERR_CONFIG, "add trapped regions before starting the dirty log");
		return -EBUSY;
	}
	if (!size || size > (1ULL << 32))
		return refuse("the size must be 1 byte to 4 GiB", 0, size);
	if (!sb->access_log) {
		sb->access_log = calloc(1, sizeof(*sb->access_log));
		if (!sb->access_log) {
			pl_set_error(PL_ERR_HOST, "out of memory");
			return -ENOMEM;
		}
		pthread_mutex_init(&sb->access_log->lock, NULL);
	}
	return 0;
}

/* Keeps the guest kernel's allocator away from a trapped range of RAM. */
static int reserve(struct pl_sandbox *sb, uint64_t gpa, uint64_t size)
{
	void *fdt = pl_guestmem_check(&sb->mem, sb->layout.fdt, sb->fdt_room, PL_ACC_WRITE);
	int err = fdt ? fdt_open_into(fdt, fdt, (int)sb->fdt_room) : -FDT_ERR_BADSTATE;

	if (!err)
		err = fdt_add_mem_rsv(fdt, gpa, size);
	if (fdt)
		fdt_pack(fdt);
	if (err) {
		pl_set_error(PL_ERR_CONFIG,
			     "no room in the device tree to reserve a trapped region");
		return -ENOSPC;
	}
	sb->layout.fdt_size = fdt_totalsize(fdt);
	return 0;
}

int pl_sandbox_add_trap(struct pl_sandbox *sb, uint64_t gpa, uint64_t size, pl_trap_fn fn,
			void *opaque)
{
	struct trap *t;
	int err = check(sb, size);

	if (err)
		return err;
	if (gpa + size < gpa)
		return refuse("it wraps around", gpa, size);
	t = calloc(1, sizeof(*t));
	if (!t) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -ENOMEM;
	}
	snprintf(t->name, sizeof(t->name), "trap-%u", sb->ntraps);
	t->dev = (struct pl_device){
		.name = t->name,
		.compatible = "pagelab,trapped-region",
		.window = { { PL_SPACE_MMIO, gpa, size } },
		.nwindows = 1,
		.read = trap_read,
		.write = trap_write,
		.destroy = trap_destroy,
		.opaque = t,
	};
	t->fn = fn;
	t->opaque = opaque;
	err = back(sb, t, gpa, size);
	if (!err)
		err = pl_device_register(sb, &t->dev, true);
	if (err) {
		if (t->own)
			free(t->mem);
		free(t);
		return err;
	}
	/* From here the device is the sandbox's: a failure leaves it registered but harmless. */
	if (!t->own && (pl_kvm_unmap_range(&sb->kvm, gpa, size) || reserve(sb, gpa, size)))
		return -EINVAL;
	err = pl_sandbox_fdt_add(sb, &t->dev);
	if (err)
		return err;
	sb->kvm.run->kvm_valid_regs |= KVM_SYNC_X86_REGS;
	sb->ntraps++;
	return 0;
}

void pl_access_log_free(struct pl_sandbox *sb)
{
	if (sb->access_log)
		pthread_mutex_destroy(&sb->access_log->lock);
	free(sb->access_log);
	sb->access_log = NULL;
}
