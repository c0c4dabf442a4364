/* SPDX-License-Identifier: MIT */
/*
 * libpagelab: create a KVM sandbox that boots the pagelab guest kernel,
 * run it, and look into its physical memory.
 *
 *	struct pl_config cfg = { .memory = 256 << 20, .kernel = "kernel.elf" };
 *	struct pl_sandbox *sb = pl_sandbox_create(&cfg);
 *	if (!sb)
 *		errx(2, "%s", pl_error());
 *	struct pl_result res;
 *	int status = pl_sandbox_run(sb, &res);
 *	pl_sandbox_destroy(sb);
 *
 * or, stopping where the guest program calls pagelab_checkpoint()
 * (include/pagelab/guest.h), as KVM selftests' vcpu_run and get_ucall:
 *
 *	struct pl_stop stop;
 *	while (pl_sandbox_step(sb, &stop) == 0 && stop.kind != PL_STOP_END)
 *		if (stop.kind == PL_STOP_CHECKPOINT)
 *			pl_gva_to_gpa(sb, stop.pid, stop.value, &gpa, &info);
 *
 * Every call that can fail leaves a one-line message for a person in
 * pl_error() (thread-local, no trailing newline, no "pagelab:" prefix).
 */
#ifndef PAGELAB_HOSTLIB_H
#define PAGELAB_HOSTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pagelab/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PL_DEFAULT_MEMORY (256ULL << 20)
#define PL_MIN_MEMORY	  (4ULL << 20)

/* ---------------------------------------------------------------- errors */

enum pl_err_kind {
	PL_ERR_NONE = 0,
	PL_ERR_CONFIG, /* the configuration is wrong: the caller's input */
	PL_ERR_KERNEL, /* the kernel file is missing or not a usable ELF */
	PL_ERR_NOKVM,  /* /dev/kvm is missing or not accessible */
	PL_ERR_HOST,   /* a host resource or a KVM call failed */
	PL_ERR_FAULT,  /* a guest-physical range is not (suitably) backed */
};

const char *pl_error(void);
enum pl_err_kind pl_error_kind(void);

/* ---------------------------------------------------------------- sizes */

/*
 * "256M", "4G", "1048576", "64k", "512B": decimal digits and an optional
 * binary suffix B, K, M, G or T (either case); a bare number is bytes.
 * 0 on success, -EINVAL when the text is not a size, -ERANGE when it does
 * not fit in 64 bits (*bytes is then untouched).
 */
int pl_parse_size(const char *text, uint64_t *bytes);
/*
 * The same for a guest memory size, as QEMU's and kvmtool's -m read it: a
 * bare number is MiB ("256" = 256M); "4194304B" gives bytes exactly.
 */
int pl_parse_memory_size(const char *text, uint64_t *bytes);
/* The shortest exact form, which both parsers read back: "256M", "5G", "4100K", "12345B", "0". */
char *pl_format_size(uint64_t bytes, char *buf, size_t len);

/* ---------------------------------------------------------------- memory map */

enum pl_region_kind {
	PL_REGION_RAM,
	PL_REGION_VGA,	    /* RAM-backed, the host can read the text buffer */
	PL_REGION_ROM,	    /* read-only for the guest, filled by the host */
	PL_REGION_MMIO,	    /* device window: accesses exit to the host */
	PL_REGION_RESERVED, /* nothing there; a guest access is an error */
};

struct pl_region {
	uint64_t base;
	uint64_t size;
	enum pl_region_kind kind;
	const char *name;
};

#define PL_MEMMAP_MAX 10

struct pl_memmap {
	uint64_t memory; /* the configured size: top of RAM as on a PC */
	uint64_t ram;	 /* bytes of RAM in the map (memory minus the PC hole) */
	unsigned n;
	struct pl_region region[PL_MEMMAP_MAX]; /* sorted by base, disjoint */
};

/*
 * The guest-physical layout for a memory size (a pure function).
 * memory must be a multiple of 4 KiB and at least PL_MIN_MEMORY.
 * 0, or -EINVAL with pl_error() set.
 */
int pl_memmap(uint64_t memory, struct pl_memmap *map);
/*
 * 0 if a sandbox of this memory size can be made here: pl_memmap's rules,
 * and no more than the host's physical memory. Else -EINVAL, pl_error().
 */
int pl_memory_check(uint64_t memory);
const char *pl_region_kind_name(enum pl_region_kind kind);
/* One line per region, for people. */
void pl_memmap_print(const struct pl_memmap *map, FILE *f);

/* ---------------------------------------------------------------- host */

