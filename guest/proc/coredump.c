// SPDX-License-Identifier: MIT
/*
 * Core files: a process killed by a core-dumping signal leaves an ELF core
 * that gdb reads, as Linux's fs/binfmt_elf.c writes it: ET_CORE, one
 * PT_NOTE (NT_PRSTATUS with the registers, NT_PRPSINFO, NT_FPREGSET, NT_AUXV)
 * and one PT_LOAD per VMA with the pages that VMA holds. The file goes to
 * the host (pagelab run --core-dir DIR) as FreeBSD names it, NAME.core.
 *
 * Nothing is copied: the host receives lists of guest-physical ranges, the
 * headers in a kernel buffer and the process's own frames where they are,
 * up to PL_HC_MAX_IOV ranges per exit (an exit is the expensive thing).
 * Pages never touched are holes the host leaves sparse.
 *
 * Left out, as on Linux: VMAs marked VM_DONTDUMP (MADV_DONTDUMP, and
 * FreeBSD's MAP_NOCORE) and device memory (VM_IO). A core larger than
 * RLIMIT_CORE is not written at all (Linux writes a truncated one and does
 * not report it as dumped either).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/coredump.h>
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/fault.h>
#include <kernel/hugetlb.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/vm.h>

#define PAGE 4096ULL

struct core_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct core_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

struct core_nhdr {
	u32 namesz, descsz, type;
	char name[8]; /* "CORE", padded to 4-byte alignment (8 bytes) */
};

/* Linux's struct elf_prstatus on x86-64 (336 bytes); pr_reg is user_regs_struct. */
struct core_prstatus {
	s32 si_signo, si_code, si_errno;
	short cursig;
	u16 pad0;
	u64 sigpend, sighold;
	s32 pid, ppid, pgrp, sid;
	u64 utime[2], stime[2], cutime[2], cstime[2];
	u64 reg[27];
	s32 fpvalid;
	u32 pad1;
};

/* struct elf_prpsinfo on x86-64 (136 bytes). */
struct core_prpsinfo {
	char state, sname, zomb, nice;
	u32 pad0;
	u64 flag;
	u32 uid, gid;
	s32 pid, ppid, pgrp, sid;
	char fname[16];
	char psargs[80];
};

enum { ET_CORE = 4, EM_X86_64 = 62, PT_LOAD = 1, PT_NOTE = 4 };
enum { NT_PRSTATUS = 1, NT_FPREGSET = 2, NT_PRPSINFO = 3, NT_AUXV = 6 };
enum { PF_X = 1, PF_W = 2, PF_R = 4 };
/* Linux's elf_core_dump() gives up with more segments than ELF can count. */
#define CORE_MAX_PHDRS 0xfffe

_Static_assert(sizeof(struct core_prstatus) == 336, "elf_prstatus layout");
_Static_assert(sizeof(struct core_prpsinfo) == 136, "elf_prpsinfo layout");
_Static_assert(sizeof(struct pl_hc_iov) * PL_HC_MAX_IOV == PAGE, "one page of ranges");

/* Ranges on their way to the host, merged where they touch. */
struct core_out {
	struct pl_hc_iov *iov;
	unsigned n;
	long err;
};

static void out_flush(struct core_out *o)
{
	long r;

	if (!o->n || o->err)
		return;
	r = hypercall(PL_HC_CORE_WRITE, virt_to_phys(o->iov), o->n, 0, 0);
	if (r < 0)
		o->err = r;
	o->n = 0;
}

static void out_add(struct core_out *o, u64 gpa, u64 len)
{
	struct pl_hc_iov *last = o->n ? &o->iov[o->n - 1] : NULL;

	if (!len || o->err)
		return;
	if (last && last->len + len <= PL_HC_MAX_LEN &&
	    ((gpa == PL_CORE_HOLE && last->gpa == PL_CORE_HOLE) ||
	     (gpa != PL_CORE_HOLE && last->gpa != PL_CORE_HOLE && last->gpa + last->len == gpa))) {
		last->len += len;
		return;
	}
	if (o->n == PL_HC_MAX_IOV)
		out_flush(o);
	o->iov[o->n++] = (struct pl_hc_iov){ gpa, len };
}

