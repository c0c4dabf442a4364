// SPDX-License-Identifier: MIT
/*
 * The transparent huge page policy as Linux exposes it: the kernel option
 * transparent_hugepage=always|madvise|never, and under
 * /sys/kernel/mm/transparent_hugepage/ the files `enabled` and `defrag`
 * (every choice listed, the current one in brackets; writing a choice's
 * name, with or without a newline, selects it; anything else is EINVAL)
 * and `hpage_pmd_size`. The choices apply to the next fault: pages already
 * huge stay huge, as on Linux.
 */
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/hugetlb.h>
#include <kernel/panic.h>
#include <kernel/procfs.h>
#include <kernel/string.h>
#include <kernel/synth.h>
#include <kernel/thp.h>

#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"

static const char *const mode_names[] = { "always", "madvise", "never" };
static const char *const defrag_names[] = { "always", "defer", "defer+madvise", "madvise",
					    "never" };

struct choice {
	const char *const *names;
	unsigned count;
	unsigned *value; /* the enum it selects */
};

static struct choice enabled = { mode_names, 3, (unsigned *)&thp_mode };
static struct choice defrag = { defrag_names, 5, (unsigned *)&thp_defrag };

/* sysfs_streq(): equal, ignoring one trailing newline on the written side. */
static int find(const struct choice *c, const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	for (unsigned i = 0; i < c->count; i++)
		if (strlen(c->names[i]) == len && !memcmp(c->names[i], buf, len))
			return (int)i;
	return -1;
}

static long choice_show(void *arg, char *buf, size_t size)
{
	const struct choice *c = arg;
	struct textbuf t = { buf, size, 0 };

	for (unsigned i = 0; i < c->count; i++)
		tb_printf(&t, i == *c->value ? "%s[%s]" : "%s%s", i ? " " : "", c->names[i]);
	tb_printf(&t, "\n");
	return (long)t.len;
}

static int choice_store(void *arg, const char *buf, size_t len)
{
	struct choice *c = arg;
	int i = find(c, buf, len);

	if (i < 0)
		return -EINVAL;
	*c->value = (unsigned)i;
	return 0;
}

static long pmd_size_show(void *arg, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	(void)arg;
	tb_printf(&t, "%lu\n", (unsigned long)HUGE_PAGE_SIZE);
	return (long)t.len;
}

void thp_init(void)
{
	char opt[32];
	int i;

	if (!boot_option("transparent_hugepage", opt, sizeof(opt)))
		return;
	i = find(&enabled, opt, strlen(opt));
	if (i >= 0) /* the host refuses other values before boot */
		thp_mode = (enum thp_mode)i;
}

static void must(int err, const char *what)
{
	if (err)
		panic("sysfs: cannot create %s (error %d)", what, err);
}

void thp_sysfs_init(void)
{
	must(vfs_synth_file_rw(THP_DIR "enabled", 0644, choice_show, choice_store, &enabled),
	     "enabled");
	must(vfs_synth_file_rw(THP_DIR "defrag", 0644, choice_show, choice_store, &defrag),
	     "defrag");
	must(vfs_synth_file(THP_DIR "hpage_pmd_size", 0444, pmd_size_show, NULL), "hpage_pmd_size");
}