struct pl_kvm_cap {
	const char *name; /* "KVM_CAP_READONLY_MEM" */
	long value;	  /* KVM_CHECK_EXTENSION result: 0 = not offered */
	const char *use;  /* what pagelab uses it for */
};

/*
 * The KVM capabilities pagelab cares about, as this host offers them.
 * Returns the number of entries filled (at most max), or -1 (pl_error()
 * says why, e.g. no /dev/kvm). *module is "kvm_intel", "kvm_amd",
 * "kvm_pvm" or "unknown".
 */
int pl_kvm_caps(struct pl_kvm_cap *caps, size_t max, const char **module);

/* ---------------------------------------------------------------- sandbox */

/* Console, program output and host reports, when a callback is used. */
typedef void (*pl_output_fn)(void *opaque, enum pl_stream stream, const char *buf, size_t len);

/*
 * Confinement of the thread that runs the vCPU (README, "Confinement"). From
 * pl_sandbox_run's first KVM_RUN on, that thread may only make the system
 * calls a run and an orderly exit need, for the rest of its life: it can
 * print, free and exit, but not open files or create another sandbox (run
 * each sandbox in a thread or process of its own). An output callback runs
 * under the filter too.
 */
enum pl_seccomp {
	PL_SECCOMP_ON = 0, /* a forbidden call ends the process: one line, status 115 */
	PL_SECCOMP_LOG,	   /* forbidden calls are allowed and logged by the kernel */
	PL_SECCOMP_OFF,	   /* no filter */
};

/*
 * Everything is read during pl_sandbox_create except the output and
 * input settings, the timeout, verbose and seccomp, which are used while
 * running: strings and buffers need not outlive the create call.
 */
struct pl_config {
	uint64_t memory;	 /* bytes; 0 = PL_DEFAULT_MEMORY */
	const char *kernel;	 /* path of the guest kernel ELF (required) */
	const char *bootargs;	 /* kernel options for /chosen/bootargs */
	const char *const *argv; /* NULL-terminated; /chosen/pagelab,argv */
	const char *const *envp; /* NULL-terminated; /chosen/pagelab,envp */
	const void *initramfs;	 /* a cpio newc archive, copied into the guest */
	size_t initramfs_size;
	uint64_t timeout_ms; /* 0 = no limit */
	bool verbose;	     /* describe the setup on the report stream */

	/* Where guest output goes. NULL FILEs mean stdout/stdout/stderr. */
	FILE *console; /* PL_STREAM_CONSOLE: kernel messages and the UART */
	FILE *out;     /* PL_STREAM_STDOUT */
	FILE *err;     /* PL_STREAM_STDERR */
	FILE *report;  /* the paragraph about an abnormal end; NULL = stderr */
	/*
	 * PL_STREAM_TRACE, the lines of the kernel's "trace" option: NULL
	 * sends them where the guest's stderr goes (to the output callback
	 * as PL_STREAM_STDERR), in order with it.
	 */
	FILE *trace;
	pl_output_fn output; /* if set, receives the three guest streams instead */
	void *output_opaque;

	/* The guest's standard input: 0 (the default) is the host's stdin. */
	int stdin_fd;
	bool no_stdin; /* the guest reads end of file at once */

	enum pl_seccomp seccomp;
	/*
	 * If set, pl_sandbox_create makes the whole process this user (its
	 * uid, its primary gid, no supplementary groups) once /dev/kvm, the
	 * kernel and every file it reads are open. Needs root unless it is
	 * the current user.
	 */
	const char *user;
	/*
	 * Descriptors (at most PL_WRITE_FDS_MAX) the stepping thread may still
	 * write to once confined: files a host program fills at stops, such as
	 * pagelab run --dirty-log FILE. Open them before pl_sandbox_create.
	 */
	const int *write_fds;
	size_t nwrite_fds;
	/*
	 * If set, a guest process killed by a core-dumping signal leaves an
	 * ELF core file NAME.core in this directory (README, "Core files");
	 * the guest's RLIMIT_CORE then starts unlimited.
	 */
	const char *core_dir;
	/*
	 * A ROM image (at most 64 KiB) loaded at 0xF0000 instead of the
	 * identification string "pagelab VERSION BIOS ROM".
	 */
	const char *rom;
	/* If set, receives the VGA text screen (pl_vga_text) when the run ends. */
	FILE *vga_out;
};

#define PL_WRITE_FDS_MAX 4

