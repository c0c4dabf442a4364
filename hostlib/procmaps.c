// SPDX-License-Identifier: MIT
/*
 * /proc/PID/maps from outside: one process's entries of the guest kernel's
 * struct pl_maps pool (abi.h) turned into the lines guest/fs/proc_maps.c
 * prints, byte for byte. The pool is guest memory: every count, address, flag and name is checked
 * before it is used, and a table that fails is -EPROTO, never a crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
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

/* The pool's header, copied: size may be less than a whole struct pl_maps. */
struct pool_head {
	uint64_t magic;
	uint32_t version;
	uint32_t count;
};
_Static_assert(sizeof(struct pool_head) == offsetof(struct pl_maps, entry), "pool header");

static int check_header(const struct pool_head *t, size_t size, const struct pl_proctab_entry *p)
{
	if (t->magic != PL_MAPS_MAGIC || t->version != PL_MAPS_VERSION) {
		pl_set_error(PL_ERR_FAULT,
			     "the guest's memory map is corrupt or of another version");
		return -EPROTO;
	}
	if (t->count > PL_MAPS_MAX)
		return corrupt("more entries than PL_MAPS_MAX", t->count);
	if (size < sizeof(*t) + t->count * sizeof(struct pl_maps_entry))
		return corrupt("more entries than its size holds", t->count);
	if (p->maps_first > t->count || p->maps_count > t->count - p->maps_first)
		return corrupt("a process's entries outside the pool", p->maps_first);
	if (p->maps_complete > 1)
		return corrupt("a bad complete field", 0);
	if (!p->maps_complete) {
		pl_set_error(PL_ERR_FAULT,
			     "process %" PRIu32 " has more mappings than the %d the guest "
			     "publishes for all processes together",
			     p->pid, PL_MAPS_MAX);
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

int pl_maps_format(const void *pool, size_t size, const struct pl_proctab_entry *proc, char *buf,
		   size_t len)
{
	const struct pl_maps_entry *e;
	struct pool_head t;
	uint64_t prev_end = 0;
	size_t at = 0;
	int err;

	if (size < sizeof(t))
		return corrupt("shorter than struct pl_maps", 0);
	memcpy(&t, pool, sizeof(t));
	err = check_header(&t, size, proc);
	if (err)
		return err;
	e = (const struct pl_maps_entry *)((const char *)pool + sizeof(t)) + proc->maps_first;
	for (uint32_t i = 0; !err && i < proc->maps_count; i++) {
		err = check_entry(&e[i], prev_end, proc->maps_first + i);
		prev_end = e[i].end;
	}
	if (err)
		return err;
	for (uint32_t i = 0; i < proc->maps_count; i++)
		format_entry(&e[i], buf, len, &at);
	if (len)
		buf[at < len ? at : len - 1] = '\0';
	return (int)at;
}
