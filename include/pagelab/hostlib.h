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
	FILE *console;	     /* PL_STREAM_CONSOLE: kernel messages and the UART */
	FILE *out;	     /* PL_STREAM_STDOUT */
	FILE *err;	     /* PL_STREAM_STDERR */
	FILE *report;	     /* the paragraph about an abnormal end; NULL = stderr */
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

#define PL_HC_COUNT 9 /* hypercalls[0] counts unknown numbers */

struct pl_event {
	uint64_t kind;
	uint64_t value;
};

struct pl_result {
	enum pl_end end;
	int guest_status;  /* PL_END_EXIT: 0..255 */
	int exit_status;   /* what a process running the sandbox should exit with */
	char report[1024]; /* one paragraph for an abnormal end, else "" */

	uint64_t exits[PL_XK_COUNT];
	uint64_t exits_total;
	uint64_t hypercalls[PL_HC_COUNT]; /* by number; [0] = unknown */
	uint64_t uart_bytes;
	uint64_t rom_writes; /* ignored guest writes to the ROM */
	uint64_t cores;	     /* core files written to cfg->core_dir */
	uint64_t run_ns;     /* wall time inside pl_sandbox_run */

	const struct pl_event *events; /* owned by the sandbox */
	size_t nevents;
	uint64_t events_dropped;
};

struct pl_sandbox;

/* NULL on failure, with pl_error() and pl_error_kind() set. */
struct pl_sandbox *pl_sandbox_create(const struct pl_config *cfg);
/*
 * Runs the guest until it ends. Fills *res when res is not NULL, prints
 * the report of an abnormal end to the report stream and returns
 * res->exit_status (0..255).
 *
 * A sandbox runs once: a second call returns -1 with pl_error() set
 * (PL_ERR_CONFIG) and leaves *res alone; create a new sandbox instead.
 *
 * With cfg->timeout_ms, the run uses the real-time signal SIGRTMIN + 2: a
 * POSIX timer (CLOCK_MONOTONIC) sends it to the calling thread at the
 * deadline and every 10 ms after, until the run ends. pl_sandbox_run
 * installs a process-wide handler for it (which stays installed, doing
 * nothing, after the run) and unblocks it in the calling thread for the
 * run's duration only. A program that uses SIGRTMIN + 2 itself must not
 * run sandboxes with a timeout. Without a timeout no signal is involved.
 * Sandboxes may run in several threads at once, one per thread.
 */
int pl_sandbox_run(struct pl_sandbox *sb, struct pl_result *res);
void pl_sandbox_destroy(struct pl_sandbox *sb);
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
 * A guest virtual address of the vCPU's current address space (its CR3),
 * walked as the MMU walks it. After a run that is the address space of the
 * process that ended it: the program's own when it exited, so a test can
 * check its mappings from outside. 0, or -EFAULT (not mapped, or tables
 * outside guest memory) / -EINVAL (not canonical) with pl_error().
 */
struct pl_gva_info {
	uint64_t gpa;	     /* guest-physical address of the byte */
	uint64_t pte;	     /* the leaf entry (a PTE, or a 2 MiB / 1 GiB page's entry) */
	uint64_t page_size;  /* 4096, 2 MiB or 1 GiB */
	bool uncached;	     /* PCD set (PROT_NOCACHE sets PCD|PWT) */
	const char *memtype; /* "WB", "WT", "UC-" or "UC" through the reset PAT the kernel keeps */
};
int pl_gva_translate(struct pl_sandbox *sb, uint64_t gva, struct pl_gva_info *out);

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
struct pl_memtype {
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
int pl_memtype_probe(const char *kernel, struct pl_memtype *out);

/* ---------------------------------------------------------------- results */

/* The process exit status for an end: the guest's status or PL_EXIT_*. */
int pl_exit_status(enum pl_end end, int guest_status);
const char *pl_end_name(enum pl_end end);
const char *pl_exit_kind_name(enum pl_exit_kind kind);
/* Exit counts, hypercalls and events, a few lines for people. */
void pl_result_print_stats(const struct pl_result *res, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
