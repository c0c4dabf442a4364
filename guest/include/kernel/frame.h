/* SPDX-License-Identifier: MIT */
/*
 * Physical frame allocator: a binary buddy allocator over 4 KiB frames,
 * with a DMA zone below 16 MiB (MAP_BELOW16M) and one descriptor per frame.
 *
 * The descriptor table must be zero when frame_init() is given it: the host
 * hands the guest zeroed RAM, so boot touches no per-frame state. Ranges are
 * added as runs of maximal aligned blocks, so boot has no per-page loop.
 *
 * Pure module: also compiled for the host (PL_HOST_TEST) and unit-tested.
 */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <kernel/pte.h> /* PAGE_SIZE */
#include <kernel/types.h>
#include <pagelab/abi.h> /* PL_WRITTEN_MAP_SHIFT */

#define FRAME_NONE	    UINT64_MAX
#define FRAME_MAX_ORDER	    18 /* largest block: 1 GiB */
#define FRAME_DMA_LIMIT_PFN (0x1000000UL >> PAGE_SHIFT)

/* frame_alloc*() flags */
#define FA_BELOW16M 0x1 /* only from the zone below 16 MiB */
#define FA_NOX64K   0x2 /* must not cross a 64 KiB boundary (start on one if larger) */

/* struct frame.flags */
#define FRAME_FREE   0x1 /* head of a free buddy block (order is valid) */
#define FRAME_SLAB   0x2 /* owned by kmalloc's small-object caches */
#define FRAME_KLARGE 0x4 /* first frame of a large kmalloc allocation */

struct frame {
	u32 next, prev; /* PFN links: free list while FRAME_FREE, owner's list otherwise */
	u32 refcount;	/* 0 = free or reserved */
	u16 flags;
	u8 order;    /* block order while FRAME_FREE */
	u8 kind;     /* owner-defined */
	u64 private; /* owner-defined (kmalloc: slab state / page count) */
};

void frame_init(struct frame *table, u64 nr_frames);
/*
 * Make frames [start_pfn, end_pfn) available. No per-frame loop. Each frame
 * may be added once; frames beyond the table are ignored.
 */
void frame_add_range(u64 start_pfn, u64 end_pfn);
/*
 * Allocate npages physically contiguous frames, each with refcount 1, the
 * first aligned to the smallest power of two >= npages. Returns the first
 * PFN or FRAME_NONE. Without FA_BELOW16M the DMA zone is used only when the
 * rest is exhausted.
 */
u64 frame_alloc_pages(u64 npages, unsigned flags);
static inline u64 frame_alloc(unsigned flags)
{
	return frame_alloc_pages(1, flags);
}
/* Free npages frames from pfn on regardless of their refcounts. */
void frame_free_pages(u64 pfn, u64 npages);
void frame_get(u64 pfn);
/* Drop a reference; the frame is freed when the last one goes. True if freed. */
bool frame_put(u64 pfn);
struct frame *frame_desc(u64 pfn);
u64 frame_free_count(void);
u64 frame_free_count_below16m(void);
u64 frame_total_count(void); /* frames ever added */
/* Sets the bit of every free frame below nr in bits (one bit per frame); walks the free lists. */
void frame_mark_free(u8 *bits, u64 nr);
/* Free frames in [start_pfn, end_pfn) (/proc/pagelab/physmap); walks the free lists. */
u64 frame_free_in(u64 start_pfn, u64 end_pfn);

/*
 * The written map (pagelab/abi.h, PL_FDT_PROP_WRITTEN_MAP): a bit per
 * 2 MiB region, set once a free frame there may hold anything but the
 * zeroes guest RAM starts with. Freeing a frame sets its region's bit;
 * the host sets bits for its own writes. Until frame_track_written() is
 * called, no frame counts as zero.
 */
#define FRAME_REGION_FRAMES (1ULL << (PL_WRITTEN_MAP_SHIFT - PAGE_SHIFT))
void frame_track_written(u8 *map, u64 nr_regions);
/* Sets the bits of the regions [pfn, pfn + npages) touches. */
void frame_note_written(u64 pfn, u64 npages);
/* True if the free frames of pfn's region still hold the host's zeroes. */
bool frame_region_zero(u64 pfn);
/*
 * Zeroes npages frames from pfn, just allocated, except where their 2 MiB
 * region still holds the zeroes the host gave (frame_region_zero): no one
 * has written there since boot, and clearing would only make the host
 * fault the memory in early. For memory handed to a program, a file or a
 * page table.
 */
void zero_new_frames(u64 pfn, u64 npages);
/* Free frames in [start_pfn, end_pfn) whose region is zero; walks the free lists. */
u64 frame_free_zero_in(u64 start_pfn, u64 end_pfn);

/*
 * Called when a caller frees, gets or puts a frame that is not allocated
 * (double free, put of a free frame, free of a reserved frame, PFN outside the
 * table). The kernel panics; a host test records the call. If it returns, the
 * allocator leaves its state unchanged.
 */
void frame_corruption(const char *what, u64 pfn);

#endif
