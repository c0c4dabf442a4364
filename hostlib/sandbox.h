/* SPDX-License-Identifier: MIT */
/* The sandbox object, shared by the modules of libpagelab. */
#ifndef PL_HOSTLIB_SANDBOX_H
#define PL_HOSTLIB_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include <pagelab/hostlib.h>

#include "bus.h"
#include "console.h"
#include "core.h"
#include "fdtgen.h"
#include "guestmem.h"
#include "kvmvm.h"

#define PL_EVENTS_MAX 65536

struct pl_viommu;

struct pl_sandbox {
	struct pl_memmap map;
	struct pl_guestmem mem;
	struct pl_kvm kvm;
	struct pl_bus pio, mmio;
	struct pl_console con;
	struct pl_layout layout;
	struct pl_device *dev[PL_DEVICES_MAX]; /* registration order */
	unsigned ndev;
	size_t fdt_room;	     /* the device tree's slot in guest memory */
	struct pl_range written_map; /* guest-physical (abi.h PL_FDT_PROP_WRITTEN_MAP) */
	struct pl_core core;
	struct pl_viommu *iommu; /* the virtio-iommu (viommu.c), a built-in device */

	/* run-time settings from the config */
	uint64_t timeout_ms;
	bool verbose;
	FILE *report;
	int stdin_fd; /* -1: end of file */
	bool fsgsbase;
	enum pl_seccomp seccomp;
	FILE *vga_out;

	/* the run: started by the first step, ended by pl_sandbox_end, finished at PL_STOP_END */
	bool started, ended, finished;
	uint64_t start_ns, deadline_ns; /* CLOCK_MONOTONIC; deadline 0 = none */
	int dev_err;			/* a device callback's -errno, for the step to return */
	bool stop_pending, assert_pending;
	struct pl_stop stop;
	uint64_t stop_frame_gpa; /* the stopped process's saved registers, 0: none */
	uint64_t proctab_gpa;	 /* the guest's struct pl_proctab, from the last stop */
	uint64_t pat;		 /* the guest's IA32_PAT, read once per stop */
	bool pat_known;
	/* the dirty log (dirtylog.c) */
	bool dirty_logging, dirty_manual;
	uint64_t *dirty_bitmap[PL_KSLOTS_MAX]; /* per KVM slot (sb->kvm.kslot) being logged */
	/* trapped regions (trap.c) */
	struct pl_access_log *access_log;
	unsigned ntraps;
	/* descriptors a confined thread may still write to (pl_config.write_fds) */
	int write_fds[PL_WRITE_FDS_MAX];
	unsigned nwrite_fds;
	int interrupt;	/* pl_sandbox_interrupt: atomic */
	pid_t vcpu_tid; /* the stepping thread, while a run is on: atomic */
	bool timer_on;
	timer_t timer;
	sigset_t old_mask; /* the stepping thread's, restored at every stop */
	bool mask_saved;
	struct pl_result res;
	struct pl_event *events;
	size_t events_cap;
	char what[512]; /* how it ended, for the report */
	bool have_panic;
	struct pl_panic_report panic;
};

/* Sets up an empty sandbox: no memory, no KVM, devices registered. 0 or -1, pl_error(). */
int pl_sandbox_init(struct pl_sandbox *sb, const struct pl_config *cfg);
/*
 * Ends the run (the first end wins): what is a sentence fragment for the
 * report, e.g. "write to unknown port 0x80".
 */
__attribute__((format(printf, 4, 5))) void pl_sandbox_end(struct pl_sandbox *sb, enum pl_end end,
							  int guest_status, const char *fmt, ...);

/* Adds dev's node to the device tree in guest memory: 0, or -ENOSPC with pl_error(). */
int pl_sandbox_fdt_add(struct pl_sandbox *sb, const struct pl_device *dev);
/* The built-in devices, registered by pl_sandbox_init: 0 or -1 with pl_error(). */
int pl_devices_register(struct pl_sandbox *sb);
/* The hypercall port's handler (for tests and fuzzers). */
int pl_hcall_handle(struct pl_sandbox *sb, uint64_t block_gpa);
/* process.c: the process the guest runs now, if the last stop's table has it; else 0. */
int pl_running_pid(struct pl_sandbox *sb);
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

struct pl_access_log;
void pl_access_log_free(struct pl_sandbox *sb);
/* Frees the dirty log's bitmaps (the VM goes with the sandbox). */
void pl_dirty_log_release(struct pl_sandbox *sb);

/* The paragraph about an abnormal end, into sb->res.report. */
void pl_report_build(struct pl_sandbox *sb);
uint64_t pl_now_ns(void);

#endif
