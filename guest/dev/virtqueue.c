// SPDX-License-Identifier: MIT
/*
 * Split virtqueues, the driver's side (VIRTIO 1.2 section 2.7): one
 * physically contiguous allocation holds the descriptor table, the
 * available ring and the used ring; free descriptors are chained through
 * their next fields.
 */
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/virtio.h>

/* The rings follow their headers. */
static u16 *avail_ring(struct virtqueue *vq)
{
	return (u16 *)(vq->avail + 1);
}

static struct virtq_used_elem *used_ring(struct virtqueue *vq)
{
	return (struct virtq_used_elem *)(vq->used + 1);
}

#define VIRTQ_USED_F_NO_NOTIFY	   1
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

int vq_setup(struct virtqueue *vq, struct virtio_dev *d, unsigned index, u16 num)
{
	u16 max = virtio_queue_max(d, index);
	u64 desc_sz, avail_sz, used_off, bytes, pfn;
	u8 *mem;

	if (max == 0)
		return -ENODEV;
	if (num > max)
		num = max;
	desc_sz = 16ULL * num;
	avail_sz = 4 + 2ULL * num;
	used_off = ALIGN_UP(desc_sz + avail_sz, 4);
	bytes = used_off + 4 + 8ULL * num;
	vq->npages = (unsigned)(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);
	pfn = frame_alloc_pages(vq->npages, 0);
	if (pfn == FRAME_NONE)
		return -ENOMEM;
	vq->pages_pa = pfn << PAGE_SHIFT;
	mem = phys_to_virt(vq->pages_pa);
	memset(mem, 0, (size_t)vq->npages * PAGE_SIZE);
	vq->dev = d;
	vq->index = index;
	vq->num = num;
	vq->desc = (struct virtq_desc *)mem;
	vq->avail = (struct virtq_avail *)(mem + desc_sz);
	vq->used = (struct virtq_used *)(mem + used_off);
	for (u16 i = 0; i < num; i++)
		vq->desc[i].next = (u16)(i + 1);
	vq->free_head = 0;
	vq->nfree = num;
	vq->last_used = 0;
	virtio_queue_register(d, index, num, vq->pages_pa, vq->pages_pa + desc_sz,
			      vq->pages_pa + used_off);
	return 0;
}

int vq_add(struct virtqueue *vq, const struct vq_buf *b, unsigned n, u16 *head)
{
	u16 i;

	if (n == 0 || n > vq->nfree)
		return -ENOSPC;
	*head = i = vq->free_head;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];

		d->addr = b[k].pa;
		d->len = b[k].len;
		d->flags = (u16)((b[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
				 (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		i = d->next;
	}
	vq->free_head = i;
	vq->nfree = (u16)(vq->nfree - n);
	avail_ring(vq)[vq->avail->idx % vq->num] = *head;
	/* The entry is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->avail->idx++;
	return 0;
}

void vq_kick(struct virtqueue *vq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY))
		virtio_queue_notify(vq->dev, vq->index);
}

/* Puts a used chain's descriptors back on the free list. */
static void free_chain(struct virtqueue *vq, u16 head)
{
	u16 i = head, n = 1;

	while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->nfree = (u16)(vq->nfree + n);
}

bool vq_get_used(struct virtqueue *vq, u16 *head, u32 *len)
{
	struct virtq_used_elem e;

	if (*(volatile u16 *)&vq->used->idx == vq->last_used)
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	e = used_ring(vq)[vq->last_used % vq->num];
	vq->last_used++;
	if (e.id >= vq->num)
		return false; /* a device bug: the kernel keeps going without this chain */
	*head = (u16)e.id;
	*len = e.len;
	free_chain(vq, *head);
	return true;
}

void vq_no_interrupts(struct virtqueue *vq)
{
	vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}
