/* SPDX-License-Identifier: MIT */
/*
 * libpagelab, continued: looking into a guest from the host. Its processes
 * and their page tables (at a stop), the dirty-page log, trapped regions
 * with their access log, the VGA text screen and the host's honesty about
 * memory types. Included by <pagelab/hostlib.h>; README, "libpagelab".
 */
#ifndef PAGELAB_INSPECT_H
#define PAGELAB_INSPECT_H

#include <pagelab/hostlib.h>

#ifdef __cplusplus
extern "C" {
#endif

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
 * (a user address), rsp, the arithmetic flags and TF of rflags are taken
 * (TF: a single step, under the kernel option "gdb").
 * 0 or -errno with pl_error().
 */
int pl_process_regs(struct pl_sandbox *sb, int pid, struct pl_user_regs *regs);
int pl_process_set_regs(struct pl_sandbox *sb, int pid, const struct pl_user_regs *regs);

/*
 * The lines /proc/PID/maps of process pid (0: the one that stopped) gives
 * at this stop, into buf as snprintf does: at most len - 1 bytes and a
 * NUL. Returns the length of the whole text (call again with more room
 * when it is >= len), or -errno with pl_error(): -ENOENT before the first
 * stop, -EAGAIN at a debug stop inside the guest kernel (its VMA trees may
 * be mid-change there, so it publishes none), -ESRCH for a pid that is not alive at this stop, -EPROTO for a
 * corrupt table, -E2BIG for a map that did not fit the PL_MAPS_MAX
 * entries all processes share or a name longer than PL_MAPS_NAME_MAX - 1
 * bytes.
 */
int pl_process_maps(struct pl_sandbox *sb, int pid, char *buf, size_t len);

/*
 * The registers where the last stop happened: at a checkpoint, assertion,
 * fault or a debug stop in user mode the stopping process's (as
 * pl_process_regs), at a debug stop inside the guest kernel (pagelab run
 * --gdb, a breakpoint or step at a kernel address) the kernel's trap frame,
 * whose cs has RPL 0. Writing takes what pl_process_set_regs takes; rip
 * stays on its side (a user address in a user frame, a kernel one in a
 * kernel frame). 0 or -errno with pl_error(): -ENOENT when the last stop
 * has no frame (a pause).
 */
int pl_stop_regs(struct pl_sandbox *sb, struct pl_user_regs *regs);
int pl_stop_set_regs(struct pl_sandbox *sb, const struct pl_user_regs *regs);

/*
 * A process's FPU and SSE registers (x87 stack, xmm0-15, mxcsr) as fxsave64
 * stores them, and its user FS and GS bases, as its kernel holds them at
 * this stop (it saves the running process's at every stop and loads them
 * back after, so writes take effect when the guest resumes). Writing
 * refuses an mxcsr with a reserved bit and a base outside user space
 * (-EINVAL). -EAGAIN for the process running at a stop inside the guest
 * kernel, whose state the CPU holds; otherwise as pl_process_regs.
 */
struct pl_user_fpregs {
	uint8_t fxsave[512];
	uint64_t fs_base, gs_base;
};
int pl_process_fpregs(struct pl_sandbox *sb, int pid, struct pl_user_fpregs *regs);
int pl_process_set_fpregs(struct pl_sandbox *sb, int pid, const struct pl_user_fpregs *regs);

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
 * Sets the general registers, rip and rflags of the vCPU (KVM_SET_REGS;
 * the control registers and selectors in regs are ignored), as a debugger
 * does at a pause: the guest resumes with them. 0 or -errno.
 */
int pl_vcpu_set_regs(struct pl_sandbox *sb, const struct pl_vcpu_regs *regs);

/*
 * Draws the guest-physical map and, unless pid < 0, the virtual mappings
 * of process pid (0: the one that stopped; runs of present leaves of its
 * page tables) with a band from each to the memory behind it, as an SVG
 * a person can open. 0 or -errno with pl_error().
 */
int pl_map_svg(struct pl_sandbox *sb, int pid, FILE *f);

/* ---------------------------------------------------------------- faults */

/*
 * Before the first step: on, every user fault the guest kernel is about to
 * turn into SIGSEGV, SIGBUS, SIGILL or SIGFPE (an exception, not a kill(),
 * and not int3 or a single step, which are gdb's) stops the run first with
 * PL_STOP_FAULT (pid, stop.fault: signal, si_code, address, RIP). The
 * process's registers (pl_process_regs) and memory (pl_gva_read) are
 * readable there as at a checkpoint; the next step delivers the signal as
 * Linux would (a handler runs, or the process dies). 0, or -EBUSY after the
 * first step.
 */
int pl_sandbox_watch_faults(struct pl_sandbox *sb, bool on);

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

#ifdef __cplusplus
}
#endif

#endif