/* How a run ended. */
enum pl_end {
	PL_END_NONE = 0, /* not run */
	PL_END_EXIT,	 /* the guest wrote its status to the exit port */
	PL_END_PANIC,	 /* the kernel reported a panic (PL_HC_PANIC) */
	PL_END_TRIPLE_FAULT,
	PL_END_HALTED,
	PL_END_KVM_ERROR,
	PL_END_BAD_GUEST,
	PL_END_VMM_ERROR,
	PL_END_TIMEOUT,
	PL_END_DEADLOCK, /* every guest process blocked forever (PL_HC_DEADLOCK) */
	PL_END_ASSERT,	 /* a program's PAGELAB_ASSERT failed (include/pagelab/guest.h) */
};

/* What the vCPU's exits were. */
enum pl_exit_kind {
	PL_XK_PIO,
	PL_XK_MMIO,
	PL_XK_HLT,
	PL_XK_INTR, /* KVM_RUN interrupted by a signal, or KVM_EXIT_INTR */
	PL_XK_SHUTDOWN,
	PL_XK_ERROR, /* INTERNAL_ERROR, FAIL_ENTRY */
	PL_XK_OTHER,
	PL_XK_COUNT,
};

struct pl_event {
	uint64_t kind;
	uint64_t value;
};

/* ---------------------------------------------------------------- devices */

#define PL_DEVICES_MAX	   16 /* per sandbox, built-in ones included */
#define PL_DEVICE_WINDOWS  4
#define PL_DEVICE_COUNTERS 12
#define PL_DEVICE_PROPS	   4
#define PL_NAME_MAX	   24 /* device and counter names, with the NUL */

enum pl_space {
	PL_SPACE_PIO,  /* x86 I/O ports: in/out */
	PL_SPACE_MMIO, /* guest-physical addresses */
};

struct pl_window {
	enum pl_space space;
	uint64_t base;
	uint64_t size;
};

/* One more property of the device's node, e.g. a big-endian u32 "clock-frequency". */
struct pl_fdt_prop {
	const char *name;
	const void *value;
	unsigned len;
};

/*
 * A device, as kvmtool's: windows on the port and MMIO buses, a node in
 * the device tree, counters, and callbacks for the guest's accesses. The
 * built-in devices (uart, hypercall, exit, rom, vga, console) are
 * pl_devices registered the same way; pl_sandbox_devices lists them all.
 *
 * read and write get the window's index and the offset in it, and len
 * (1, 2, 4 or 8) little-endian bytes at data. They return len when the
 * access is done. A negative errno is an error of the host's device: the
 * access completes as a bus error would (a read gives all ones, a write is
 * dropped), pl_sandbox_step returns that errno with pl_error() naming the
 * device, and the sandbox stays usable. Any other value breaks the
 * callback protocol: the run ends with PL_EXIT_BAD_GUEST naming the device.
 * A missing callback answers reads with all ones and drops writes.
 */
struct pl_device {
	const char *name;	/* node name, stats and reports: [a-z0-9-]+ */
	const char *compatible; /* device-tree "compatible"; NULL: no node */
	struct pl_window window[PL_DEVICE_WINDOWS];
	unsigned nwindows;
	struct pl_fdt_prop prop[PL_DEVICE_PROPS];
	unsigned nprops;

	int (*read)(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		    unsigned len);
	int (*write)(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
		     unsigned len);
	void (*reset)(struct pl_device *dev);	/* before the first step */
	void (*destroy)(struct pl_device *dev); /* by pl_sandbox_destroy */
	void *opaque;				/* the caller's */

	/* The sandbox counts accesses; the device counts what it likes. */
	uint64_t reads, writes, errors;
	const char *counter_name[PL_DEVICE_COUNTERS]; /* a NULL name: no such counter */
	uint64_t counter[PL_DEVICE_COUNTERS];

	struct pl_sandbox *sandbox; /* set by registration */
};

/* A device's counters at the end of a run, by name. */
struct pl_device_stats {
	char name[PL_NAME_MAX];
	uint64_t reads, writes, errors;
	unsigned ncounters;
	struct {
		char name[PL_NAME_MAX];
		uint64_t value;
	} counter[PL_DEVICE_COUNTERS];
};

struct pl_result {
	enum pl_end end;
	int guest_status;  /* PL_END_EXIT: 0..255 */
	int exit_status;   /* what a process running the sandbox should exit with */
	char report[1024]; /* one paragraph for an abnormal end, else "" */

	uint64_t exits[PL_XK_COUNT];
	uint64_t exits_total;
	uint64_t run_ns; /* wall time inside pl_sandbox_step */
	uint64_t stops;	 /* checkpoints and pauses the host saw */

