/* SPDX-License-Identifier: MIT */
/*
 * The guest SDK for stops the host sees, as Linux KVM selftests'
 * GUEST_SYNC and GUEST_ASSERT are for guest functions, here for whole
 * programs (header only; build with musl-gcc -static, or natively):
 *
 *	#include <pagelab/guest.h>
 *
 *	pagelab_checkpoint(1, (uint64_t)buf);	// the host stops here, looks, resumes
 *	PAGELAB_ASSERT(p != MAP_FAILED);
 *	PAGELAB_ASSERT_EQ(count, 4);
 *
 * In a pagelab sandbox each is one system call and one exit to the host:
 * a checkpoint stops the run (pl_sandbox_step returns PL_STOP_CHECKPOINT,
 * `pagelab run --checkpoints` prints it), a failed assertion ends it with
 * status 117 and a report of file, line, expression and values. Natively
 * the calls fail with ENOSYS: a checkpoint is then a no-op (one note on
 * stderr per program), and a failed assertion prints the same facts on
 * stderr and aborts, so the same program runs in both places.
 */
#ifndef PAGELAB_GUEST_H
#define PAGELAB_GUEST_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <pagelab/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline void pagelab_note_native_(void)
{
	static int noted;
	static const char note[] = "pagelab: not in a pagelab sandbox: checkpoints do nothing\n";

	if (!noted) {
		noted = 1;
		if (write(STDERR_FILENO, note, sizeof(note) - 1) < 0)
			noted = 1; /* nothing better to do */
	}
}

/*
 * Stops the run for the host, which sees id and value (and this process's
 * pid, page tables and registers); returns when the host resumes. 0, or
 * -1 with errno set (ENOSYS natively, after the note).
 */
static inline int pagelab_checkpoint(uint64_t id, uint64_t value)
{
	long r = syscall(PL_SYS_CHECKPOINT, id, value);

	if (r < 0 && errno == ENOSYS)
		pagelab_note_native_();
	return r < 0 ? -1 : 0;
}

/* Reports a failed assertion; does not return. */
static inline __attribute__((noreturn)) void pagelab_assert_fail(const char *file,
								 unsigned long line,
								 const char *expr, unsigned nvalues,
								 uint64_t a, uint64_t b)
{
	struct pl_assert_info info = {
		(uint64_t)(uintptr_t)file, (uint64_t)(uintptr_t)expr, line, nvalues, a, b
	};

	syscall(PL_SYS_ASSERT, &info);
	/* Natively (ENOSYS), or if a host ever resumed us: fail as assert(3) does. */
	fflush(stdout);
	if (nvalues == 2)
		fprintf(stderr, "%s:%lu: assertion failed: %s (0x%llx vs 0x%llx)\n", file, line,
			expr, (unsigned long long)a, (unsigned long long)b);
	else
		fprintf(stderr, "%s:%lu: assertion failed: %s\n", file, line, expr);
	abort();
}

#define PAGELAB_ASSERT(expr)                                                     \
	do {                                                                     \
		if (!(expr))                                                     \
			pagelab_assert_fail(__FILE__, __LINE__, #expr, 0, 0, 0); \
	} while (0)

/* Both values reach the host (as 64-bit integers) when they differ. */
#define PAGELAB_ASSERT_EQ(a, b)                                                              \
	do {                                                                                 \
		uint64_t pagelab_a_ = (uint64_t)(a), pagelab_b_ = (uint64_t)(b);             \
		if (pagelab_a_ != pagelab_b_)                                                \
			pagelab_assert_fail(__FILE__, __LINE__, #a " == " #b, 2, pagelab_a_, \
					    pagelab_b_);                                     \
	} while (0)

#ifdef __cplusplus
}
#endif

#endif
