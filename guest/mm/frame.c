// SPDX-License-Identifier: MIT
/*
 * Binary buddy allocator over 4 KiB frames.
 *
 * A free block of 2^order frames is represented only by its first frame
 * (FRAME_FREE set, .order valid), linked into its zone's list for that order.
 * The other frames of the block keep zeroed flags, so the whole table starts
 * out "reserved" when it is zero, and adding or freeing a range only touches
 * the heads of the aligned blocks it decomposes into.
 *
 * The two zones never share a block: 16 MiB is 2^12 frames, so every block of
 * order <= 12 lies entirely on one side of the boundary, and coalescing stops
 * when a buddy lies in the other zone. A DMA block is therefore at most order
 * 12, and an allocation never straddles 16 MiB.
 */
#include <kernel/frame.h>
#include <kernel/kmalloc.h> /* frame_to_virt */
#include <kernel/string.h>

#define NIL UINT32_MAX

enum { ZONE_DMA, ZONE_NORMAL, NR_ZONES };

struct zone {
	u32 head[FRAME_MAX_ORDER + 1];
	u64 nr_free;
};

static struct frame *table;
static u64 nr_frames;
static u64 nr_total;
static struct zone zones[NR_ZONES];
static u8 *written_map;
static u64 written_regions;

#ifdef PL_HOST_TEST
/*
 * Every host test binary links every pure module, so tests that never use the
 * frame allocator still need this symbol. Tests that use it define their own.
 */
__attribute__((weak)) void frame_corruption(const char *what, u64 pfn)
{
	(void)what;
	(void)pfn;
	__builtin_trap();
}
#endif

static unsigned zone_of(u64 pfn)
{
	return pfn < FRAME_DMA_LIMIT_PFN ? ZONE_DMA : ZONE_NORMAL;
}

static void list_push(u64 pfn, unsigned order)
{
	struct zone *z = &zones[zone_of(pfn)];
	struct frame *f = &table[pfn];

	f->flags = FRAME_FREE;
	f->order = order;
	f->refcount = 0;
	f->prev = NIL;
	f->next = z->head[order];
	if (f->next != NIL)
		table[f->next].prev = pfn;
	z->head[order] = pfn;
	z->nr_free += 1ULL << order;
}

static void list_del(u64 pfn)
{
	struct frame *f = &table[pfn];
	struct zone *z = &zones[zone_of(pfn)];

	if (f->prev != NIL)
		table[f->prev].next = f->next;
	else
		z->head[f->order] = f->next;
	if (f->next != NIL)
		table[f->next].prev = f->prev;
	f->flags &= ~FRAME_FREE;
	z->nr_free -= 1ULL << f->order;
}

/* Give a block back, merging it with its buddy as long as the buddy is free and whole. */
static void release_block(u64 pfn, unsigned order)
{
	while (order < FRAME_MAX_ORDER) {
		u64 buddy = pfn ^ (1ULL << order);

		if (buddy >= nr_frames || zone_of(buddy) != zone_of(pfn))
			break;
		if (!(table[buddy].flags & FRAME_FREE) || table[buddy].order != order)
			break;
		list_del(buddy);
		pfn &= ~(1ULL << order);
		order++;
	}
	list_push(pfn, order);
}

/* Largest order of a naturally aligned block that starts at s and ends by e. */
static unsigned block_order_at(u64 s, u64 e)
{
	unsigned order = s ? (unsigned)__builtin_ctzll(s) : FRAME_MAX_ORDER;

	if (order > FRAME_MAX_ORDER)
		order = FRAME_MAX_ORDER;
	while ((1ULL << order) > e - s)
		order--;
	return order;
}

static void release_run_in_zone(u64 s, u64 e)
{
	while (s < e) {
		unsigned order = block_order_at(s, e);

		release_block(s, order);
		s += 1ULL << order;
	}
}

static void release_run(u64 s, u64 e)
{
	if (s < FRAME_DMA_LIMIT_PFN && e > FRAME_DMA_LIMIT_PFN) {
		release_run_in_zone(s, FRAME_DMA_LIMIT_PFN);
		s = FRAME_DMA_LIMIT_PFN;
	}
	release_run_in_zone(s, e);
}

