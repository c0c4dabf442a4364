// SPDX-License-Identifier: MIT
/*
 * /proc/PID/maps from outside: the guest kernel's struct pl_maps (abi.h)
 * turned into the lines guest/fs/proc_maps.c prints, byte for byte. The
 * table is guest memory: every count, address, flag and name is checked
 * before it is used, and a table that fails is -EPROTO, never a crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "procmaps.h"

#define NAME_COLUMN 73		 /* as guest/fs/proc_maps.c and Linux's show_map_vma() */
#define USER_END    (1ULL << 47) /* no user mapping reaches the non-canonical hole */
#define PAGE_MASK   4095ULL
#define KNOWN_FLAGS \
	(PL_MAPS_READ | PL_MAPS_WRITE | PL_MAPS_EXEC | PL_MAPS_SHARED | PL_MAPS_NAME_TRUNCATED)

static int corrupt(const char *why, uint32_t i)
{
	pl_set_error(PL_ERR_FAULT, "the guest's memory map is corrupt: %s (entry %" PRIu32 ")", why,
		     i);
	return -EPROTO;
}

static int check_header(const struct pl_maps *t, int pid)
{
	if (t->magic != PL_MAPS_MAGIC || t->version != PL_MAPS_VERSION) {
		pl_set_error(PL_ERR_FAULT,
			     "the guest's memory map is corrupt or of another version");
		return -EPROTO;
	}
	if (t->count > PL_MAPS_MAX)
		return corrupt("more entries than PL_MAPS_MAX", t->count);
	if (t->pid != (uint32_t)pid)
		return corrupt("it is another process's", 0);
	if (t->complete > 1)
		return corrupt("a bad complete field", 0);
	if (!t->complete) {
		pl_set_error(PL_ERR_FAULT,
			     "process %d has more than %d mappings: its table holds "
			     "only the first",
			     pid, PL_MAPS_MAX);
		return -E2BIG;
	}
	return 0;
}

/* Entries in ascending order, apart, page aligned, in the user half, names terminated. */
static int check_entry(const struct pl_maps_entry *e, uint64_t prev_end, uint32_t i)
{
	if (e->start >= e->end || (e->start | e->end) & PAGE_MASK || e->end > USER_END)
		return corrupt("a bad range", i);
	if (e->start < prev_end)
		return corrupt("ranges out of order or overlapping", i);
	if (e->flags & ~(uint32_t)KNOWN_FLAGS)
		return corrupt("unknown flags", i);
	if (!memchr(e->name, '\0', sizeof(e->name)))
		return corrupt("a name without its NUL", i);
	if (e->flags & PL_MAPS_NAME_TRUNCATED) {
		pl_set_error(PL_ERR_FAULT,
			     "a mapping's name is longer than the %d bytes the "
			     "guest publishes",
			     PL_MAPS_NAME_MAX - 1);
		return -E2BIG;
	}
	return 0;
}

/* One line as guest/fs/proc_maps.c next_line() makes it, appended at *at. */
static void format_entry(const struct pl_maps_entry *e, char *buf, size_t len, size_t *at)
{
	/* At most 87 bytes of columns with every field at its widest, the name, a newline. */
	char line[128 + PL_MAPS_NAME_MAX];
	int n = snprintf(
	    line, sizeof(line),
	    "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64 " ", e->start,
	    e->end, e->flags & PL_MAPS_READ ? 'r' : '-', e->flags & PL_MAPS_WRITE ? 'w' : '-',
	    e->flags & PL_MAPS_EXEC ? 'x' : '-', e->flags & PL_MAPS_SHARED ? 's' : 'p', e->offset,
	    e->major, e->minor, e->inode);

	if (e->name[0])
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%*s%s",
			      n < NAME_COLUMN ? NAME_COLUMN - n : 1, "", e->name);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "\n");
	if (*at < len)
		memcpy(buf + *at, line, (size_t)n < len - *at ? (size_t)n : len - *at);
	*at += (size_t)n;
}

int pl_maps_format(const void *table, size_t size, int pid, char *buf, size_t len)
{
	const struct pl_maps *t = table;
	uint64_t prev_end = 0;
	size_t at = 0;
	int err;

	if (size < sizeof(*t))
		return corrupt("shorter than struct pl_maps", 0);
	err = check_header(t, pid);
	for (uint32_t i = 0; !err && i < t->count; i++) {
		err = check_entry(&t->entry[i], prev_end, i);
		prev_end = t->entry[i].end;
	}
	if (err)
		return err;
	for (uint32_t i = 0; i < t->count; i++)
		format_entry(&t->entry[i], buf, len, &at);
	if (len)
		buf[at < len ? at : len - 1] = '\0';
	return (int)at;
}
