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
};

struct pl_stop {
	enum pl_stop_kind kind;
	uint64_t time_ns;   /* since the first step */
	int pid;	    /* the guest process that stopped (checkpoint, assertion), else 0 */
	uint64_t cr3;	    /* its page tables, for pl_gva_to_gpa */
	uint64_t id, value; /* checkpoint */
	struct {
		char file[PL_STOP_FILE_MAX];
		char expr[PL_STOP_EXPR_MAX];
		uint64_t line;
		unsigned nvalues; /* how many of a, b the assertion carried */
		uint64_t a, b;
	} assertion;
	int exit_status; /* PL_STOP_END: as pl_sandbox_run returns */
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
 * the ROM with -EACCES. Nothing is accessed then.
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

/* ---------------------------------------------------------------- processes */

/* Memory types, as IA32_PAT encodes them. */
enum pl_memtype {
	PL_MT_UC = 0,
	PL_MT_WC = 1,
	PL_MT_WT = 4,
	PL_MT_WP = 5,
	PL_MT_WB = 6,
	PL_MT_UC_MINUS = 7,
};
const char *pl_memtype_name(enum pl_memtype type);

/* What a page-table walk found. */
struct pl_gva_info {
	uint64_t gpa;	    /* the translation (leaf frame + offset) */
	uint64_t pte;	    /* the leaf entry, or the entry that was not present */
	uint64_t page_size; /* 4 KiB, 2 MiB or 1 GiB */
	unsigned level;	    /* of the leaf (1 PT, 2 PD, 3 PDPT), or where the walk stopped */
	bool present;
	bool writable, user, nx; /* combined over every level, as the CPU does */
	bool accessed, dirty;	 /* the leaf's */
	enum pl_memtype memtype; /* PAT/PCD/PWT through the guest's IA32_PAT */
};

/* A process of the guest kernel, as its table (abi.h, struct pl_proctab) says at the last stop. */
struct pl_process {
	int pid;
	uint64_t cr3;
	char comm[16];
};

/*
 * The guest's processes at the last checkpoint or assertion stop: up to
 * max into procs; returns how many there are, or -errno (-ENOENT: no
 * stop yet; -EPROTO: the guest's table is corrupt) with pl_error().
 */
int pl_processes(struct pl_sandbox *sb, struct pl_process *procs, int max);
/*
 * Translates gva in process pid (0: the process of the last stop) by
 * walking its page tables in guest memory: 4 KiB, 2 MiB and 1 GiB leaves.
 * 0, with *gpa and *info (either may be NULL); -ESRCH for an unknown pid,
 * -EFAULT for an address that is not mapped (info still says where the
 * walk stopped), -EINVAL for a non-canonical one, -EPROTO for tables or a
 * process table outside guest memory. pl_error() is set on failure.
 */
int pl_gva_to_gpa(struct pl_sandbox *sb, int pid, uint64_t gva, uint64_t *gpa,
		  struct pl_gva_info *info);
/*
 * Copies len bytes at gva of process pid, page by page across mappings;
 * writes need writable user mappings. 0, or -errno as pl_gva_to_gpa
 * (-EACCES for a write to a read-only page); nothing is copied then.
 */
int pl_gva_read(struct pl_sandbox *sb, int pid, uint64_t gva, void *buf, size_t len);
int pl_gva_write(struct pl_sandbox *sb, int pid, uint64_t gva, const void *buf, size_t len);

/*
 * The user registers of process pid (0: the one that stopped) as its
 * kernel saved them at its last entry (struct pl_user_regs in abi.h).
 * Setting them changes what the process resumes with: only rax..r15, rip
 * (a user address), rsp and the arithmetic flags of rflags are taken.
 * 0 or -errno with pl_error().
 */
int pl_process_regs(struct pl_sandbox *sb, int pid, struct pl_user_regs *regs);
int pl_process_set_regs(struct pl_sandbox *sb, int pid, const struct pl_user_regs *regs);

/* The vCPU's registers now (KVM_GET_REGS and KVM_GET_SREGS). */
struct pl_vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t cr0, cr2, cr3, cr4, efer;
	uint16_t cs, ss; /* selectors */
};
int pl_vcpu_regs(struct pl_sandbox *sb, struct pl_vcpu_regs *regs);

/*
 * Draws the guest-physical map and, unless pid < 0, the virtual mappings
 * of process pid (0: the one that stopped; runs of present leaves of its
 * page tables) with a band from each to the memory behind it, as an SVG
 * a person can open. 0 or -errno with pl_error().
 */
int pl_map_svg(struct pl_sandbox *sb, int pid, FILE *f);

/* ---------------------------------------------------------------- dirty pages */