void frame_init(struct frame *t, u64 n)
{
	table = t;
	/* Free-list links are 32-bit PFNs and NIL is reserved: 16 TiB is plenty. */
	nr_frames = n < NIL ? n : NIL;
	nr_total = 0;
	written_map = NULL;
	written_regions = 0;
	for (unsigned z = 0; z < NR_ZONES; z++) {
		for (unsigned o = 0; o <= FRAME_MAX_ORDER; o++)
			zones[z].head[o] = NIL;
		zones[z].nr_free = 0;
	}
}

void frame_track_written(u8 *map, u64 nr_regions)
{
	written_map = map;
	written_regions = nr_regions;
}

/* The host sets bits in the same bytes (a device's DMA while we run): atomic ORs. */
void frame_note_written(u64 pfn, u64 npages)
{
	u64 last;

	if (!written_map || !npages)
		return;
	last = (pfn + npages - 1) / FRAME_REGION_FRAMES;
	for (u64 r = pfn / FRAME_REGION_FRAMES; r <= last && r < written_regions; r++) {
		u8 bit = (u8)(1u << (r % 8));

		/* Most frees land in regions already written: skip the locked write. */
		if (!(__atomic_load_n(&written_map[r / 8], __ATOMIC_RELAXED) & bit))
			__atomic_fetch_or(&written_map[r / 8], bit, __ATOMIC_RELAXED);
	}
}

bool frame_region_zero(u64 pfn)
{
	u64 r = pfn / FRAME_REGION_FRAMES;

	if (!written_map || r >= written_regions)
		return false;
	return !(__atomic_load_n(&written_map[r / 8], __ATOMIC_RELAXED) & (1u << (r % 8)));
}

void frame_add_range(u64 start_pfn, u64 end_pfn)
{
	if (end_pfn > nr_frames)
		end_pfn = nr_frames;
	if (start_pfn >= end_pfn)
		return;
	nr_total += end_pfn - start_pfn;
	release_run(start_pfn, end_pfn);
}

static unsigned order_for(u64 npages)
{
	return npages <= 1 ? 0 : 64 - (unsigned)__builtin_clzll(npages - 1);
}

/* Take a block of exactly 2^order frames from zone z, splitting a larger one. */
static u64 take_block(unsigned z, unsigned order)
{
	unsigned o = order;
	u64 pfn;

	while (o <= FRAME_MAX_ORDER && zones[z].head[o] == NIL)
		o++;
	if (o > FRAME_MAX_ORDER)
		return FRAME_NONE;
	pfn = zones[z].head[o];
	list_del(pfn);
	while (o > order) {
		o--;
		list_push(pfn + (1ULL << o), o);
	}
	return pfn;
}

/*
 * FA_NOX64K needs no work: a block of order <= 4 (64 KiB) is aligned to its
 * size and so cannot cross a 64 KiB boundary, and a larger one starts on one.
 */
u64 frame_alloc_pages(u64 npages, unsigned flags)
{
	unsigned order;
	u64 pfn;

	if (npages == 0 || npages > (1ULL << FRAME_MAX_ORDER))
		return FRAME_NONE;
	order = order_for(npages);
	if (flags & FA_BELOW16M) {
		pfn = take_block(ZONE_DMA, order);
	} else {
		pfn = take_block(ZONE_NORMAL, order);
		if (pfn == FRAME_NONE)
			pfn = take_block(ZONE_DMA, order);
	}
	if (pfn == FRAME_NONE)
		return FRAME_NONE;
	release_run(pfn + npages, pfn + (1ULL << order));
	for (u64 i = pfn; i < pfn + npages; i++) {
		table[i].refcount = 1;
		table[i].flags = 0;
		table[i].kind = 0;
		table[i].private = 0;
	}
	return pfn;
}

static void reset_frame(struct frame *f)
{
	f->refcount = 0;
	f->flags = 0;
	f->kind = 0;
	f->private = 0;
}

