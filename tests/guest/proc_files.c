// SPDX-License-Identifier: MIT
/*
 * What /proc tells a program about its memory, and the memory rules that
 * only /proc makes visible: the exact /proc/self/maps line format, the
 * /proc/self/pagemap bits, /proc/self/status sizes, ftruncate taking pages
 * away from every process that maps them, and how far MAP_GROWSDOWN grows.
 * The same checks run natively (as root, for the PFN bits) and in the
 * sandbox; the output is facts only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "mm_probe.h"

#define NTESTS 21

#define PM_PRESENT   (1ULL << 63)
#define PM_FILE	     (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN	     ((1ULL << 55) - 1)

static char file[64];

/* The maps line of the VMA containing p, without its newline. */
static bool maps_line(const void *p, char *line, size_t size)
{
	const char *at = slurp("/proc/self/maps");

	while (*at) {
		unsigned long s, e;
		size_t n = strcspn(at, "\n");

		if (sscanf(at, "%lx-%lx", &s, &e) == 2 && s <= (uintptr_t)p && (uintptr_t)p < e) {
			snprintf(line, size, "%.*s", (int)n, at);
			return true;
		}
		at += n + (at[n] == '\n');
	}
	return false;
}

/* The line after "start-end": " perms offset dev inode ..." */
static const char *after_range(const char *line)
{
	return strchr(line, ' ');
}

static uint64_t pagemap(const void *p)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = ~0ULL;

	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)p / PG * 8)) != 8)
		e = ~0ULL;
	if (fd >= 0)
		close(fd);
	return e;
}

static long status_kb(const char *key)
{
	const char *at = strstr(slurp("/proc/self/status"), key);

	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

static int make_file(size_t size)
{
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[PG];

	if (fd < 0)
		bail("open");
	for (size_t off = 0; off < size; off += PG) {
		memset(page, 'a' + (int)(off / PG), PG);
		if (write(fd, page, PG) != (ssize_t)PG)
			bail("write");
	}
	return fd;
}

static void maps(void)
{
	char *a = map_anon(3 * PG, PROT_READ | PROT_WRITE), line[512], *f, want[128];
	int fd = make_file(4 * PG), local = 0;
	uintptr_t brk0 = (uintptr_t)syscall(SYS_brk, 0);
	struct stat st;

	ok(maps_line(a, line, sizeof(line)) &&
	       !strcmp(after_range(line), " rw-p 00000000 00:00 0 "),
	   "maps: anonymous memory is ' rw-p 00000000 00:00 0 ' with a trailing space");
	f = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
	if (f == MAP_FAILED || fstat(fd, &st))
		bail("mmap file");
	snprintf(want, sizeof(want), " r--p 00002000 %02x:%02x %lu ", major(st.st_dev),
		 minor(st.st_dev), (unsigned long)st.st_ino);
	ok(maps_line(f, line, sizeof(line)) && !strncmp(after_range(line), want, strlen(want)) &&
	       strlen(line) > 73 && !strcmp(line + 73, file) && line[72] == ' ',
	   "maps: a file mapping shows offset, device, inode, and the path from column 74");
	munmap(f, 2 * PG);
	f = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(f != MAP_FAILED && maps_line(f, line, sizeof(line)) &&
	       !strncmp(after_range(line), " rw-s ", 6),
	   "maps: MAP_SHARED shows 's'");
	munmap(f, PG);
	close(fd);
	ok(brk0 && (uintptr_t)syscall(SYS_brk, brk0 + 2 * PG) == brk0 + 2 * PG &&
	       maps_line((void *)brk0, line, sizeof(line)) && strstr(line, " [heap]"),
	   "maps: memory from brk is [heap]");
	syscall(SYS_brk, brk0);
	ok(maps_line(&local, line, sizeof(line)) && strstr(line, " [stack]") &&
	       !strncmp(after_range(line), " rw-p ", 6),
	   "maps: the initial stack is [stack], rw-p");
	munmap(a, 3 * PG);
}

static char whole[1 << 16], pieces[1 << 16];

/* The maps text read in 7-byte pieces is the text read at once; so is a pread from the middle. */
static void maps_pieces(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, whole, sizeof(whole)) : -1, got = 0, r = 1;
	bool same;

	lseek(fd, 0, SEEK_SET);
	while (r > 0 && got + 7 <= (ssize_t)sizeof(pieces)) {
		r = read(fd, pieces + got, 7);
		got += r > 0 ? r : 0;
	}
	same = n > 100 && got == n && !memcmp(whole, pieces, (size_t)n);
	same = same && pread(fd, pieces, 50, 40) == 50 && !memcmp(pieces, whole + 40, 50);
	ok(same, "maps: read in 7-byte pieces, after lseek to 0, and by pread from the middle");
	close(fd);
}

static uint64_t child_entry;

static int child_reads(void *arg)
{
	child_entry = pagemap(arg);
	return (child_entry & PM_PRESENT) && !(child_entry & PM_EXCLUSIVE) ? 0 : 1;
}

