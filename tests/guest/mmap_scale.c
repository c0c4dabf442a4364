// SPDX-License-Identifier: MIT
/*
 * Many mappings in one process: COUNT one-page anonymous mappings whose
 * protections alternate, so that neighbours can never merge into one VMA,
 * then looked up one by one (mprotect to the same protection, mincore) in a
 * shuffled order and unmapped in another.
 *
 *   mmap_scale [COUNT]      (default 100000)
 *
 * Linux refuses more than vm.max_map_count (65530 by default) mappings per
 * process; natively the program says so and stops unless the limit is
 * raised. Prints ok lines only: how long it takes is the benchmarks' job.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "mm_probe.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static int prot_of(size_t i)
{
	return i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
}

/* One writable mapping in eight gets a page: 100,000 mappings stay cheap in RAM. */
static bool touched(size_t i)
{
	return i % 16 == 0;
}

/* A random permutation of 0..n-1. */
static uint32_t *shuffled(size_t n)
{
	uint32_t *o = (uint32_t *)map_anon(n * sizeof(*o), PROT_READ | PROT_WRITE);

	for (size_t i = 0; i < n; i++)
		o[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd(i + 1);
		uint32_t t = o[i];

		o[i] = o[j];
		o[j] = t;
	}
	return o;
}

/* Lines of /proc/self/maps for VMAs starting in [lo, hi), read in large chunks. */
static long maps_lines(uintptr_t lo, uintptr_t hi)
{
	static char buf[1 << 20];
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t have = 0;
	long lines = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += (size_t)n;
		buf[have] = 0;
		for (; (nl = strchr(line, '\n')); line = nl + 1)
			lines += strtoull(line, NULL, 16) >= lo && strtoull(line, NULL, 16) < hi;
		/* Keep a line the read cut in two for the next round. */
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
	}
	close(fd);
	return n < 0 ? -1 : lines;
}

/* Natively, check vm.max_map_count first: one clear line instead of a failure. */
static void check_map_limit(size_t count)
{
	char text[32] = "";
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY);
	long limit;

	if (fd < 0)
		return;
	if (read(fd, text, sizeof(text) - 1) <= 0)
		text[0] = 0;
	close(fd);
	limit = strtol(text, NULL, 10);
	if (limit > 0 && (size_t)limit < count + 1000) {
		printf("Bail out! vm.max_map_count is %ld, too low for %zu mappings: raise it "
		       "(sysctl -w vm.max_map_count=%zu) or pass a smaller count\n",
		       limit, count, count + 100000);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	size_t count = 100000, made = 0, found = 0, right = 0, kept = 0, gone = 0, absent = 0;
	char **p, *end;
	uint32_t *order;
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	if (argc > 2 || (argc == 2 && (count = strtoul(argv[1], &end, 0), *end || !count))) {
		puts("Bail out! usage: mmap_scale [COUNT], COUNT > 0");
		return 2;
	}
	check_map_limit(count);
	tap_plan(7);
	probe_install();
	p = (char **)map_anon(count * sizeof(*p), PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < count; i++) {
		p[i] = mmap(NULL, PG, prot_of(i), MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p[i] == MAP_FAILED)
			break;
		if (touched(i))
			*(size_t *)p[i] = i;
		lo = (uintptr_t)p[i] < lo ? (uintptr_t)p[i] : lo;
		hi = (uintptr_t)p[i] + PG > hi ? (uintptr_t)p[i] + PG : hi;
		made++;
	}
	if (!ok(made == count, "created %zu one-page mappings with alternating protections", count))
		diag("mmap failed after %zu: %s", made, strerror(errno));
	/* Between the lowest and the highest there may be others, but no fewer. */
	ok(maps_lines(lo, hi) >= (long)made, "/proc/self/maps lists them as separate mappings");

	order = shuffled(made);
	for (size_t k = 0; k < made; k++) {
		size_t i = order[k];
		unsigned char v = 0;

		found += mprotect(p[i], PG, prot_of(i)) == 0;
		right += mincore(p[i], PG, &v) == 0 && (v & 1) == touched(i);
		kept += !touched(i) || *(size_t *)p[i] == i;
	}
	ok(found == made, "mprotect found each of the %zu mappings", made);
	ok(right == made, "mincore: written mappings resident, the others absent");
	ok(kept == made, "every written mapping kept its contents");

	munmap(order, made * sizeof(*order));
	order = shuffled(made);
	for (size_t k = 0; k < made; k++)
		gone += munmap(p[order[k]], PG) == 0;
	for (size_t i = 0; i < made; i++) {
		unsigned char v;

		absent += mincore(p[i], PG, &v) == -1 && errno == ENOMEM;
	}
	ok(gone == made, "munmap removed each mapping, in another random order");
	ok(absent == made, "afterwards mincore finds none of them (ENOMEM)");
	return tap_done();
}