void frame_free_pages(u64 pfn, u64 npages)
{
	if (npages == 0)
		return;
	if (pfn >= nr_frames || npages > nr_frames - pfn) {
		frame_corruption("free beyond the frame table", pfn);
		return;
	}
	/* Check the whole run first so that a bad call changes nothing. */
	for (u64 i = pfn; i < pfn + npages; i++) {
		if (table[i].refcount == 0) {
			frame_corruption("free of a frame that is not allocated", i);
			return;
		}
	}
	for (u64 i = pfn; i < pfn + npages; i++)
		reset_frame(&table[i]);
	frame_note_written(pfn, npages);
	release_run(pfn, pfn + npages);
}

void frame_get(u64 pfn)
{
	if (pfn >= nr_frames) {
		frame_corruption("get beyond the frame table", pfn);
		return;
	}
	if (table[pfn].refcount == 0 || table[pfn].refcount == UINT32_MAX) {
		frame_corruption("get of a free frame or refcount overflow", pfn);
		return;
	}
	table[pfn].refcount++;
}

bool frame_put(u64 pfn)
{
	if (pfn >= nr_frames) {
		frame_corruption("put beyond the frame table", pfn);
		return false;
	}
	if (table[pfn].refcount == 0) {
		frame_corruption("put of a frame that is not allocated", pfn);
		return false;
	}
	if (--table[pfn].refcount)
		return false;
	reset_frame(&table[pfn]);
	frame_note_written(pfn, 1);
	release_block(pfn, 0);
	return true;
}

struct frame *frame_desc(u64 pfn)
{
	return pfn < nr_frames ? &table[pfn] : NULL;
}

u64 frame_free_count(void)
{
	return zones[ZONE_DMA].nr_free + zones[ZONE_NORMAL].nr_free;
}

u64 frame_free_count_below16m(void)
{
	return zones[ZONE_DMA].nr_free;
}

u64 frame_total_count(void)
{
	return nr_total;
}

void frame_mark_free(u8 *bits, u64 nr)
{
	for (unsigned z = 0; z < NR_ZONES; z++)
		for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
			for (u32 pfn = zones[z].head[order]; pfn != NIL; pfn = table[pfn].next)
				for (u64 i = pfn; i < pfn + (1ULL << order) && i < nr; i++)
					bits[i / 8] |= 1 << (i % 8);
}

u64 frame_free_in(u64 start_pfn, u64 end_pfn)
{
	u64 n = 0;

	for (unsigned z = 0; z < NR_ZONES; z++)
		for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
			for (u32 pfn = zones[z].head[order]; pfn != NIL; pfn = table[pfn].next) {
				u64 s = MAX((u64)pfn, start_pfn);
				u64 e = MIN((u64)pfn + (1ULL << order), end_pfn);

				n += e > s ? e - s : 0;
			}
	return n;
}

void zero_new_frames(u64 pfn, u64 npages)
{
	u64 end = pfn + npages;

	while (pfn < end) {
		u64 next = MIN(ALIGN_DOWN(pfn, FRAME_REGION_FRAMES) + FRAME_REGION_FRAMES, end);

		if (!frame_region_zero(pfn))
			memset(frame_to_virt(pfn), 0, (next - pfn) * PAGE_SIZE);
		pfn = next;
	}
}

/* Frames of [s, e) in regions that are still zero. */
static u64 zero_frames_in(u64 s, u64 e)
{
	u64 n = 0;

	while (s < e) {
		u64 next = MIN(ALIGN_DOWN(s, FRAME_REGION_FRAMES) + FRAME_REGION_FRAMES, e);

		if (frame_region_zero(s))
			n += next - s;
		s = next;
	}
	return n;
}

u64 frame_free_zero_in(u64 start_pfn, u64 end_pfn)
{
	u64 n = 0;

	if (!written_map)
		return 0;
	for (unsigned z = 0; z < NR_ZONES; z++)
		for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
			for (u32 pfn = zones[z].head[order]; pfn != NIL; pfn = table[pfn].next)
				n += zero_frames_in(MAX((u64)pfn, start_pfn),
						    MIN((u64)pfn + (1ULL << order), end_pfn));
	return n;
}
