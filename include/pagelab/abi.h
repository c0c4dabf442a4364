/* SPDX-License-Identifier: MIT */
/*
 * The contract between libpagelab (host) and the pagelab guest kernel.
 *
 * Only plain integer types and constants live here: the file is included
 * by freestanding guest code and by the host, so it must not depend on
 * either side's headers.
 */
#ifndef PAGELAB_ABI_H
#define PAGELAB_ABI_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* Nothing here has linkage; the guard is there as in every public header. */
#if defined(__cplusplus) && !defined(__ASSEMBLY__)
extern "C" {
#endif

#define PAGELAB_VERSION "0.1.0"

/*
 * The kernel's ELF file carries a note (in a PT_NOTE segment) with name
 * PL_ELFNOTE_NAME, type PL_ELFNOTE_ABI and a 4-byte descriptor: the
 * PL_ABI_VERSION it was built against. The host refuses a kernel without
 * the note (say, an ordinary program given as the kernel) and one built
 * for another version. Raise PL_ABI_VERSION with every change to this
 * file that an older kernel or host would misread.
 */
#define PL_ABI_VERSION	2
#define PL_ELFNOTE_NAME "pagelab"
#define PL_ELFNOTE_ABI	1

/*
 * Boot protocol. The host enters the kernel's ELF entry point in 64-bit
 * long mode at CPL0 with paging on:
 *   rdi = guest-physical address of the flattened device tree
 *   rsi = PL_BOOT_MAGIC
 *   interrupts off, rsp = 0 (the kernel sets up its own stack first).
 * The boot page tables map guest-physical [0, PL_BOOT_MAP_SIZE) twice:
 * identity, and at PL_KERNEL_VBASE (the kernel is linked there). Every
 * entry carries U=1 because kvm_pvm needs it before the kernel opts in to
 * native execution (see docs/kvm-pvm.md); the kernel replaces the tables
 * with its own early in boot.
 */
#define PL_BOOT_MAGIC	   0x7061676c61623031ULL /* "pglab01" */
#define PL_KERNEL_VBASE	   0xffffffff80000000ULL
#define PL_BOOT_MAP_SIZE   (1ULL << 30)
#define PL_DIRECT_MAP_BASE 0xffff888000000000ULL

/*
 * A program's address space: user space is [0, PL_USER_TOP), as Linux's
 * TASK_SIZE (the page above holds the kernel's user trampolines). A static
 * PIE loads at PL_PIE_BASE, Linux's base without ASLR. The host refuses a
 * program whose segments or entry point lie outside user space before boot,
 * and the guest's loader refuses it again (ENOEXEC).
 */
#define PL_USER_TOP 0x00007ffffffff000ULL
#define PL_PIE_BASE 0x0000555555554000ULL

/* Segment selectors the host's boot GDT uses and the kernel keeps. */
#define PL_SEL_KCODE   0x10
#define PL_SEL_KDATA   0x18
#define PL_SEL_UCODE32 0x23
#define PL_SEL_UDATA   0x2b
#define PL_SEL_UCODE   0x33
#define PL_SEL_TSS     0x40

/* Guest-physical memory map (PC-like; see DESIGN.md). */
#define PL_LOWRAM_END	0x000a0000ULL
#define PL_VGA_BASE	0x000a0000ULL
#define PL_VGA_SIZE	0x00020000ULL
#define PL_VGA_TEXT	0x000b8000ULL
#define PL_ROM_BASE	0x000f0000ULL
#define PL_ROM_SIZE	0x00010000ULL
#define PL_RAM_BASE	0x00100000ULL
#define PL_BELOW16M_END 0x01000000ULL
#define PL_LOWRAM_TOP	0xc0000000ULL /* RAM below 4 GiB ends here */
#define PL_MMIO_BASE	0xd0000000ULL /* device window */
#define PL_MMIO_SIZE	0x10000000ULL
#define PL_HIGHRAM_BASE 0x100000000ULL

/*
 * Devices in the device window (issue 12). The virtio-iommu is a virtio-mmio
 * (version 2) device, type 23; its device-tree node is virtio_mmio@d0000000
 * with #iommu-cells = <1> and phandle PL_VIRTIO_IOMMU_PHANDLE, so a device
 * behind it says iommus = <PL_VIRTIO_IOMMU_PHANDLE endpoint>. Endpoint ids
 * below PL_IOMMU_USER_ENDPOINT_MIN are pagelab's; a host program's own
 * devices use the ids from there on.
 */
#define PL_VIRTIO_IOMMU_BASE	   0xd0000000ULL
#define PL_VIRTIO_IOMMU_SIZE	   0x1000ULL
#define PL_DMA_ENGINE_BASE	   0xd0001000ULL
#define PL_DMA_ENGINE_SIZE	   0x1000ULL
#define PL_DMA_ENGINE_ENDPOINT	   1
#define PL_IOMMU_USER_ENDPOINT_MIN 16
#define PL_VIRTIO_IOMMU_PHANDLE	   0x100
/*
 * Device interrupts are MSIs to the boot CPU's local APIC (fixed delivery,
 * edge): a device's node names its vector in PL_FDT_PROP_MSI_VECTOR (u32).
 * Vectors 0x30..0x3f are the devices'; the kernel's own sit elsewhere.
 */
#define PL_FDT_PROP_MSI_VECTOR	"pagelab,msi-vector"
#define PL_MSI_VEC_VIRTIO_IOMMU 0x30
#define PL_MSI_VEC_DEVICE_FIRST 0x30
#define PL_MSI_VEC_DEVICE_LAST	0x3f

/* Port I/O devices. */
#define PL_PORT_UART0	  0x3f8
#define PL_PORT_HYPERCALL 0x500 /* out32: GPA of a struct pl_hcall (< 4 GiB) */
#define PL_PORT_EXIT	  0x504 /* out32: the run's exit status */

#ifndef __ASSEMBLY__
/*
 * Hypercalls. One `out` carries the guest-physical address of this block;
 * the host validates every field, performs the call and writes `ret`
 * (>= 0 result, or a negative PL_E* error) before the guest resumes.
 * Whole buffers move per exit: an exit costs ~66 us on kvm_pvm.
 */
struct pl_hcall {
	uint32_t nr;
	uint32_t pad;
	uint64_t arg[4];
	int64_t ret;
};

enum pl_hcall_nr {
	PL_HC_WRITE = 1, /* arg0 = stream, arg1 = buf GPA, arg2 = len */
	PL_HC_READ = 2,	 /* arg0 = stream (PL_STREAM_STDIN), arg1 = buf GPA, arg2 = len;
			  * ret = bytes read, 0 at end of input */
	/*
	 * arg0 = kind, arg1 = value: an event seen by the host; arg2 = kind,
	 * arg3 = value: a second one in the same exit, when arg2 is not 0.
	 */
	PL_HC_EVENT = 3,
	PL_HC_PANIC = 4, /* arg0 = GPA of a struct pl_panic_report */
	/*
	 * arg0 = GPA of a struct pl_panic_report whose message lists the
	 * blocked processes: every process sleeps and nothing can wake one.
	 */
	PL_HC_DEADLOCK = 5,
	/*
	 * Core files (pagelab run --core-dir DIR), one at a time, streamed:
	 * OPEN arg0 = GPA of the file name, arg1 = its length (a plain name,
	 * PL_CORE_NAME_MAX bytes at most, no '/'; the host creates DIR/name
	 * afresh, never through a symlink); WRITE arg0 = GPA of arg1 struct
	 * pl_hc_iov (at most PL_HC_MAX_IOV), appended in order; CLOSE arg0 = 1
	 * keeps the file, 0 removes it. ret: 0 / bytes written, or -PL_E_*;
	 * -PL_E_NOSYS from OPEN when the run writes no core files.
	 */
	PL_HC_CORE_OPEN = 6,
	PL_HC_CORE_WRITE = 7,
	PL_HC_CORE_CLOSE = 8,
	/*
	 * arg0 = GPA of a struct pl_stop_block: a program reached a
	 * checkpoint or failed an assertion. The host stops the run there and
	 * resumes the guest after this one exit (an assertion ends the run).
	 */
	PL_HC_STOP = 9,
	/*
	 * arg0 = stream (PL_STREAM_STDIN): ret 1 if a PL_HC_READ would not
	 * wait (input is there, or its end, or the run has no input), 0 if
	 * it would. The guest asks only when a program polls the console.
	 */
	PL_HC_POLL = 10,
};

/* One piece of a core file: len bytes at gpa, or len zero bytes (PL_CORE_HOLE). */
struct pl_hc_iov {
	uint64_t gpa;
	uint64_t len;
};

#define PL_CORE_HOLE	  (~0ULL)
#define PL_HC_MAX_IOV	  256
#define PL_CORE_NAME_MAX  64
#define PL_CORE_MAX_BYTES (64ULL << 30) /* a bigger core is refused (-PL_E_FBIG) */

/*
 * pagelab's own system calls (the guest SDK headers call them with
 * syscall(2)). Linux allocates its x86-64 numbers densely from 0 and x32's
 * from bit 30, so numbers with bit 29 set are never a Linux call: natively
 * they fail with ENOSYS, which the SDK turns into a no-op with a note.
 *   PL_SYS_BASE + 0x00..0x0f: stops the host sees (checkpoints, assertions)
 *   PL_SYS_BASE + 0x10..0x2f: physical memory (mem_offset, typed memory,
 *                             minherit, shm_ctl)
 *   PL_SYS_BASE + 0x30..0x3f: the IOMMU (pagelab_iommu, for tests and benchmarks)
 *   PL_SYS_BASE + 0x40..0x4f: DMA devices
 */
#define PL_SYS_BASE 0x20000000
/* pagelab_checkpoint(id, value): one stop the host sees; 0, natively -ENOSYS */
#define PL_SYS_CHECKPOINT (PL_SYS_BASE + 0x00)
/* (const struct pl_assert_info *): a failed assertion; does not return in the sandbox */
#define PL_SYS_ASSERT (PL_SYS_BASE + 0x01)

/*
 * pagelab_iommu(op, a, b, c, d, e): the kernel's IOMMU driver driven
 * directly, so tests and benchmarks reach every virtio-iommu request from a
 * program (root only: MAP names physical addresses). -ENODEV without the
 * device (under QEMU's TCG). 0 or -errno unless said otherwise:
 *   ATTACH(domain, endpoint)  DETACH(domain, endpoint)
 *   MAP(domain, iova, pa, len, PL_IOMMU_MAP_*)  UNMAP(domain, iova, len)
 *   MAP_MANY(domain, struct pl_iommu_op_map *, n) / UNMAP_MANY(the same):
 *     n requests, one notification per batch; the first error
 *   DOMAIN_ALLOC(): a free domain id, or -ENOSPC
 *   INFO(struct pl_iommu_info *)
 *   FAULTS(struct pl_iommu_guest_fault *, max): faults the driver received
 *     on its event queue, oldest first; returns how many it ever received
 *   PROBE(endpoint, struct pl_iommu_probe_info *)
 */
#define PL_SYS_IOMMU (PL_SYS_BASE + 0x30)

enum pl_iommu_op {
	PL_IOMMU_OP_ATTACH = 1,
	PL_IOMMU_OP_DETACH = 2,
	PL_IOMMU_OP_MAP = 3,
	PL_IOMMU_OP_UNMAP = 4,
	PL_IOMMU_OP_MAP_MANY = 5,
	PL_IOMMU_OP_UNMAP_MANY = 6,
	PL_IOMMU_OP_DOMAIN_ALLOC = 7,
	PL_IOMMU_OP_INFO = 8,
	PL_IOMMU_OP_FAULTS = 9,
	PL_IOMMU_OP_PROBE = 10,
};

#define PL_IOMMU_MAP_READ  1
#define PL_IOMMU_MAP_WRITE 2
#define PL_IOMMU_MAP_MMIO  4
#define PL_IOMMU_MANY_MAX  4096

struct pl_iommu_op_map {
	uint64_t iova, pa, len;
	uint32_t flags;
	uint32_t pad;
};

struct pl_iommu_info {
	uint64_t iova_start, iova_end; /* inclusive */
	uint64_t page_size_mask;
	uint32_t domain_start, domain_end;
	uint64_t requests, notifications; /* the driver's, since boot */
	uint64_t interrupts;		  /* event-queue MSIs the driver took */
};

struct pl_iommu_guest_fault {
	uint32_t endpoint, reason, flags, pad;
	uint64_t iova;
};

struct pl_iommu_probe_info {
	uint64_t msi_start, msi_end; /* the reserved MSI window, 0/0 when none was reported */
};

/* What a program passes with PL_SYS_ASSERT (user pointers, checked by the kernel). */
struct pl_assert_info {
	uint64_t file; /* user addresses of NUL-terminated strings */
	uint64_t expr;
	uint64_t line;
	uint64_t nvalues; /* 0..2: how many of a, b mean something */
	uint64_t a, b;
};

/*
 * A process's user registers as its kernel saved them when it entered the
 * kernel (the guest's struct trap_frame): at a checkpoint, the registers
 * of the pagelab_checkpoint system call (rax holds its number).
 */
struct pl_user_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * What a host needs to look at the guest's processes from outside
 * (pl_gva_to_gpa, pl_process_maps): the guest kernel's table of processes
 * and one pool of memory-map entries, both in the kernel image (physically
 * contiguous, below 4 GiB). Every PL_HC_STOP refreshes both for EVERY live
 * process and its block carries the table's address (proctab_gpa); the
 * table carries the pool's (maps_gpa). Nothing is kept current between
 * stops, so a run without stops pays nothing; a stop pays one walk of every
 * process's VMAs. The host validates all of it before use: a corrupt table
 * is an error, never a crash.
 *
 * Version 3 (PL_ABI_VERSION 2): every process's map, not only the stopping
 * one's, from one shared pool.
 */
#define PL_PROCTAB_MAGIC   0x6261746370676c70ULL /* "plgpctab" */
#define PL_PROCTAB_VERSION 3
#define PL_PROCTAB_MAX	   256

struct pl_proctab_entry {
	uint32_t pid;
	uint32_t maps_count; /* its mappings: pool entries [maps_first, maps_first + maps_count) */
	uint64_t cr3;	     /* its PML4 (docs/kvm-pvm.md: the first of the pair) */
	uint64_t frame_gpa;  /* its saved user registers, struct pl_user_regs */
	char comm[16];	     /* its name, NUL-padded */
	uint32_t maps_first;
	uint32_t maps_complete; /* 1: all its VMAs are there; 0: the pool ran out */
	/*
	 * Its FPU and SSE state (512 bytes, fxsave64 layout) and its user FS
	 * and GS bases, which the host may change: after the stop the kernel
	 * loads what it finds here (a base outside user space and reserved
	 * MXCSR bits are ignored). fpu_gpa is 0 where the kernel cannot say:
	 * for the process running at a stop inside the kernel (a debug stop
	 * at a kernel address), whose state the CPU holds.
	 */
	uint64_t fpu_gpa;
	uint64_t fs_base, gs_base;
};

/*
 * Memory maps as /proc/PID/maps shows them at this stop, one entry a line
 * (the host formats them as guest/fs/proc_maps.c does): the entries of
 * every process, each process's in ascending address order. PL_MAPS_MAX
 * entries are shared by all processes, filled in table order; a process
 * whose map did not fit is marked incomplete (the host says -E2BIG).
 */
#define PL_MAPS_MAGIC	 0x7370616d67676c70ULL /* "plggmaps" */
#define PL_MAPS_VERSION	 2
#define PL_MAPS_MAX	 1024
#define PL_MAPS_NAME_MAX 256

enum pl_maps_flag {
	PL_MAPS_READ = 1,
	PL_MAPS_WRITE = 2,
	PL_MAPS_EXEC = 4,
	PL_MAPS_SHARED = 8,	     /* 's' in the perms column, else 'p' */
	PL_MAPS_NAME_TRUNCATED = 16, /* the name did not fit name[] */
};

struct pl_maps_entry {
	uint64_t start, end; /* [start, end), page aligned */
	uint64_t offset;     /* the offset column */
	uint64_t inode;
	uint32_t flags; /* enum pl_maps_flag */
	uint16_t major, minor;
	char name[PL_MAPS_NAME_MAX]; /* NUL-terminated; "" for none */
};

struct pl_maps {
	uint64_t magic;
	uint32_t version;
	uint32_t count; /* entries in use, at most PL_MAPS_MAX */
	struct pl_maps_entry entry[PL_MAPS_MAX];
};

struct pl_proctab {
	uint64_t magic;
	uint32_t version;
	uint32_t count;	   /* entries in use, at most PL_PROCTAB_MAX */
	uint64_t maps_gpa; /* the struct pl_maps pool the entries' maps_first index; 0 at a
			    * stop inside the kernel (its VMA trees may be mid-change) */
	/*
	 * The pid of the process on the CPU, kept current by every context
	 * switch even between stops: at a pause (pl_sandbox_interrupt) it says
	 * which process the guest was running.
	 */
	uint32_t running;
	uint32_t pad;
	struct pl_proctab_entry entry[PL_PROCTAB_MAX];
};

/* PL_HC_STOP: the guest kernel fills it from the calling process. */
enum pl_stop_block_kind {
	PL_STOP_BLOCK_CHECKPOINT = 1,
	PL_STOP_BLOCK_ASSERT = 2,
	/*
	 * Kernel option "gdb": a #BP or #DB in user mode or in the kernel, or
	 * the first program's first instruction (id: the vector, 3 or 1, or 0
	 * for the start). frame_gpa is the frame of the trap (struct
	 * pl_user_regs layout; a kernel one when its cs has RPL 0): its rip is
	 * where the code resumes, TF is clear in its rflags, and the host may
	 * change it before it resumes.
	 */
	PL_STOP_BLOCK_DEBUG = 3,
	/*
	 * PL_HOST_F_WATCH_FAULTS: a user exception the kernel is about to turn
	 * into SIGSEGV, SIGBUS, SIGILL or SIGFPE (fault_*); the signal follows
	 * when the host resumes.
	 */
	PL_STOP_BLOCK_FAULT = 4,
};

#define PL_STOP_FILE_MAX 128
#define PL_STOP_EXPR_MAX 192

struct pl_stop_block {
	uint32_t kind; /* enum pl_stop_block_kind */
	uint32_t pid;
	uint64_t id, value;	/* checkpoint */
	uint64_t line, nvalues; /* assertion */
	uint64_t a, b;
	uint64_t cr3;		     /* its PML4 (docs/kvm-pvm.md: the first of the pair) */
	uint64_t frame_gpa;	     /* its registers at the call: struct pl_user_regs, or 0 */
	uint64_t proctab_gpa;	     /* the kernel's struct pl_proctab, refreshed for this stop */
	char file[PL_STOP_FILE_MAX]; /* NUL-terminated by the host, whatever the guest wrote */
	char expr[PL_STOP_EXPR_MAX];
	uint64_t fault_addr, fault_rip;	    /* si_addr (CR2 for a #PF), the faulting instruction */
	int32_t fault_signo, fault_code;    /* the signal and its si_code */
	uint32_t fault_trapno, fault_error; /* the vector and its error code */
};

/* PL_HC_EVENT kinds */
enum pl_event_kind {
	PL_EVENT_TRAPS =
	    1, /* value: privileged instructions the kernel executed (each traps on kvm_pvm) */
	PL_EVENT_EXEC_MODE = 2, /* value: 0 native ring 0 (VMX/SVM), 1 kvm_pvm opt-in */
	/* selftest=memtype: picoseconds per load through write-back and uncached leaves */
	PL_EVENT_PROBE_CACHED_PS = 3,
	PL_EVENT_PROBE_UNCACHED_PS = 4,
	/* value: ns from the kernel's C entry (kmain) to the first program's start, by the TSC */
	PL_EVENT_BOOT_NS = 5,
	PL_EVENT_CHECKPOINT = 16, /* value: a guest program's checkpoint */
};

enum pl_stream {
	PL_STREAM_STDIN = 0,
	PL_STREAM_STDOUT = 1,
	PL_STREAM_STDERR = 2,
	PL_STREAM_CONSOLE = 3, /* kernel messages */
	PL_STREAM_TRACE = 4,   /* --trace-syscalls lines */
};

/*
 * Added by the host side: the most one PL_HC_WRITE or PL_HC_READ moves.
 * A longer len is refused with -PL_E_INVAL; the guest splits its buffers.
 */
#define PL_HC_MAX_LEN (1u << 20)

#define PL_E_INVAL 22
#define PL_E_FAULT 14
#define PL_E_NOSYS 38
#define PL_E_IO	   5
#define PL_E_FBIG  27

/*
 * What the kernel tells the host when it dies: the host prints it in the
 * report and exits with PL_EXIT_GUEST_PANIC.
 */
struct pl_panic_report {
	uint64_t vector; /* exception vector, or ~0 for a software panic */
	uint64_t error_code;
	uint64_t rip;
	uint64_t cr2;
	uint64_t cr3;
	char message[160];
};

#endif /* __ASSEMBLY__ */

/* Exit statuses of a run that did not end by the guest's own exit. */
#define PL_EXIT_USAGE	     2
#define PL_EXIT_GUEST_PANIC  110 /* the guest kernel panicked or took a fatal exception */
#define PL_EXIT_TRIPLE_FAULT 111 /* KVM_EXIT_SHUTDOWN */
#define PL_EXIT_KVM_ERROR    112 /* KVM_EXIT_INTERNAL_ERROR / FAIL_ENTRY */
#define PL_EXIT_BAD_GUEST    113 /* the guest broke the device protocol */
#define PL_EXIT_HALTED	     114 /* hlt with nothing that could wake it */
#define PL_EXIT_VMM_ERROR    115 /* a host-side failure while running */
#define PL_EXIT_DEADLOCK     116 /* every guest process blocked forever: the program's deadlock */
#define PL_EXIT_GUEST_ASSERT 117 /* a program's PAGELAB_ASSERT failed */
#define PL_EXIT_TIMEOUT	     124 /* --timeout expired (as timeout(1)) */

/* Device-tree names both sides use. */
#define PL_FDT_COMPAT_ROOT     "pagelab,sandbox"
#define PL_FDT_PROP_PIO	       "pagelab,pio"
#define PL_FDT_PROP_TSC_KHZ    "pagelab,tsc-khz"
#define PL_FDT_PROP_BOOT_EPOCH "pagelab,boot-epoch-ns"
#define PL_FDT_PROP_HOST_FLAGS "pagelab,host-flags" /* /chosen, u32: PL_HOST_F_* */
#define PL_HOST_F_CORE_DUMP    0x1		    /* the host writes core files (PL_HC_CORE_*) */
#define PL_HOST_F_WATCH_FAULTS 0x2 /* user faults stop first (PL_STOP_BLOCK_FAULT) */
/*
 * /chosen carries the run: "bootargs" (kernel options, space separated:
 * verbose, trace (strace-style syscall trace), selftest=NAME), the
 * program's argument and environment vectors as FDT string lists
 * (the first argv string is the path of the program inside the initramfs),
 * and the initramfs as "linux,initrd-start" / "linux,initrd-end"
 * (64-bit values, two cells each).
 */
#define PL_FDT_PROP_ARGV "pagelab,argv"
#define PL_FDT_PROP_ENVP "pagelab,envp"

/*
 * /chosen "pagelab,written-map" (two 64-bit values: guest-physical start
 * and size in bytes, in reserved memory): one bit per 2 MiB of
 * guest-physical memory, bit i % 8 of byte i / 8 for the region that
 * starts at i << PL_WRITTEN_MAP_SHIFT. All clear at boot, as all of fresh
 * guest RAM is zero. A bit is set, never cleared, once RAM in its region
 * may have been written other than by the owner of an allocated frame:
 * the host sets it for every write it makes to guest memory (pl_gpa_write,
 * a device's DMA, a hypercall's reply), the guest kernel when it frees a
 * frame there or maps the region's physical memory for a program
 * (MAP_PHYS). A free frame in a region whose bit is clear therefore still
 * holds the host's zeroes, and the kernel hands it out without clearing
 * it. Both sides set bits with atomic ORs.
 */
#define PL_FDT_PROP_WRITTEN_MAP "pagelab,written-map"
#define PL_WRITTEN_MAP_SHIFT	21

#if defined(__cplusplus) && !defined(__ASSEMBLY__)
}
#endif

#endif