static bool vma_dumped(const struct vma *v)
{
	return !(v->flags &
		 (VM_DONTDUMP | VM_IO | VM_PFNMAP)); /* MAP_PHYS memory is not the process's */
}

static u32 phdr_flags(const struct vma *v)
{
	return (v->prot & VM_PROT_READ ? PF_R : 0) | (v->prot & VM_PROT_WRITE ? PF_W : 0) |
	       (v->prot & VM_PROT_EXEC ? PF_X : 0);
}

/* Where the frame behind va is, or PL_CORE_HOLE for a page never touched. */
static u64 page_gpa(struct mm *mm, u64 va)
{
	u64 *pte = pt_leaf(mm->pml4_pa, va, false);

	if (!pte || !pte_present(*pte))
		return PL_CORE_HOLE;
	if (*pte & PTE_PS)
		return (*pte & PTE_ADDR & ~(HUGE_PAGE_SIZE - 1)) + (va & (HUGE_PAGE_SIZE - 1));
	return *pte & PTE_ADDR;
}

static void fill_regs(u64 *r, const struct trap_frame *f)
{
	u64 fs = current->fs_base, gs = current->gs_base;

	arch_save_user_bases(&fs, &gs);
	/* user_regs_struct's order */
	const u64 regs[27] = {
		f->r15, f->r14, f->r13,	   f->r12,
		f->rbp, f->rbx, f->r11,	   f->r10,
		f->r9,	f->r8,	f->rax,	   f->rcx,
		f->rdx, f->rsi, f->rdi,	   f->vector == VEC_SYSCALL ? current->syscall_nr : ~0ULL,
		f->rip, f->cs,	f->rflags, f->rsp,
		f->ss,	fs,	gs,	   0,
		0,	0,	0,
	};

	memcpy(r, regs, sizeof(regs));
}

static u8 *put_note(u8 *p, u32 type, const void *desc, u32 size)
{
	struct core_nhdr h = { .namesz = 5, .descsz = size, .type = type, .name = "CORE" };

	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), desc, size);
	return p + sizeof(h) + ALIGN_UP(size, 4);
}

static u32 notes_size(const struct mm *mm)
{
	u32 h = sizeof(struct core_nhdr);

	return h + sizeof(struct core_prstatus) + h + sizeof(struct core_prpsinfo) + h + 512 + h +
	       mm->saved_auxv_words * 8;
}

static u8 *put_notes(u8 *p, int sig, const struct trap_frame *f)
{
	struct proc *cur = current;
	struct core_prstatus st = { .si_signo = sig, .cursig = (short)sig };
	struct core_prpsinfo ps = { .state = 0, .sname = 'R' };
	u8 fpu[512] __aligned(16);

	st.si_code = cur->sig.fault[sig - 1].code;
	st.sigpend = cur->sig.pending;
	st.sighold = cur->sig.blocked;
	st.pid = ps.pid = cur->pid;
	st.ppid = ps.ppid = cur->parent ? cur->parent->pid : 0;
	st.pgrp = ps.pgrp = cur->pgid;
	st.sid = ps.sid = cur->sid;
	st.fpvalid = 1;
	fill_regs(st.reg, f);
	ps.uid = cur->cred.uid;
	ps.gid = cur->cred.gid;
	memcpy(ps.fname, cur->comm, sizeof(ps.fname));
	memcpy(ps.psargs, cur->comm, sizeof(cur->comm));
	asm volatile("fxsave64 %0" : "=m"(fpu));
	p = put_note(p, NT_PRSTATUS, &st, sizeof(st));
	p = put_note(p, NT_PRPSINFO, &ps, sizeof(ps));
	p = put_note(p, NT_FPREGSET, fpu, sizeof(fpu));
	return put_note(p, NT_AUXV, cur->mm->saved_auxv, cur->mm->saved_auxv_words * 8);
}

