// SPDX-License-Identifier: MIT
/*
 * Polls a word that only a host thread changes (tests/integration/
 * test_dual_port.c): checkpoint 1 tells the host where it is, then the
 * program spins until the word is not 0 (at most 10 s) and reports what it
 * saw at checkpoint 2. Exits 0 when it saw a change, 1 otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include <pagelab/guest.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	volatile uint64_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	double deadline = now_s() + 10;

	PAGELAB_ASSERT(word != MAP_FAILED);
	*word = 0;
	pagelab_checkpoint(1, (uint64_t)(uintptr_t)word);
	while (*word == 0 && now_s() < deadline)
		;
	pagelab_checkpoint(2, *word);
	printf("saw 0x%llx\n", (unsigned long long)*word);
	return *word ? 0 : 1;
}
