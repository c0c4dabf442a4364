/* SPDX-License-Identifier: MIT */
/*
 * A guest process's memory map (abi.h, struct pl_maps) checked and turned
 * into the lines of its /proc/PID/maps. Separate from the sandbox so that
 * tests/unit/test_procmaps.c can feed it any bytes.
 */
#ifndef PAGELAB_PROCMAPS_H
#define PAGELAB_PROCMAPS_H

#include <stddef.h>

#include <pagelab/abi.h>

/*
 * The lines of process proc's entries (its table entry, as copied from the
 * guest) in the pool of size bytes at pool, into buf as snprintf does (at
 * most len - 1 bytes and a NUL when len > 0). Returns the length of the
 * whole text, or -EPROTO for a corrupt pool or entry or -E2BIG for a map
 * the kernel could not fit, with pl_error().
 */
int pl_maps_format(const void *pool, size_t size, const struct pl_proctab_entry *proc, char *buf,
		   size_t len);

#endif
