/* SPDX-License-Identifier: MIT */
/*
 * Integration tests run the pagelab binary ($PAGELAB, default
 * build/asan/pagelab) as a user would and check its output and status.
 */
#ifndef PL_TEST_INTEGRATION_COMMON_H
#define PL_TEST_INTEGRATION_COMMON_H

#include <stdbool.h>
#include <stdio.h>

struct run {
	int status;	/* exit status, or 128 + signal */
	bool timed_out; /* killed at the time limit */
	char *out;	/* everything it wrote, NUL-terminated */
	char *err;
	double seconds;
};

struct run_opts {
	const char *input; /* standard input; NULL = /dev/null */
	/* Write the input only once stdout shows this text; until then stdin is an open, empty pipe. */
	const char *input_after;
	int limit_s;	    /* 0 = 60 */
	bool as_nobody;	    /* drop to uid/gid 65534 first (needs root) */
	const char *binary; /* NULL = pagelab_path() */
};

/* Runs pagelab with the NULL-terminated arguments. Fails the test if it cannot start. */
void run_pagelab(struct run *r, const struct run_opts *o, ...) __attribute__((sentinel));
void run_free(struct run *r);

const char *pagelab_path(void);
/* build/tests/fixtures/NAME.elf, which must exist. */
const char *fixture(const char *name);
/* The real guest kernel ($PAGELAB_KERNEL or build/guest/kernel.elf), which must exist. */
const char *guest_kernel(void);
/* Fails the test loudly when /dev/kvm is missing: a guest test must not skip. */
void require_kvm(void);
/*
 * For tests that call libpagelab directly: guest output and reports go to
 * quiet (/dev/null) and the tests look at results. Group setup/teardown;
 * the setup also requires KVM.
 */
extern FILE *quiet;
int setup_quiet(void **state);
int teardown_quiet(void **state);
/* The whole file, NUL-terminated, to free(); fails the test if it cannot be read. */
char *read_whole_file(const char *path);
/* Fails the test, showing text, unless want occurs in it. */
void has(const char *text, const char *want);
/*
 * cmocka setups, per test so that each test reports a missing piece as its
 * own failure: KVM must be there; and the real guest kernel too.
 */
int setup_kvm(void **state);
int setup_kvm_kernel(void **state);
/* Number of lines in s (a last line without newline counts). */
int count_lines(const char *s);

#endif
