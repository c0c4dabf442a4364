// SPDX-License-Identifier: MIT
/*
 * Split virtqueues, the device's side: see virtqueue.h. Reads of the ring
 * go through one helper that checks the address each time, so a driver
 * that moves a ring under us gets a refusal, never a stray host access.
 */
#include <errno.h>
#include <string.h>

#include <pagelab/virtio.h>

#include "virtqueue.h"

/* The ring's memory: 8-byte flags+idx header, then num entries. */
static uint64_t avail_size(uint16_t num)
{
	return 4 + 2ULL * num;
}

static uint64_t used_size(uint16_t num)
{
	return 4 + 8ULL * num;
}

static int load(const struct pl_guestmem *m, uint64_t gpa, void *out, size_t len)
{
	const void *p = pl_guestmem_check(m, gpa, len, PL_ACC_READ);

	if (!p)
		return -EINVAL;
	memcpy(out, p, len);
	return 0;
}

static int store(const struct pl_guestmem *m, uint64_t gpa, const void *in, size_t len)
{
	void *p = pl_guestmem_check(m, gpa, len, PL_ACC_WRITE);

	if (!p)
		return -EINVAL;
	memcpy(p, in, len);
	return 0;
}

int pl_vq_check(const struct pl_vq *vq, const struct pl_guestmem *m, uint16_t max)
{
	uint16_t n = vq->num;

	if (n == 0 || n > max || (n & (n - 1)))
		return -EINVAL;
	if (vq->desc_gpa % VIRTQ_DESC_ALIGN || vq->avail_gpa % VIRTQ_AVAIL_ALIGN ||
	    vq->used_gpa % VIRTQ_USED_ALIGN)
		return -EINVAL;
	if (!pl_guestmem_check(m, vq->desc_gpa, 16ULL * n, PL_ACC_READ) ||
	    !pl_guestmem_check(m, vq->avail_gpa, avail_size(n), PL_ACC_READ) ||
	    !pl_guestmem_check(m, vq->used_gpa, used_size(n), PL_ACC_WRITE))
		return -EINVAL;
	return 0;
}

void pl_vq_rewind(struct pl_vq *vq)
{
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->ready = false;
}

/* One buffer into the chain: its address range must be guest memory with the right access. */
static int add_buf(const struct pl_guestmem *m, struct pl_vq_chain *c, const struct virtq_desc *d)
{
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;

	if (!writable && c->nwrite)
		return -EINVAL; /* readable after writable (section 2.7.4.2) */
	if (d->len == 0)
		return 0; /* nothing to move; the spec does not forbid it */
	if (!pl_guestmem_check(m, d->addr, d->len, writable ? PL_ACC_WRITE : PL_ACC_READ))
		return -EINVAL;
	c->buf[c->nread + c->nwrite] = (struct pl_vq_buf){ d->addr, d->len };
	if (writable) {
		c->nwrite++;
		c->write_len += d->len;
	} else {
		c->nread++;
		c->read_len += d->len;
	}
	return 0;
}

/* Follows the chain from head; at most num descriptors, so a loop ends as an error. */
static int walk_chain(const struct pl_vq *vq, const struct pl_guestmem *m, uint16_t head,
		      struct pl_vq_chain *c)
{
	uint16_t i = head;

	c->head = head;
	c->nread = c->nwrite = 0;
	c->read_len = c->write_len = 0;
	for (unsigned steps = 0;; steps++) {
		struct virtq_desc d;

		if (i >= vq->num || steps >= vq->num)
			return -EINVAL;
		if (load(m, vq->desc_gpa + 16ULL * i, &d, sizeof(d)))
			return -EINVAL;
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return -EINVAL; /* VIRTIO_F_INDIRECT_DESC is not offered */
		if (d.flags & ~(VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE))
			return -EINVAL;
		if (add_buf(m, c, &d))
			return -EINVAL;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int pl_vq_pop(struct pl_vq *vq, const struct pl_guestmem *m, struct pl_vq_chain *c)
{
	uint16_t avail_idx, head;

	if (!vq->ready)
		return 0;
	if (load(m, vq->avail_gpa + 2, &avail_idx, sizeof(avail_idx)))
		return -EINVAL;
	if (avail_idx == vq->last_avail)
		return 0;
	/* More entries than the ring holds: the driver's index is garbage. */
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
		return -EINVAL;
	if (load(m, vq->avail_gpa + 4 + 2ULL * (vq->last_avail % vq->num), &head, sizeof(head)))
		return -EINVAL;
	if (walk_chain(vq, m, head, c))
		return -EINVAL;
	vq->last_avail++;
	return 1;
}

int pl_vq_push(struct pl_vq *vq, const struct pl_guestmem *m, uint16_t head, uint32_t len)
{
	struct virtq_used_elem e = { head, len };
	uint16_t next = (uint16_t)(vq->used_idx + 1);

	if (store(m, vq->used_gpa + 4 + 8ULL * (vq->used_idx % vq->num), &e, sizeof(e)))
		return -EINVAL;
	/* The entry is in place before the index says so (x86 keeps store order). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (store(m, vq->used_gpa + 2, &next, sizeof(next)))
		return -EINVAL;
	vq->used_idx = next;
	return 0;
}

bool pl_vq_no_interrupt(const struct pl_vq *vq, const struct pl_guestmem *m)
{
	uint16_t flags = 0;

	return load(m, vq->avail_gpa, &flags, sizeof(flags)) == 0 && (flags & 1);
}

static size_t copy_part(const struct pl_guestmem *m, const struct pl_vq_buf *b, unsigned n,
			uint64_t off, void *host, size_t len, bool to_guest)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		uint64_t take;
		void *p;

		if (off >= b[i].len) {
			off -= b[i].len;
			continue;
		}
		take = b[i].len - off;
		if (take > len - done)
			take = len - done;
		p = pl_guestmem_check(m, b[i].gpa + off, take,
				      to_guest ? PL_ACC_WRITE : PL_ACC_READ);
		if (!p)
			break;
		if (to_guest)
			memcpy(p, (const char *)host + done, take);
		else
			memcpy((char *)host + done, p, take);
		done += take;
		off = 0;
	}
	return done;
}

size_t pl_vq_read(const struct pl_guestmem *m, const struct pl_vq_chain *c, uint64_t off, void *buf,
		  size_t len)
{
	return copy_part(m, c->buf, c->nread, off, buf, len, false);
}

size_t pl_vq_write(const struct pl_guestmem *m, const struct pl_vq_chain *c, uint64_t off,
		   const void *buf, size_t len)
{
	return copy_part(m, c->buf + c->nread, c->nwrite, off, (void *)buf, len, true);
}
