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
 * The lines of the table in the size bytes at table, which claims to be
 * the map of pid, into buf as snprintf does (at most len - 1 bytes and a
 * NUL when len > 0). Returns the length of the whole text, or -EPROTO for
 * a corrupt table or -E2BIG for one the kernel could not fit, with pl_error().
 */
int pl_maps_format(const void *table, size_t size, int pid, char *buf, size_t len);

#endif