	/* every registered device, in registration order */
	struct pl_device_stats device[PL_DEVICES_MAX];
	unsigned ndevices;

	const struct pl_event *events; /* owned by the sandbox */
	size_t nevents;
	uint64_t events_dropped;
};

/*
 * A counter of a device in a result: "reads", "writes", "errors" or one
 * of the device's own ("uart" "bytes", "hypercall" "write", ...). 0, or
 * -ENOENT with pl_error() set.
 */
int pl_result_counter(const struct pl_result *res, const char *device, const char *counter,
		      uint64_t *value);

struct pl_sandbox;

/* NULL on failure, with pl_error() and pl_error_kind() set. */
struct pl_sandbox *pl_sandbox_create(const struct pl_config *cfg);
/*
 * Runs the guest until it ends: pl_sandbox_step until PL_STOP_END (also
 * after earlier steps), going past checkpoints and device errors. Fills
 * *res when res is not NULL, prints the report of an abnormal end to the
 * report stream and returns res->exit_status (0..255).
 *
 * A sandbox runs once: a call after the end returns -1 with pl_error()
 * set (PL_ERR_CONFIG) and leaves *res alone; create a new sandbox instead.
 *
 * The run uses the real-time signal SIGRTMIN + 2. The first step installs
 * a process-wide handler for it (which stays installed, doing nothing,
 * after the run), and every step unblocks it in the calling thread for
 * the step's duration only. With cfg->timeout_ms a POSIX timer
 * (CLOCK_MONOTONIC) sends it to that thread at the deadline and every
 * 10 ms after, until the run ends; pl_sandbox_interrupt from another
 * thread sends it once. A program that uses SIGRTMIN + 2 itself must not
 * use timeouts or pl_sandbox_interrupt from other threads.
 * Sandboxes may run in several threads at once, one per thread.
 */
int pl_sandbox_run(struct pl_sandbox *sb, struct pl_result *res);
void pl_sandbox_destroy(struct pl_sandbox *sb);

/* ---------------------------------------------------------------- stops */

enum pl_stop_kind {
	PL_STOP_END = 1,    /* the run is over; pl_sandbox_result() has the rest */
	PL_STOP_CHECKPOINT, /* a program called pagelab_checkpoint(id, value) */
	PL_STOP_ASSERT,	    /* a program's PAGELAB_ASSERT failed: the next step ends the run */
	PL_STOP_PAUSE,	    /* pl_sandbox_interrupt() asked for it */
	PL_STOP_DEBUG, /* kernel option "gdb": a breakpoint or step (id: vector 3 or 1, 0 at start) */
	PL_STOP_FAULT, /* pl_sandbox_watch_faults: a user fault, before its signal */
};

/* PL_STOP_FAULT: what the process's signal will carry, and where it happened. */
struct pl_stop_fault {
	int signo;	 /* SIGSEGV, SIGBUS, SIGILL or SIGFPE */
	int code;	 /* its si_code (SEGV_MAPERR, ...) */
	uint64_t addr;	 /* its si_addr: CR2 for a page fault */
	uint64_t rip;	 /* the faulting instruction */
	unsigned trapno; /* the exception vector (14: #PF) */
	unsigned error;	 /* its error code */
};

struct pl_stop {
	enum pl_stop_kind kind;
	uint64_t time_ns; /* since the first step */
	int pid; /* the guest process that stopped (checkpoint, assertion, fault, debug), or at a
		  * pause the one the guest was running (0: not in the last stop's table) */
	uint64_t cr3;	    /* its page tables, for pl_gva_to_gpa */
	uint64_t id, value; /* checkpoint */
	struct {
		char file[PL_STOP_FILE_MAX];
		char expr[PL_STOP_EXPR_MAX];
		uint64_t line;
		unsigned nvalues; /* how many of a, b the assertion carried */
		uint64_t a, b;
	} assertion;
	int exit_status;	    /* PL_STOP_END: as pl_sandbox_run returns */
	struct pl_stop_fault fault; /* PL_STOP_FAULT */
};

/*
 * Runs the guest until its next stop and fills *stop; the next call
 * resumes it. While stopped, the host may read and write guest memory and
 * registers. The first call starts the run (the timeout's timer, the
 * seccomp filter: from then on this thread is confined as for
 * pl_sandbox_run, also between steps); call it from one thread only.
 * After PL_STOP_END it returns -EINVAL with pl_error() set. A device
 * callback's error is returned as is (-errno, pl_error() set): the guest
 * has had its bus error, and the next call goes on. A run without stops
 * costs what it did before steps existed: the loop stays inside.
 */