static void pagemap_bits(void)
{
	char *a = map_anon(2 * PG, PROT_READ | PROT_WRITE), *f;
	int fd = make_file(PG), pm = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e, e2;
	char c;

	a[0] = 1;
	e = pagemap(a);
	ok((e & PM_PRESENT) && (e & PM_EXCLUSIVE) && !(e & PM_FILE) && (e & PM_PFN),
	   "pagemap: a touched private page is present, exclusive, anonymous, with a PFN");
	e = pagemap(a + PG);
	ok(e == 0, "pagemap: an untouched page reads 0");
	munmap(a + PG, PG);
	ok(pagemap(a + PG) == 0, "pagemap: an unmapped page reads 0");
	ok(exited(in_child(child_reads, a), 0),
	   "pagemap: after fork the page is present and no longer exclusive");
	f = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	c = f != MAP_FAILED ? f[0] : 0;
	e = f != MAP_FAILED ? pagemap(f) : 0;
	ok(c == 'a' && (e & PM_PRESENT) && (e & PM_FILE), "pagemap: a file page has the file bit");
	munmap(f, PG);
	close(fd);
	ok(pm >= 0 && FAILS(pread(pm, &e2, 8, 4), EINVAL) && FAILS(pread(pm, &e2, 4, 8), EINVAL),
	   "pagemap: an offset or a length that is not a multiple of 8: EINVAL");
	ok(pm >= 0 && pread(pm, &e2, 8, (off_t)(0x7ffffffff000UL / PG * 8)) == 0,
	   "pagemap: it ends at the top of user space");
	close(pm);
	munmap(a, PG);
}

static void status(void)
{
	char *a = map_anon(100 * PG, PROT_READ | PROT_WRITE), line[64];
	const char *text;
	long before = status_kb("VmRSS:"), after;

	memset(a, 1, 100 * PG);
	after = status_kb("VmRSS:");
	ok(before > 0 && after - before >= 400 && after - before < 400 + 64,
	   "status: touching 100 pages adds 400 kB to VmRSS");
	munmap(a, 100 * PG);
	snprintf(line, sizeof(line), "\nPid:\t%d\nPPid:\t%d\n", getpid(), getppid());
	ok(!strncmp(text = slurp("/proc/self/status"), "Name:\tproc_files\n", 17) &&
	       strstr(text, line),
	   "status: Name, Pid and PPid");
}

static int pipe_to_child[2], pipe_to_parent[2];

/* Maps the file, waits for the parent's ftruncate, then touches past EOF. */
static int child_truncated(void *arg)
{
	char *p = arg, c = 0;

	if (p[2 * PG] != 'c' || write(pipe_to_parent[1], "r", 1) != 1 ||
	    read(pipe_to_child[0], &c, 1) != 1)
		return 3;
	return probe(p + 2 * PG, 0) == SIGBUS && faulted(SIGBUS, BUS_ADRERR, p + 2 * PG) ? 0 : 1;
}

static void truncate_unmaps(void)
{
	int fd = make_file(3 * PG), status;
	char *s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), c;
	pid_t pid;

	if (s == MAP_FAILED || p == MAP_FAILED || pipe(pipe_to_child) || pipe(pipe_to_parent))
		bail("setup");
	p[2 * PG] = 'P'; /* a private copy of the last page */
	if (s[PG] != 'b')
		bail("file contents");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_truncated(s));
	if (pid < 0 || read(pipe_to_parent[0], &c, 1) != 1)
		bail("fork");
	ok(ftruncate(fd, PG) == 0 && probe(p + 2 * PG, 0) == SIGBUS &&
	       faulted(SIGBUS, BUS_ADRERR, p + 2 * PG),
	   "ftruncate: a private copy past the new end is gone too (SIGBUS)");
	ok(probe(s + PG, 0) == SIGBUS && p[0] == 'a' && s[0] == 'a',
	   "ftruncate: the shared mapping loses the pages past the end, keeps the rest");
	if (write(pipe_to_child[1], "t", 1) != 1 || waitpid(pid, &status, 0) != pid)
		bail("waitpid");
	ok(exited(status, 0), "ftruncate: another process's mapping raises SIGBUS there too");
	munmap(s, 3 * PG);
	munmap(p, 3 * PG);
	close(fd);
}

static void growsdown(void)
{
	char *r = map_anon(1000 * PG, PROT_READ | PROT_WRITE), *g, line[256];
	struct rlimit old, small = { 64 * PG, RLIM_INFINITY };

	/* One accessible page 100 pages below the area: inside the 256-page guard gap. */
	munmap(r, 400 * PG);
	munmap(r + 401 * PG, 599 * PG);
	g = mmap(r + 500 * PG, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
	ok(g == r + 500 * PG && probe(g - PG, 1) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_MAPERR, g - PG),
	   "MAP_GROWSDOWN: no growth within the guard gap above an accessible area");
	munmap(r + 400 * PG, PG);
	ok(probe(g - 50 * PG, 1) == 0 && maps_line(g - 50 * PG, line, sizeof(line)) &&
	       maps_line(g, line + 128, 128) && !strcmp(line, line + 128),
	   "MAP_GROWSDOWN: with the area below gone, a fault 50 pages down grows it");
	getrlimit(RLIMIT_STACK, &old);
	setrlimit(RLIMIT_STACK, &small);
	ok(probe(g - 70 * PG, 1) == SIGSEGV && probe(g - 55 * PG, 1) == 0,
	   "MAP_GROWSDOWN: never beyond RLIMIT_STACK in total");
	setrlimit(RLIMIT_STACK, &old);
	munmap(g - 55 * PG, 59 * PG);
}

int main(void)
{
	snprintf(file, sizeof(file), "/tmp/proc_files.%d", getpid());
	tap_plan(NTESTS);
	probe_install();
	maps();
	maps_pieces();
	pagemap_bits();
	status();
	truncate_unmaps();
	growsdown();
	unlink(file);
	return tap_done();
}
