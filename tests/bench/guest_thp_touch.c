// SPDX-License-Identifier: MIT
/*
 * guest_thp_touch [MIB [huge|small]]: the first store to each 4 KiB page
 * of MIB MiB (default 256) of private anonymous memory, 2 MiB aligned and
 * advised MADV_HUGEPAGE (huge, the default: one fault per 2 MiB where the
 * kernel has huge pages) or MADV_NOHUGEPAGE (small: one fault per page).
 * The advice makes native Linux and the sandbox compare like with like
 * whatever their transparent_hugepage policy. Prints "thp_touch_us N" and
 * "thp_touch_ms N" (the whole touch), "thp_touch_reuse_us N" (the same
 * again in a new mapping, on memory the first one gave back: in the
 * sandbox the host no longer clears it at the guest's first touch) and "thp_anon_huge_kb N" (AnonHugePages of the range after
 * it, from /proc/self/smaps: what the kernel really mapped huge).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define HUGE (2UL << 20)

static char text[1 << 16];

/* AnonHugePages of the VMA starting at p, in kB; -1 if not found. */
static long anon_huge_kb(const char *p)
{
	char want[32];
	int fd = open("/proc/self/smaps", O_RDONLY);
	size_t n = 0;
	ssize_t r = 1;
	const char *at;

	while (fd >= 0 && r > 0 && n < sizeof(text) - 1) {
		r = read(fd, text + n, sizeof(text) - 1 - n);
		n += r > 0 ? (size_t)r : 0;
	}
	if (fd >= 0)
		close(fd);
	text[n] = 0;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)p);
	at = strstr(text, want);
	at = at ? strstr(at, "AnonHugePages:") : NULL;
	return at ? strtol(at + 14, NULL, 10) : -1;
}

/* A fresh 2 MiB-aligned mapping of len bytes with the advice, touched page by page: its time in ns. */
static double touch_once(const char *prog, size_t len, bool huge, long *huge_kb)
{
	char *raw, *p;
	double t0, t1;

	raw = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		bench_fail(prog, "mmap");
	p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + len, raw + len + HUGE - (p + len));
	if (madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		bench_fail(prog, "madvise");
	t0 = bench_now_ns();
	for (size_t off = 0; off < len; off += 4096)
		((volatile char *)p)[off] = 1;
	t1 = bench_now_ns();
	if (p[0] != 1 || p[len - 4096] != 1 || p[1] != 0)
		bench_fail(prog, "stores did not stick");
	*huge_kb = anon_huge_kb(p);
	munmap(p, len);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	long mib, huge_kb, again_kb;
	size_t len;
	bool huge;
	double first, again;

	bench_usage_max(argc, argv, 2, "[MIB [huge|small]]");
	mib = bench_arg(argc, argv, 1, "MIB", 256, 4096);
	huge = argc < 3 || strcmp(argv[2], "small");
	if (argc >= 3 && strcmp(argv[2], "small") && strcmp(argv[2], "huge"))
		bench_fail(argv[0], "the second argument is huge or small");
	len = (size_t)mib << 20;
	first = touch_once(argv[0], len, huge, &huge_kb);
	/* Memory the process (and, in the sandbox, the VM) has used before. */
	again = touch_once(argv[0], len, huge, &again_kb);
	printf("thp_touch_us %.1f\n", first / 1000);
	printf("thp_touch_ms %.3f\n", first / 1e6);
	printf("thp_touch_reuse_us %.1f\n", again / 1000);
	printf("thp_anon_huge_kb %ld\n", huge_kb);
	return 0;
}
