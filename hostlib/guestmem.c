// SPDX-License-Identifier: MIT
/*
 * Guest RAM lives in one anonymous mapping: MAP_NORESERVE so a large
 * guest costs nothing until it touches its memory, and MADV_HUGEPAGE
 * because a first touch through a transparent huge page is ~45x cheaper
 * on the shadow-paging hosts we run on than a fault per 4 KiB page.
 *
 * Each slot's host address is congruent to its guest address modulo
 * 2 MiB, so that huge pages can back the guest's huge mappings.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include <pagelab/abi.h>

#include "error.h"
#include "guestmem.h"

#define HUGE_SIZE (2ULL << 20)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool overlaps(const struct pl_slot *s, uint64_t gpa, uint64_t size)
{
	return gpa < s->gpa + s->size && s->gpa < gpa + size;
}

int pl_guestmem_add(struct pl_guestmem *m, uint64_t gpa, uint64_t size, void *hva, unsigned flags,
		    enum pl_region_kind kind)
{
	if (m->nslots == PL_SLOTS_MAX || size == 0 || gpa + size < gpa)
		return -EINVAL;
	for (unsigned i = 0; i < m->nslots; i++)
		if (overlaps(&m->slot[i], gpa, size))
			return -EINVAL;
	m->slot[m->nslots++] =
	    (struct pl_slot){ .gpa = gpa, .size = size, .hva = hva, .flags = flags, .kind = kind };
	return 0;
}

const struct pl_slot *pl_guestmem_slot(const struct pl_guestmem *m, uint64_t gpa)
{
	for (unsigned i = 0; i < m->nslots; i++) {
		const struct pl_slot *s = &m->slot[i];

		if (gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

void pl_guestmem_track_writes(struct pl_guestmem *m, uint8_t *map, uint64_t nr_regions)
{
	m->written_map = map;
	m->written_regions = nr_regions;
}

/*
 * The guest sets bits in the same bytes while it runs, and a host thread
 * may write guest memory meanwhile: atomic ORs, so neither loses a bit.
 * The guest's side is frame_note_written (guest/mm/frame.c): the two are
 * separate programs, and abi.h, which both include, is installed for
 * users, so the few lines are written twice.
 */
static void note_written(const struct pl_guestmem *m, uint64_t gpa, uint64_t len)
{
	uint64_t first = gpa >> PL_WRITTEN_MAP_SHIFT, last;

	if (!m->written_map || !len)
		return;
	last = (gpa + len - 1) >> PL_WRITTEN_MAP_SHIFT;
	for (uint64_t r = first; r <= last && r < m->written_regions; r++) {
		uint8_t bit = (uint8_t)(1u << (r % 8));

		/* Most writes land in regions already marked: skip the locked OR. */
		if (!(__atomic_load_n(&m->written_map[r / 8], __ATOMIC_RELAXED) & bit))
			__atomic_fetch_or(&m->written_map[r / 8], bit, __ATOMIC_RELAXED);
	}
}

void *pl_guestmem_check(const struct pl_guestmem *m, uint64_t gpa, uint64_t len, enum pl_access acc)
{
	const struct pl_slot *s;
	uint64_t off;

	if (len > UINT64_MAX - gpa)
		return NULL; /* the range wraps around the address space */
	s = pl_guestmem_slot(m, gpa);
	if (!s)
		return NULL;
	off = gpa - s->gpa;
	if (len > s->size - off)
		return NULL; /* runs past the end of the slot */
	if (acc == PL_ACC_WRITE) {
		if (s->flags & PL_SLOT_READONLY)
			return NULL;
		note_written(m, gpa, len);
	}
	return s->hva + off;
}

static bool is_backed(enum pl_region_kind kind)
{
	return kind == PL_REGION_RAM || kind == PL_REGION_VGA || kind == PL_REGION_ROM;
}

/*
 * Host offset of each region inside the backing: guest-physical below
 * 4 GiB, and the high RAM right after the last low region (2 MiB aligned).
 */
static uint64_t backing_offset(const struct pl_region *r, uint64_t high_off)
{
	return r->base >= PL_HIGHRAM_BASE ? high_off + (r->base - PL_HIGHRAM_BASE) : r->base;
}

static int map_backing(struct pl_guestmem *m, size_t size)
{
	size_t len = size + HUGE_SIZE;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *aligned;

	if (p == MAP_FAILED) {
		pl_set_error(PL_ERR_HOST, "cannot map %zu bytes of guest memory: %s", size,
			     strerror(errno));
		return -errno;
	}
	aligned = (uint8_t *)align_up((uintptr_t)p, HUGE_SIZE);
	if (aligned > p)
		munmap(p, aligned - p);
	if (aligned + size < p + len)
		munmap(aligned + size, p + len - (aligned + size));
	/* Only a hint: without THP the guest is slower, not wrong. */
	madvise(aligned, size, MADV_HUGEPAGE);
	m->backing = aligned;
	m->backing_size = size;
	return 0;
}

int pl_guestmem_map(struct pl_guestmem *m, const struct pl_memmap *map)
{
	uint64_t low_end = 0, high_off, high_size = 0;
	int err;

	for (unsigned i = 0; i < map->n; i++) {
		const struct pl_region *r = &map->region[i];

		if (!is_backed(r->kind))
			continue;
		if (r->base < PL_HIGHRAM_BASE)
			low_end = r->base + r->size;
		else
			high_size = r->base + r->size - PL_HIGHRAM_BASE;
	}
	high_off = align_up(low_end, HUGE_SIZE);
	err = map_backing(m, high_off + high_size);
	if (err)
		return err;
	for (unsigned i = 0; i < map->n; i++) {
		const struct pl_region *r = &map->region[i];
		uint8_t *hva = (uint8_t *)m->backing + backing_offset(r, high_off);

		if (!is_backed(r->kind))
			continue;
		if (pl_guestmem_add(m, r->base, r->size, hva,
				    r->kind == PL_REGION_ROM ? PL_SLOT_READONLY : 0, r->kind)) {
			pl_set_error(PL_ERR_HOST, "memory region %s overlaps another", r->name);
			pl_guestmem_unmap(m);
			return -EINVAL;
		}
	}
	return 0;
}

void pl_guestmem_unmap(struct pl_guestmem *m)
{
	if (m->backing)
		munmap(m->backing, m->backing_size);
	m->backing = NULL;
	m->nslots = 0;
	m->written_map = NULL;
}
