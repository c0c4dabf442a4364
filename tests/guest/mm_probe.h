/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the memory test programs (mmap_conformance, mmap_stress,
 * mmap_scale): touching memory and catching the fault, checking an errno,
 * asking mincore and running a child. Nothing here prints an address, a pid
 * or a time: outputs must match between a native run and the sandbox.
 */
#ifndef PAGELAB_MM_PROBE_H
#define PAGELAB_MM_PROBE_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define PG 4096UL

static sigjmp_buf probe_env;
static volatile sig_atomic_t probe_sig, probe_code, probe_armed;
static void *volatile probe_addr;

static inline void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!probe_armed) {
		/* A fault outside probe(): die of it rather than jump anywhere. */
		signal(sig, SIG_DFL);
		return;
	}
	probe_armed = 0;
	probe_sig = sig;
	probe_code = si->si_code;
	probe_addr = si->si_addr;
	siglongjmp(probe_env, 1);
}

/* SIGSEGV and SIGBUS come back to probe()/probe_call() as values. */
static inline void probe_install(void)
{
	struct sigaction sa = { .sa_sigaction = probe_handler, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Read (write = 0) or write one byte; 0, or the signal the access raised. */
static inline int probe(volatile char *p, int write)
{
	probe_sig = 0;
	if (sigsetjmp(probe_env, 1))
		return probe_sig;
	probe_armed = 1;
	if (write)
		*p = *p;
	else
		(void)*p;
	probe_armed = 0;
	return 0;
}

static inline int probe_call(int (*fn)(void), int *ret)
{
	probe_sig = 0;
	if (sigsetjmp(probe_env, 1))
		return probe_sig;
	probe_armed = 1;
	*ret = fn();
	probe_armed = 0;
	return 0;
}

/* The last probe faulted with this signal, code and address. */
static inline bool faulted(int sig, int code, const volatile void *addr)
{
	return probe_sig == sig && probe_code == code && probe_addr == (const void *)addr;
}

static inline bool errno_is(long ret, int err, int want)
{
	if (ret == -1 && err == want)
		return true;
	diag("returned %ld with errno %d (%s), expected errno %d", ret, err, strerror(err), want);
	return false;
}

/* The call failed (-1 or MAP_FAILED) with errno e. */
#define FAILS(expr, e)                      \
	({                                  \
		long ret_;                  \
		errno = 0;                  \
		ret_ = (long)(expr);        \
		errno_is(ret_, errno, (e)); \
	})

static inline void __attribute__((noreturn)) bail(const char *why)
{
	printf("Bail out! %s: %s\n", why, strerror(errno));
	exit(2);
}

static inline char *map_anon(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

/* The first offset in [p, p + len) whose long is not zero, or -1 (len a multiple of a long). */
static inline long first_nonzero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i += sizeof(long))
		if (*(const long *)(p + i))
			return (long)i;
	return -1;
}

/* Pages of [p, p + n pages) mincore reports resident; -1 if it fails. */
static inline int resident(void *p, size_t n)
{
	unsigned char vec[256];
	int count = 0;

	if (n > sizeof(vec) || mincore(p, n * PG, vec))
		return -1;
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

/* Run fn in a child; its wait status. The child never prints. */
static inline int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		bail("waitpid");
	return status;
}

static inline bool exited(int status, int code)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == code)
		return true;
	if (WIFSIGNALED(status))
		diag("child died of signal %d", WTERMSIG(status));
	else
		diag("child exited %d", WEXITSTATUS(status));
	return false;
}

/* The whole text of a small file (a /proc file), NUL-terminated; "" if unreadable. */
static inline const char *slurp(const char *file)
{
	static char text[1 << 17];
	int fd = open(file, O_RDONLY);
	size_t n = 0;
	ssize_t r = 1;

	while (fd >= 0 && r > 0 && n < sizeof(text) - 1) {
		r = read(fd, text + n, sizeof(text) - 1 - n);
		n += r > 0 ? (size_t)r : 0;
	}
	text[n] = 0;
	if (fd >= 0)
		close(fd);
	return text;
}

#endif
