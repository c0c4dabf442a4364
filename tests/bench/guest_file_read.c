// SPDX-License-Identifier: MIT
/*
 * guest_file_read [MIB]: writes a MIB MiB file (default 64) in /tmp, maps
 * it MAP_PRIVATE read-only and reads it through the mapping from the first
 * byte to the last, one 8-byte load per 64-byte line. Prints
 * "file_read_ms N", the time of the read alone: its page faults (one per
 * fault-around window where the kernel has fault-around) and the loads.
 * The file is in the page cache on both sides, as it was just written.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	char path[] = "/tmp/guest_file_read.XXXXXX", chunk[65536];
	long mib;
	size_t len;
	const volatile uint64_t *p;
	uint64_t sum = 0;
	double t0;
	int fd;

	bench_usage_max(argc, argv, 1, "[MIB]");
	mib = bench_arg(argc, argv, 1, "MIB", 64, 4096);
	len = (size_t)mib << 20;
	fd = mkstemp(path);
	if (fd < 0)
		bench_fail(argv[0], "mkstemp");
	unlink(path);
	memset(chunk, 1, sizeof(chunk));
	for (size_t off = 0; off < len; off += sizeof(chunk))
		if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
			bench_fail(argv[0], "write");
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		bench_fail(argv[0], "mmap");
	t0 = bench_now_ns();
	for (size_t i = 0; i < len / 8; i += 8)
		sum += p[i];
	printf("file_read_ms %.3f\n", (bench_now_ns() - t0) / 1e6);
	if (sum != (len / 64) * 0x0101010101010101ULL)
		bench_fail(argv[0], "the mapping does not hold the file's data");
	return 0;
}
