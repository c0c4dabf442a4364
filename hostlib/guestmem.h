/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical memory: the host mapping behind each KVM memory slot,
 * and the one check every guest-controlled address goes through.
 */
#ifndef PL_HOSTLIB_GUESTMEM_H
#define PL_HOSTLIB_GUESTMEM_H

#include <stdbool.h>
#include <stdint.h>

#include <pagelab/hostlib.h>

#define PL_SLOTS_MAX	 8
#define PL_SLOT_READONLY 1u /* the guest cannot write (KVM_MEM_READONLY) */

struct pl_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
	unsigned flags;
	enum pl_region_kind kind;
};

struct pl_guestmem {
	struct pl_slot slot[PL_SLOTS_MAX];
	unsigned nslots;
	void *backing; /* one anonymous mapping behind all slots */
	size_t backing_size;
	uint8_t *written_map; /* in guest RAM (abi.h PL_FDT_PROP_WRITTEN_MAP), or NULL */
	uint64_t written_regions;
};

enum pl_access { PL_ACC_READ, PL_ACC_WRITE };

/* Adds a slot; slots must not overlap. 0 or -EINVAL. */
int pl_guestmem_add(struct pl_guestmem *m, uint64_t gpa, uint64_t size, void *hva, unsigned flags,
		    enum pl_region_kind kind);
/*
 * The host address of [gpa, gpa + len) if the whole range lies in one slot
 * and the access is allowed there, else NULL. A zero-length range still
 * needs gpa inside a slot. Never touches the memory; a write access that
 * is allowed marks the range in the written map, since every host write
 * to guest memory passes here.
 */
void *pl_guestmem_check(const struct pl_guestmem *m, uint64_t gpa, uint64_t len,
			enum pl_access acc);
/*
 * From now on, every write checked marks its 2 MiB regions in the map at
 * host address map, which covers regions [0, nr_regions).
 */
void pl_guestmem_track_writes(struct pl_guestmem *m, uint8_t *map, uint64_t nr_regions);
/* The slot holding gpa, or NULL. */
const struct pl_slot *pl_guestmem_slot(const struct pl_guestmem *m, uint64_t gpa);

/*
 * Maps anonymous memory for every memory-backed region of map (RAM, VGA,
 * ROM) and adds the slots. 0 or -errno with pl_error() set.
 */
int pl_guestmem_map(struct pl_guestmem *m, const struct pl_memmap *map);
void pl_guestmem_unmap(struct pl_guestmem *m);

#endif
