// SPDX-License-Identifier: MIT
/*
 * Kernel heap: power-of-two size classes in single-frame slabs, larger
 * requests as whole frames.
 *
 * All slab bookkeeping lives in the slab's frame descriptor, so kfree() needs
 * nothing but the pointer:
 *   flags    FRAME_SLAB
 *   kind     size class index (object size = KM_MIN_SIZE << kind)
 *   private  bits 0-15 objects in use, 16-31 offset of the first free object
 *            (KM_NONE: none), 32-47 offset of the first never-used object
 *   next/prev  links in the class's list of slabs that have room
 * A new slab is carved lazily (the "never-used" offset moves up), so making
 * and dropping a slab costs the same whatever the class. A slab whose last
 * object is freed goes straight back to the frame allocator.
 */
#include <kernel/frame.h>
#include <kernel/kmalloc.h>

#define KM_MIN_SHIFT  4
#define KM_MAX_SHIFT  11
#define KM_NR_CLASSES (KM_MAX_SHIFT - KM_MIN_SHIFT + 1)
#define KM_MAX_SMALL  (1UL << KM_MAX_SHIFT)
#define KM_NONE	      0xffffu
#define NIL	      UINT32_MAX

struct slab {
	u16 inuse;
	u16 free;
	u16 fresh;
};

/* Slabs with at least one object available, per class. */
static u32 partial[KM_NR_CLASSES] = { [0 ... KM_NR_CLASSES - 1] = NIL };

#ifdef PL_HOST_TEST
/*
 * Every host test binary links every pure module, so tests that never use the
 * heap still need these symbols. Tests that use it define their own.
 */
__attribute__((weak)) void *frame_to_virt(u64 pfn)
{
	(void)pfn;
	__builtin_trap();
}

__attribute__((weak)) u64 virt_to_frame(const void *va)
{
	(void)va;
	__builtin_trap();
}
#endif

static struct slab slab_load(const struct frame *f)
{
	return (struct slab){ .inuse = (u16)f->private,
			      .free = (u16)(f->private >> 16),
			      .fresh = (u16)(f->private >> 32) };
}

static void slab_store(struct frame *f, struct slab s)
{
	f->private = (u64)s.inuse | (u64)s.free << 16 | (u64)s.fresh << 32;
}

static bool slab_full(struct slab s, size_t size)
{
	return s.free == KM_NONE && s.fresh + size > PAGE_SIZE;
}

static size_t class_size(unsigned cls)
{
	return (size_t)1 << (cls + KM_MIN_SHIFT);
}

static unsigned class_of(size_t size)
{
	unsigned cls = 0;

	while (class_size(cls) < size)
		cls++;
	return cls;
}

static void partial_push(unsigned cls, u64 pfn)
{
	struct frame *f = frame_desc(pfn);

	f->prev = NIL;
	f->next = partial[cls];
	if (f->next != NIL)
		frame_desc(f->next)->prev = (u32)pfn;
	partial[cls] = (u32)pfn;
}

static void partial_del(unsigned cls, u64 pfn)
{
	struct frame *f = frame_desc(pfn);

	if (f->prev != NIL)
		frame_desc(f->prev)->next = f->next;
	else
		partial[cls] = f->next;
	if (f->next != NIL)
		frame_desc(f->next)->prev = f->prev;
}

static u64 slab_new(unsigned cls)
{
	u64 pfn = frame_alloc(0);
	struct frame *f;

	if (pfn == FRAME_NONE)
		return FRAME_NONE;
	f = frame_desc(pfn);
	f->flags = FRAME_SLAB;
	f->kind = (u8)cls;
	slab_store(f, (struct slab){ .inuse = 0, .free = KM_NONE, .fresh = 0 });
	partial_push(cls, pfn);
	return pfn;
}

static void *slab_alloc(size_t size)
{
	unsigned cls = class_of(size);
	u64 pfn = partial[cls];
	struct frame *f;
	struct slab s;
	u16 off;
	char *base;

	if (pfn == NIL)
		pfn = slab_new(cls);
	if (pfn == FRAME_NONE)
		return NULL;
	f = frame_desc(pfn);
	s = slab_load(f);
	base = frame_to_virt(pfn);
	if (s.free != KM_NONE) {
		off = s.free;
		s.free = *(u16 *)(base + off);
	} else {
		off = s.fresh;
		s.fresh = (u16)(s.fresh + class_size(cls));
	}
	s.inuse++;
	slab_store(f, s);
	if (slab_full(s, class_size(cls)))
		partial_del(cls, pfn);
	return base + off;
}

static void *large_alloc(size_t size)
{
	u64 pages, pfn;
	struct frame *f;

	if (size > SIZE_MAX - PAGE_SIZE)
		return NULL;
	pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	pfn = frame_alloc_pages(pages, 0);
	if (pfn == FRAME_NONE)
		return NULL;
	f = frame_desc(pfn);
	f->flags = FRAME_KLARGE;
	f->private = pages;
	return frame_to_virt(pfn);
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size <= KM_MAX_SMALL)
		return slab_alloc(size);
	return large_alloc(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		__builtin_memset(p, 0, size);
	return p;
}

static void slab_free(u64 pfn, struct frame *f, void *ptr)
{
	unsigned cls = f->kind;
	size_t size = class_size(cls);
	u16 off = (u16)((uintptr_t)ptr & (PAGE_SIZE - 1));
	struct slab s = slab_load(f);
	bool was_full = slab_full(s, size);

	/* Catches stray pointers and the double free that empties a slab. */
	if (off & (size - 1) || off >= s.fresh || s.inuse == 0) {
		frame_corruption("kfree of a pointer kmalloc did not return", pfn);
		return;
	}
	*(u16 *)ptr = s.free;
	s.free = off;
	s.inuse--;
	slab_store(f, s);
	if (s.inuse == 0) {
		if (!was_full)
			partial_del(cls, pfn);
		f->flags &= ~FRAME_SLAB;
		frame_put(pfn);
	} else if (was_full) {
		partial_push(cls, pfn);
	}
}

void kfree(void *ptr)
{
	u64 pfn;
	struct frame *f;

	if (!ptr)
		return;
	pfn = virt_to_frame(ptr);
	f = frame_desc(pfn);
	if (f && (f->flags & FRAME_SLAB)) {
		slab_free(pfn, f, ptr);
	} else if (f && (f->flags & FRAME_KLARGE) && ((uintptr_t)ptr & (PAGE_SIZE - 1)) == 0) {
		f->flags &= ~FRAME_KLARGE;
		frame_free_pages(pfn, f->private);
	} else {
		frame_corruption("kfree of a pointer kmalloc did not return", pfn);
	}
}
