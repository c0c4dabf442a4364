/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* bootargs selftest=NAME: checks that need kernel privileges (tests use them). */
void selftest_run(const char *name);
/* selftest=memtype: cached against uncached load times, as events; exits. */
void selftest_memtype(void) __attribute__((noreturn));
void selftest_dma(void) __attribute__((noreturn));
/* selftest=thp: the transparent huge page paths, checked from inside (thp.c); exits. */
void selftest_thp(void) __attribute__((noreturn));

#endif
