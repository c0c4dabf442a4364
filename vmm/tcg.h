/* SPDX-License-Identifier: MIT */
/*
 * Running the kernel under QEMU's TCG emulator instead of KVM: QEMU boots
 * it through the PVH entry and this runner, its parent, answers the
 * kernel's hypercalls framed over COM2 (include/pagelab/serial_abi.h).
 */
#ifndef PL_VMM_TCG_H
#define PL_VMM_TCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

struct tcg_params {
	const char *kernel;
	uint64_t memory;
	uint64_t timeout_ms; /* 0: none */
	const char *bootargs;
	const void *initrd;
	size_t initrd_size;
	const char *const *argv; /* NULL: boot and exit */
	const char *const *envp;
	bool verbose, stats;
	int trace_fd; /* PL_STREAM_TRACE; -1: with the guest's stderr */
};

/* "auto", "kvm" or "tcg"; prints the problem and returns -1. */
int accel_parse(const char *arg, enum accel *accel);
/*
 * Whether KVM can run a sandbox here: the device ($PAGELAB_KVM_DEVICE,
 * else /dev/kvm) opens and answers. On false, why in reason.
 */
bool accel_kvm_usable(char *reason, size_t len);
/*
 * What runs: ACCEL_KVM or ACCEL_TCG. auto falls back to TCG with one line
 * on stderr, unless kvm_only names an option given that only the VMM
 * honours: then it stays on KVM. With tcg, such an option is refused:
 * prints the problem and returns -1.
 */
int accel_choose(enum accel requested, const char *kvm_only, enum accel *out);
/* The QEMU binary ($PAGELAB_QEMU, else qemu-system-x86_64 on PATH), or false. */
bool accel_find_qemu(char *path, size_t len);

/* The kernel file passes the VMM's checks and has a PVH entry; else one line, -1. */
int tcg_check_kernel(const char *path);
/* The run under QEMU; the exit status as pagelab run's. */
int tcg_run(const struct tcg_params *p);

/* Internal to the runner (tcg_qemu.c): QEMU as a child. */
struct tcg_child {
	int pid;
	int hc_fd;	/* COM2: the frames */
	int console_fd; /* COM1: UART bytes, the console stream */
	int err_fd;	/* QEMU's own stdout and stderr */
};
/* 0; -2 after one line about arguments too long for the kernel command line; -1. */
int tcg_spawn(const char *qemu, const struct tcg_params *p, struct tcg_child *c);
/* Percent-encodes s into out (a PVH command-line word); false if it does not fit. */
bool tcg_encode_word(const char *prefix, const char *s, char *out, size_t len);

#endif