/*
 * KVM's dirty-page log over guest memory. Start it before the first step
 * when seccomp is on (it changes memory slots, which the filter forbids
 * later: -EPERM then). pl_dirty_log_get puts the guest-physical addresses
 * of the 4 KiB pages written since the start or the previous get, in
 * address order, into gpas (at most max of them) and returns how many
 * there are (which may be more than max), or -errno. The guest kernel's
 * own writes count too: its stacks, page tables, the stop block and
 * process table at each stop, console buffers.
 */
int pl_dirty_log_start(struct pl_sandbox *sb);
long pl_dirty_log_get(struct pl_sandbox *sb, uint64_t *gpas, size_t max);
int pl_dirty_log_stop(struct pl_sandbox *sb);

/* ---------------------------------------------------------------- trapped regions */

/* One guest access to a trapped region. */
struct pl_trap_access {
	uint64_t time_ns; /* since the first step */
	uint64_t rip;	  /* of the instruction */
	uint64_t gpa;
	uint64_t value; /* written, or read (what the guest got) */
	uint32_t vcpu;
	uint8_t size; /* 1, 2, 4 or 8 */
	bool write;
};

/*
 * Called for each access before it is done. Return 0 to let the region
 * behave as memory (a read returns what was last written), 1 when the
 * callback decided (a read returns access->value; a write is not stored),
 * or -errno as a device callback's error.
 */
typedef int (*pl_trap_fn)(void *opaque, struct pl_trap_access *access);

/*
 * Makes every guest access to [gpa, gpa + size) exit to the host and be
 * logged: inside RAM (page-aligned; the guest kernel is told to leave it
 * alone, a reserved range in the device tree) or inside the device window
 * (backed by host memory). Before the first step and before the dirty log;
 * fn may be NULL. 0, or -errno with pl_error() (overlaps, outside, too many).
 */
int pl_sandbox_add_trap(struct pl_sandbox *sb, uint64_t gpa, uint64_t size, pl_trap_fn fn,
			void *opaque);
/*
 * Takes up to max accesses from the log, oldest first; *dropped (if not
 * NULL) gets how many were lost to a full log since the last call. The log
 * holds PL_ACCESS_LOG_SIZE accesses, the oldest giving way. Callable from
 * any thread while the guest runs.
 */
size_t pl_access_log_read(struct pl_sandbox *sb, struct pl_trap_access *out, size_t max,
			  uint64_t *dropped);
#define PL_ACCESS_LOG_SIZE 65536

/*
 * The same walk from the vCPU's current address space (its CR3) rather
 * than a process's: after a run, the address space of the process that
 * ended it (the program itself when it exited), so a test can check its
 * mappings from outside. 0, or -errno as pl_gva_to_gpa.
 */
int pl_gva_translate(struct pl_sandbox *sb, uint64_t gva, struct pl_gva_info *info);

/*
 * The VGA text screen (80x25 at guest-physical 0xB8000) as text: 25 lines,
 * each without trailing blanks and ending in '\n', printable ASCII as
 * itself, NUL cells as blanks, other characters as '.'; NUL-terminated.
 * buf needs PL_VGA_TEXT_MAX bytes. Returns the length, or -1 when size is
 * too small.
 */
#define PL_VGA_COLS	80
#define PL_VGA_ROWS	25
#define PL_VGA_TEXT_MAX (PL_VGA_ROWS * (PL_VGA_COLS + 1) + 1)
int pl_vga_text(struct pl_sandbox *sb, char *buf, size_t size);

/* ---------------------------------------------------------------- memory types */

/*
 * Whether this host honours the memory types (PAT, PCD/PWT) in a guest's
 * page tables, which PROT_NOCACHE and device mappings rely on.
 */
struct pl_memtype_report {
	/*
	 * KVM lets a VM turn off KVM_X86_QUIRK_IGNORE_GUEST_PAT, and every
	 * sandbox does; without it KVM maps guest RAM write-back whatever
	 * the guest asks (kvm_pvm does not offer it).
	 */
	bool pat_quirk_offered;
	/* Measured by the kernel's selftest=memtype: picoseconds per 8-byte load. */
	uint64_t cached_ps;   /* through a write-back leaf */
	uint64_t uncached_ps; /* through a PCD|PWT (UC) leaf */
};

/*
 * Boots kernel once (16 MiB, a few milliseconds) in a thread of its own,
 * so the caller's thread is not confined by the run's seccomp filter.
 * 0, or -1 with pl_error().
 */
int pl_memtype_probe(const char *kernel, struct pl_memtype_report *out);

/* ---------------------------------------------------------------- results */

/* The process exit status for an end: the guest's status or PL_EXIT_*. */
int pl_exit_status(enum pl_end end, int guest_status);
const char *pl_end_name(enum pl_end end);
const char *pl_exit_kind_name(enum pl_exit_kind kind);
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

#endif