int pl_sandbox_step(struct pl_sandbox *sb, struct pl_stop *stop);
/*
 * Asks a running step to return with PL_STOP_PAUSE as soon as the vCPU
 * leaves the guest (KVM's immediate_exit, and a signal to the stepping
 * thread). Async-signal-safe: callable from any thread or a signal
 * handler. Before the first step, that step pauses at once.
 */
void pl_sandbox_interrupt(struct pl_sandbox *sb);
/* The result so far (complete after PL_STOP_END). */
void pl_sandbox_result(struct pl_sandbox *sb, struct pl_result *res);

/*
 * Adds a device (the sandbox keeps the pointer) before the first step:
 * its windows go on the buses and its node into the device tree. A window
 * that is empty, wraps, overlaps another device's, or, for MMIO, lies
 * outside the device window [PL_MMIO_BASE, +PL_MMIO_SIZE) is refused, as
 * is a sandbox that has started: -EINVAL (-EBUSY, -ENOSPC) with pl_error()
 * set, and the sandbox is as before. From success on the sandbox owns the
 * device: pl_sandbox_destroy calls its destroy.
 */
int pl_sandbox_add_device(struct pl_sandbox *sb, struct pl_device *dev);
/* The registered devices, built-in ones first: *n of them. */
struct pl_device *const *pl_sandbox_devices(const struct pl_sandbox *sb, unsigned *n);
/* The device of that name, or NULL. */
struct pl_device *pl_sandbox_device(const struct pl_sandbox *sb, const char *name);
const struct pl_memmap *pl_sandbox_memmap(const struct pl_sandbox *sb);

/* Where pl_sandbox_create put things (guest-physical). */
struct pl_layout {
	uint64_t kernel_start, kernel_end, entry;
	uint64_t fdt, fdt_size;
	uint64_t initramfs, initramfs_size;
	uint64_t boot_tables, boot_tables_size; /* GDT, TSS, page tables */
};
void pl_sandbox_layout(const struct pl_sandbox *sb, struct pl_layout *layout);

/*
 * Guest-physical memory access. A range must lie inside one memory slot
 * (low RAM, VGA, ROM, RAM, high RAM): a range that wraps, leaves memory or
 * crosses from one slot into the next is refused with -EFAULT; writes to
 * the ROM with -EACCES. Nothing is accessed then. A write (and
 * pl_gpa_ptr) marks its 2 MiB regions in the guest's written map
 * (pagelab/abi.h), so the guest kernel clears that RAM before it gives it
 * to a program, even RAM that was free when the host wrote it.
 */
int pl_gpa_read(struct pl_sandbox *sb, uint64_t gpa, void *buf, size_t len);
int pl_gpa_write(struct pl_sandbox *sb, uint64_t gpa, const void *buf, size_t len);
/* A host pointer to len writable bytes at gpa, or NULL (pl_error()). */
void *pl_gpa_ptr(struct pl_sandbox *sb, uint64_t gpa, size_t len);

/*
 * 0 if filter is a list the kernel's "trace=" option takes: system call
 * names and strace's classes (%file %desc %memory %process %signal %creds
 * %clock) separated by commas. Otherwise -1 with one line in err.
 */
int pl_trace_filter_check(const char *filter, char *err, size_t errlen);

/* ---------------------------------------------------------------- results */

/* The process exit status for an end: the guest's status or PL_EXIT_*. */
int pl_exit_status(enum pl_end end, int guest_status);
const char *pl_end_name(enum pl_end end);
const char *pl_exit_kind_name(enum pl_exit_kind kind);
/* "#PF page fault": an x86 exception vector as reports name it; "interrupt" past 19. */
const char *pl_exception_name(uint64_t vector);
/* Exit counts, hypercalls and events, a few lines for people. */
void pl_result_print_stats(const struct pl_result *res, FILE *f);
/*
 * The same as one JSON object on one line: "end", "guest_status",
 * "exit_status", "run_ns", "stops", "exits" (by kind, and "total"),
 * "devices" (each with "reads", "writes", "errors" and its "counters"),
 * "events" ([{"kind", "value"}]) and "events_dropped".
 */
void pl_result_print_stats_json(const struct pl_result *res, FILE *f);

#ifdef __cplusplus
}
#endif

/* Looking into a guest from the host: processes, page tables, dirty pages, traps, memory types. */
#include <pagelab/inspect.h>
/* The IOMMU: DMA through the guest's mappings, the fault log, counters. */
#include <pagelab/iommu.h>

#endif
