// SPDX-License-Identifier: MIT
/*
 * VFIO's group and device files (docs/man/vfio.7). The DMA engine is the
 * machine's one vfio-platform device, alone in IOMMU group 0:
 *
 *   /dev/vfio/0                             the group (one opener at a time)
 *   /sys/bus/platform/devices/d0001000.dma/iommu_group
 *                                           its group number as text: Linux
 *                                           has a symlink to .../iommu_groups/0
 *                                           there, and this file system none
 *
 * The device file has one region, the engine's register page (mmap it, or
 * pread/pwrite 8-byte registers), and one interrupt, the completion MSI.
 * Closing the last device file resets the engine; releasing the container
 * resets it before any page is unpinned, so no transfer outlives its pages
 * (and the engine runs each doorbell to the end inside the register write,
 * so none is ever in flight while the kernel runs).
 */
#include <asm/fcntl.h>
#include <kernel/backing.h>
#include <kernel/dma_engine.h>
#include <kernel/errno.h>
#include <kernel/eventfd.h>
#include <kernel/fdtable.h>
#include <kernel/file.h>
#include <kernel/iommu.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/ramfs.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <linux/vfio.h>
#include <pagelab/dma_engine.h>

#include "vfio.h"

#define offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))
#define REGION_SHIFT	  40 /* Linux's VFIO_PLATFORM_OFFSET_SHIFT */

struct vfio_group vfio_engine_group;

static int group_open(struct file *f)
{
	struct vfio_group *g = &vfio_engine_group;

	if (g->open)
		return -EBUSY;
	g->open = true;
	f->priv = g;
	return 0;
}

void vfio_group_unset(struct vfio_group *g)
{
	struct vfio_container *c = g->container;

	if (!c)
		return;
	g->container = NULL;
	c->group = NULL;
	vfio_container_teardown(c);
	vfio_container_put(c);
}

static void group_release(struct file *f)
{
	struct vfio_group *g = f->priv;

	g->open = false;
	if (!g->devices)
		vfio_group_unset(g);
}

static long group_status(struct vfio_group *g, u64 arg)
{
	struct vfio_group_status st;
	u32 minsz = offsetofend(struct vfio_group_status, flags);

	if (copy_from_user(&st, arg, minsz))
		return -EFAULT;
	if (st.argsz < minsz)
		return -EINVAL;
	st.flags = VFIO_GROUP_FLAGS_VIABLE | (g->container ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
	return copy_to_user(arg, &st, minsz) ? -EFAULT : 0;
}

static long set_container(struct vfio_group *g, u64 arg)
{
	struct vfio_container *c;
	struct file *cf;
	int fd;

	if (copy_from_user(&fd, arg, sizeof(fd)))
		return -EFAULT;
	if (g->container)
		return -EINVAL;
	cf = fd_get(fd);
	if (!cf)
		return -EBADF;
	if (cf->ops != &vfio_container_ops || ((struct vfio_container *)cf->priv)->group) {
		file_put(cf);
		return -EINVAL;
	}
	c = cf->priv;
	c->refs++;
	c->group = g;
	g->container = c;
	file_put(cf);
	return 0;
}

static const struct file_ops device_ops;

static long get_device_fd(struct vfio_group *g, u64 arg)
{
	struct dma_engine *e = dma_engine_get();
	struct inode *ino;
	struct file *f;
	char name[64];
	long n = strncpy_from_user(name, arg, sizeof(name));
	int fd;

	if (n < 0)
		return n;
	if (n == sizeof(name) || !vfio_container_ready(g->container))
		return -EINVAL;
	if (!e || strcmp(name, e->name))
		return -ENODEV;
	ino = ramfs_new_anon(S_IFCHR | 0600, vfs_now());
	if (!ino)
		return -ENOMEM;
	f = file_alloc(ino, &device_ops, O_RDWR);
	inode_put(ino);
	if (!f)
		return -ENOMEM;
	f->priv = g;
	g->devices++;
	fd = fd_install(f, 0, true);
	if (fd < 0)
		file_put(f); /* its release undoes the count */
	return fd;
}

static long group_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct vfio_group *g = f->priv;

	switch (cmd) {
	case VFIO_GROUP_GET_STATUS:
		return group_status(g, arg);
	case VFIO_GROUP_SET_CONTAINER:
		return set_container(g, arg);
	case VFIO_GROUP_UNSET_CONTAINER:
		if (!g->container)
			return -EINVAL;
		if (g->devices)
			return -EBUSY;
		vfio_group_unset(g);
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		return get_device_fd(g, arg);
	default:
		return -ENOTTY;
	}
}

const struct file_ops vfio_group_ops = {
	.open = group_open,
	.release = group_release,
	.ioctl = group_ioctl,
};

/* ---- the device file ---- */

void vfio_engine_irq(void *owner, u64 irq_status)
{
	(void)owner, (void)irq_status;
	if (vfio_engine_group.trigger)
		eventfd_signal(vfio_engine_group.trigger, 1);
}

static void set_trigger(struct vfio_group *g, struct file *f)
{
	struct file *old = g->trigger;

	g->trigger = f; /* before the put: the interrupt never sees a freed file */
	if (old)
		file_put(old);
}

