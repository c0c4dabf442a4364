/* SPDX-License-Identifier: MIT */
/* The sandbox object, shared by the modules of libpagelab. */
#ifndef PL_HOSTLIB_SANDBOX_H
#define PL_HOSTLIB_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <pagelab/hostlib.h>

#include "bus.h"
#include "console.h"
#include "core.h"
#include "guestmem.h"
#include "kvmvm.h"

#define PL_EVENTS_MAX 65536

struct pl_uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t rbr; /* loopback: the byte last sent */
	bool data_ready;
};

struct pl_sandbox {
	struct pl_memmap map;
	struct pl_guestmem mem;
	struct pl_kvm kvm;
	struct pl_bus pio, mmio;
	struct pl_console con;
	struct pl_uart uart;
	struct pl_layout layout;
	struct pl_core core;
	char rom_ident[64];

	/* run-time settings from the config */
	uint64_t timeout_ms;
	bool verbose;
	FILE *report;
	int stdin_fd; /* -1: end of file */
	bool fsgsbase;
	enum pl_seccomp seccomp;
	FILE *vga_out;

	/* the run */
	bool ran, ended;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC; 0 = none */
	struct pl_result res;
	struct pl_event *events;
	size_t events_cap;
	char what[512]; /* how it ended, for the report */
	bool have_panic;
	struct pl_panic_report panic;
};

/* Sets up an empty sandbox: no memory, no KVM, devices registered. */
void pl_sandbox_init(struct pl_sandbox *sb, const struct pl_config *cfg);
/*
 * Ends the run (the first end wins): what is a sentence fragment for the
 * report, e.g. "write to unknown port 0x80".
 */
__attribute__((format(printf, 4, 5))) void pl_sandbox_end(struct pl_sandbox *sb, enum pl_end end,
							  int guest_status, const char *fmt, ...);

/* Devices: registration, and the hypercall port's handler (for tests). */
int pl_devices_register(struct pl_sandbox *sb);
int pl_hcall_handle(struct pl_sandbox *sb, uint64_t block_gpa);
int pl_pio_dispatch(struct pl_sandbox *sb, uint16_t port, void *data, unsigned size, bool write);
int pl_mmio_dispatch(struct pl_sandbox *sb, uint64_t addr, void *data, unsigned len, bool write);

/*
 * Confines the calling thread for the run (hostlib/seccomp.c): 0 or a
 * negative errno. pl_seccomp_confined: this thread is confined for good.
 */
int pl_seccomp_install(struct pl_sandbox *sb);
bool pl_seccomp_confined(void);
/*
 * Switching user (hostlib/user.c): the lookup is checked before anything
 * is opened, the switch made once everything is. 0, or -1 with pl_error().
 */
struct pl_user {
	const char *name;
	uid_t uid;
	gid_t gid;
};
int pl_user_lookup(const char *name, struct pl_user *u);
int pl_user_become(const struct pl_user *u);

/* The paragraph about an abnormal end, into sb->res.report. */
void pl_report_build(struct pl_sandbox *sb);
uint64_t pl_now_ns(void);

#endif
