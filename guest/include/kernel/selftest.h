/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* bootargs selftest=NAME: checks that need kernel privileges (tests use them). */
void selftest_run(const char *name);

#endif