static void device_release(struct file *f)
{
	struct vfio_group *g = f->priv;
	struct dma_engine *e = dma_engine_get();

	if (e && g->devices == 1) {
		dma_engine_write(e, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESET);
		set_trigger(g, NULL);
	}
	if (!--g->devices && !g->open)
		vfio_group_unset(g);
}

static long device_info(u64 arg)
{
	struct vfio_device_info info;
	u32 minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = 1;
	info.num_irqs = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long region_info(u64 arg)
{
	struct vfio_region_info info;
	u32 minsz = offsetofend(struct vfio_region_info, offset);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= 1)
		return -EINVAL;
	info.flags =
	    VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;
	info.cap_offset = 0;
	info.size = PL_DMA_ENGINE_SIZE;
	info.offset = (u64)info.index << REGION_SHIFT;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long irq_info(u64 arg)
{
	struct vfio_irq_info info;
	u32 minsz = offsetofend(struct vfio_irq_info, count);

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= 1)
		return -EINVAL;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * Linux's vfio_set_irqs_validate_and_prepare, then ACTION_TRIGGER of the one
 * edge interrupt: an eventfd (-1 removes it), or DATA_NONE / DATA_BOOL to
 * signal it now (DATA_NONE with count 0 removes it). No MASK or UNMASK:
 * the interrupt is not maskable (VFIO_DEVICE_GET_IRQ_INFO says so). Setting
 * a trigger points the engine's MSI at the kernel, as Linux programs a
 * device's MSI for it; the driver enables it with CTRL.IRQ_ENABLE.
 */
static bool one_bit(u32 v)
{
	return v && !(v & (v - 1));
}

static long set_irqs(struct vfio_group *g, u64 arg)
{
	struct vfio_irq_set s;
	u32 minsz = offsetofend(struct vfio_irq_set, count), data;
	struct dma_engine *e = dma_engine_get();
	struct file *ev;
	s32 fd;
	u8 b;
	int err;

	if (copy_from_user(&s, arg, minsz))
		return -EFAULT;
	data = s.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	if (s.argsz < minsz || s.index >= 1 ||
	    s.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK) ||
	    !one_bit(data) || !one_bit(s.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) || s.start > 1 ||
	    s.count > 1 - s.start || (!s.count && data != VFIO_IRQ_SET_DATA_NONE))
		return -EINVAL;
	if (!(s.flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (s.argsz < minsz + sizeof(fd))
			return -EINVAL;
		if (copy_from_user(&fd, arg + minsz, sizeof(fd)))
			return -EFAULT;
		if (fd < 0) {
			if (fd != -1)
				return -EINVAL;
			set_trigger(g, NULL);
			return 0;
		}
		ev = eventfd_fget(fd, &err);
		if (!ev)
			return err;
		dma_engine_write(e, PL_DMA_REG_MSI_ADDR, 0xfee00000);
		dma_engine_write(e, PL_DMA_REG_MSI_DATA, e->vector);
		set_trigger(g, ev);
		return 0;
	}
	if (!s.count) {
		set_trigger(g, NULL);
		return 0;
	}
	if (data == VFIO_IRQ_SET_DATA_BOOL) {
		if (s.argsz < minsz + 1)
			return -EINVAL;
		if (copy_from_user(&b, arg + minsz, 1))
			return -EFAULT;
		if (!b)
			return 0;
	}
	if (g->trigger)
		eventfd_signal(g->trigger, 1);
	return 0;
}

static long device_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct dma_engine *e = dma_engine_get();

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return device_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return region_info(arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return irq_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(f->priv, arg);
	case VFIO_DEVICE_RESET:
		dma_engine_write(e, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESET);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* Region 0 only, within its page: the registers themselves, as /dev/mem maps them. */
static struct backing *device_mmap(struct file *f, u64 off, u64 len, int *err)
{
	struct dma_engine *e = dma_engine_get();
	struct backing *b;

	(void)f;
	*err = -EINVAL;
	if (off || len > PL_DMA_ENGINE_SIZE)
		return NULL;
	b = phys_backing_new(e->base);
	*err = b ? 0 : -ENOMEM;
	return b;
}

/* pread/pwrite of the region: whole 8-byte registers. */
static long device_rw(u64 ubuf, size_t len, u64 *pos, bool write)
{
	struct dma_engine *e = dma_engine_get();
	u64 v;

	if (len != 8 || *pos % 8 || *pos >= PL_DMA_ENGINE_SIZE)
		return -EINVAL;
	if (write) {
		if (copy_from_user(&v, ubuf, 8))
			return -EFAULT;
		dma_engine_write(e, *pos, v);
	} else {
		v = dma_engine_read(e, *pos);
		if (copy_to_user(ubuf, &v, 8))
			return -EFAULT;
	}
	return 8;
}

static long device_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	(void)f, (void)io;
	return device_rw(ubuf, len, pos, false);
}

static long device_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	(void)f, (void)io;
	return device_rw(ubuf, len, pos, true);
}

static const struct file_ops device_ops = {
	.release = device_release,
	.ioctl = device_ioctl,
	.mmap = device_mmap,
	.read = device_read,
	.write = device_write,
};