static void put_header(struct core_ehdr *eh, u16 phnum)
{
	static const u8 ident[16] = { 0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LSB */, 1 };

	*eh = (struct core_ehdr){ .type = ET_CORE,
				  .machine = EM_X86_64,
				  .version = 1,
				  .phoff = sizeof(*eh),
				  .ehsize = sizeof(*eh),
				  .phentsize = sizeof(struct core_phdr),
				  .phnum = phnum };
	memcpy(eh->ident, ident, sizeof(ident));
}

/*
 * Headers and notes in one kernel buffer; the segments' file offsets start
 * at *data_off. The whole file is *total bytes. NULL when out of memory.
 */
static u8 *build_headers(struct mm *mm, int sig, const struct trap_frame *f, u16 nload,
			 u64 *hdr_len, u64 *data_off, u64 *total)
{
	u64 phdrs_end = sizeof(struct core_ehdr) + (nload + 1ULL) * sizeof(struct core_phdr);
	u32 nsize = notes_size(mm);
	u64 off = ALIGN_UP(phdrs_end + nsize, PAGE);
	u8 *buf = kzalloc(phdrs_end + nsize);
	struct core_phdr *ph;
	struct vma *v;

	if (!buf)
		return NULL;
	put_header((struct core_ehdr *)buf, nload + 1);
	ph = (struct core_phdr *)(buf + sizeof(struct core_ehdr));
	*ph++ = (struct core_phdr){ .type = PT_NOTE, .offset = phdrs_end, .filesz = nsize };
	*data_off = off;
	for (v = mm->vmas.first; v; v = v->next) {
		if (!vma_dumped(v))
			continue;
		*ph++ = (struct core_phdr){ .type = PT_LOAD,
					    .flags = phdr_flags(v),
					    .offset = off,
					    .vaddr = v->start,
					    .filesz = v->end - v->start,
					    .memsz = v->end - v->start,
					    .align = PAGE };
		off += v->end - v->start;
	}
	put_notes(buf + phdrs_end, sig, f);
	*hdr_len = phdrs_end + nsize;
	*total = off;
	return buf;
}

static void send_segments(struct core_out *o, struct mm *mm)
{
	for (struct vma *v = mm->vmas.first; v && !o->err; v = v->next) {
		if (!vma_dumped(v))
			continue;
		for (u64 va = v->start; va < v->end; va += PAGE) {
			u64 gpa = page_gpa(mm, va);

			out_add(o, gpa, PAGE);
		}
	}
}

static bool open_core_file(void)
{
	char name[PL_CORE_NAME_MAX];
	size_t n = strnlen(current->comm, sizeof(current->comm));

	memcpy(name, current->comm, n);
	memcpy(name + n, ".core", 6);
	return hypercall(PL_HC_CORE_OPEN, virt_to_phys(name), n + 5, 0, 0) == 0;
}

static bool write_core(struct mm *mm, int sig, const struct trap_frame *f, u16 nload)
{
	u64 hdr_len, data_off, total;
	struct core_out o = { 0 };
	u8 *hdr;

	hdr = build_headers(mm, sig, f, nload, &hdr_len, &data_off, &total);
	o.iov = kmalloc(PAGE);
	if (!hdr || !o.iov || total > rlimit_cur(RLIMIT_CORE) || !open_core_file()) {
		kfree(hdr);
		kfree(o.iov);
		return false;
	}
	out_add(&o, virt_to_phys(hdr), hdr_len);
	out_add(&o, PL_CORE_HOLE, data_off - hdr_len);
	send_segments(&o, mm);
	out_flush(&o);
	hypercall(PL_HC_CORE_CLOSE, o.err ? 0 : 1, 0, 0, 0);
	kfree(hdr);
	kfree(o.iov);
	return !o.err;
}

bool coredump(int sig, const struct trap_frame *f)
{
	struct mm *mm = current->mm;
	u64 nload = 0;

	if (!(boot_info.host_flags & PL_HOST_F_CORE_DUMP) || !rlimit_cur(RLIMIT_CORE) || !mm)
		return false;
	for (struct vma *v = mm->vmas.first; v; v = v->next)
		nload += vma_dumped(v);
	if (nload > CORE_MAX_PHDRS)
		return false;
	console_flush(); /* the host sees the program's output first */
	return write_core(mm, sig, f, (u16)nload);
}
