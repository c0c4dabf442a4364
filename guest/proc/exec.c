// SPDX-License-Identifier: MIT
/*
 * execve: load a static ELF (ET_EXEC, or a static PIE at Linux's base for
 * PIEs without ASLR) into a fresh address space and build the initial
 * stack Linux gives a program: argc, argv, envp, auxv, and the strings.
 */
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/posix_timer.h>
#include <kernel/procmm.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/perm.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/string.h>
#include <kernel/vdso.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

#define STACK_SIZE (8ULL << 20)
/* Linux's loader takes up to 64 KiB of program headers (1170 of them). */
#define MAX_PHDR_BYTES 65536

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

enum { PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6 };
enum { ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62 };
enum { PF_X = 1, PF_W = 2, PF_R = 4 };
enum {
	AT_NULL = 0,
	AT_PHDR = 3,
	AT_PHENT = 4,
	AT_PHNUM = 5,
	AT_PAGESZ = 6,
	AT_BASE = 7,
	AT_FLAGS = 8,
	AT_ENTRY = 9,
	AT_UID = 11,
	AT_EUID = 12,
	AT_GID = 13,
	AT_EGID = 14,
	AT_PLATFORM = 15,
	AT_HWCAP = 16,
	AT_CLKTCK = 17,
	AT_SECURE = 23,
	AT_RANDOM = 25,
	AT_HWCAP2 = 26,
	HWCAP2_FSGSBASE = 2, /* Linux: wrfsbase and friends are usable in user mode */
	AT_EXECFN = 31,
	AT_SYSINFO_EHDR = 33,
};

struct image {
	struct elf64_ehdr eh;
	struct elf64_phdr *ph; /* eh.phnum of them, kmalloc'd */
	u64 bias;
	u64 brk;
	u64 phdr_va;
	u64 vdso_va;	  /* the vDSO's ELF header */
	struct cred cred; /* the program's IDs, set-user-ID and set-group-ID applied */
};

static int read_exact(struct inode *ino, u64 off, void *buf, size_t len)
{
	long n = inode_read(ino, off, buf, len);

	return n == (long)len ? 0 : -ENOEXEC;
}

static int check_header(const struct elf64_ehdr *eh)
{
	if (memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 || eh->ident[5] != 1)
		return -ENOEXEC;
	if (eh->machine != EM_X86_64 || (eh->type != ET_EXEC && eh->type != ET_DYN))
		return -ENOEXEC;
	if (eh->phentsize != sizeof(struct elf64_phdr) || !eh->phnum ||
	    eh->phnum * sizeof(struct elf64_phdr) > MAX_PHDR_BYTES)
		return -ENOEXEC;
	return 0;
}

static int prot_of(u32 flags)
{
	return (flags & PF_R ? VM_PROT_READ : 0) | (flags & PF_W ? VM_PROT_WRITE : 0) |
	       (flags & PF_X ? VM_PROT_EXEC : 0);
}

/*
 * Like Linux's loader, which maps the file's pages: the segment's first page
 * gets the file's bytes from its page boundary on, so a page two segments
 * share keeps the earlier one's bytes too. The rest past filesz is zero.
 */
static int load_segment(struct mm *mm, struct inode *ino, struct image *im,
			const struct elf64_phdr *ph)
{
	u64 va = im->bias + ph->vaddr, start = ALIGN_DOWN(va, PAGE_SIZE);
	u64 end = ALIGN_UP(va + ph->memsz, PAGE_SIZE), lead = va - start;
	u64 offset = ph->offset - lead, filesz = ph->filesz + lead;
	char *buf;
	int err;

	if (ph->filesz > ph->memsz || va + ph->memsz < va || end > USER_TOP || !ph->memsz ||
	    (ph->offset & (PAGE_SIZE - 1)) != lead)
		return -ENOEXEC;
	err = procmm_map_anon(mm, start, end - start, prot_of(ph->flags), false);
	if (err)
		return err;
	buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	for (u64 done = 0; done < filesz && !err;) {
		size_t chunk = MIN(filesz - done, PAGE_SIZE);

		err = read_exact(ino, offset + done, buf, chunk);
		if (!err)
			err = procmm_write(mm, start + done, buf, chunk);
		done += chunk;
	}
	kfree(buf);
	/* As Linux: the headers are where the segment holding them maps them. */
	if (!im->phdr_va && ph->offset <= im->eh.phoff && im->eh.phoff - ph->offset < ph->filesz)
		im->phdr_va = va + (im->eh.phoff - ph->offset);
	im->brk = MAX(im->brk, end);
	return err;
}

static int load_image(struct mm *mm, struct inode *ino, struct image *im)
{
	int err = read_exact(ino, 0, &im->eh, sizeof(im->eh));

	if (err || (err = check_header(&im->eh)))
		return err;
	im->ph = kmalloc(im->eh.phnum * sizeof(struct elf64_phdr));
	if (!im->ph)
		return -ENOMEM;
	err = read_exact(ino, im->eh.phoff, im->ph, im->eh.phnum * sizeof(struct elf64_phdr));
	if (err)
		return err;
	im->bias = im->eh.type == ET_DYN ? PL_PIE_BASE : 0;
	/* Starting anywhere else would start the program in the kernel's half. */
	if (im->eh.entry >= USER_TOP - im->bias)
		return -ENOEXEC;
	for (int i = 0; i < im->eh.phnum; i++)
		if (im->ph[i].type == PT_INTERP)
			return -ENOEXEC; /* dynamically linked: no loader in the sandbox */
	for (int i = 0; i < im->eh.phnum; i++) {
		if (im->ph[i].type == PT_PHDR)
			im->phdr_va = im->bias + im->ph[i].vaddr;
		if (im->ph[i].type == PT_LOAD && (err = load_segment(mm, ino, im, &im->ph[i])))
			return err;
	}
	return im->brk ? 0 : -ENOEXEC;
}

/* Pushes bytes down the new stack; returns their user address. */
static u64 push_bytes(struct mm *mm, u64 *sp, const void *data, size_t len, int *err)
{
	*sp -= len;
	if (!*err)
		*err = procmm_write(mm, *sp, data, len);
	return *sp;
}

static u64 push_strings(struct mm *mm, u64 *sp, const char *s, size_t len, int count, u64 *ptrs,
			int *err)
{
	u64 base = push_bytes(mm, sp, s, len, err);

	for (int i = 0, off = 0; i < count; i++) {
		ptrs[i] = base + off;
		off += strlen(s + off) + 1;
	}
	return base;
}

static u64 build_stack(struct mm *mm, const struct image *im, const char *path,
		       const struct exec_args *a, int *err)
{
	u64 sp = USER_TOP, random[2] = { rdtsc() * 0x9e3779b97f4a7c15ULL, rdtsc() ^ im->bias };
	u64 *ptrs = kmalloc((a->argc + a->envc + 2) * 8 + 64 * 8);
	u64 *argvp = ptrs, *envpp = ptrs + a->argc + 1, *v, execfn, rnd, plat;
	int n = 0;

	if (!ptrs) {
		*err = -ENOMEM;
		return 0;
	}
	execfn = push_bytes(mm, &sp, path, strlen(path) + 1, err);
	push_strings(mm, &sp, a->envp, a->envp_len, a->envc, envpp, err);
	push_strings(mm, &sp, a->argv, a->argv_len, a->argc, argvp, err);
	plat = push_bytes(mm, &sp, "x86_64", 7, err);
	rnd = push_bytes(mm, &sp, random, sizeof(random), err);
	argvp[a->argc] = envpp[a->envc] = 0;
	v = envpp + a->envc + 1;
#define AUX(k, val) (v[n++] = (k), v[n++] = (val))
	AUX(AT_SYSINFO_EHDR, im->vdso_va);
	AUX(AT_PHDR, im->phdr_va);
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, im->eh.phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, im->bias + im->eh.entry);
	AUX(AT_UID, im->cred.uid);
	AUX(AT_EUID, im->cred.euid);
	AUX(AT_GID, im->cred.gid);
	AUX(AT_EGID, im->cred.egid);
	AUX(AT_SECURE, im->cred.euid != im->cred.uid || im->cred.egid != im->cred.gid);
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_HWCAP2, arch_has_fsgsbase ? HWCAP2_FSGSBASE : 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PLATFORM, plat);
	AUX(AT_RANDOM, rnd);
	AUX(AT_EXECFN, execfn);
	AUX(AT_NULL, 0);
#undef AUX
	mm->saved_auxv_words = MIN((u32)n, (u32)MM_SAVED_AUXV);
	memcpy(mm->saved_auxv, v, mm->saved_auxv_words * 8);
	/* argc, argv[], NULL, envp[], NULL, auxv: sp 16-byte aligned at argc. */
	size_t words = 1 + (a->argc + 1) + (a->envc + 1) + n;

	u64 argc = a->argc;

	sp = ALIGN_DOWN(sp - words * 8, 16);
	if (!*err)
		*err = procmm_write(mm, sp, &argc, 8);
	if (!*err)
		*err = procmm_write(mm, sp + 8, ptrs, (words - 1) * 8);
	kfree(ptrs);
	return sp;
}

static void reset_for_new_program(struct proc *p, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	for (int s = 0; s < NSIG; s++) {
		struct k_sigaction *act = &p->sig.action[s];

		if (act->handler != SIG_IGN)
			*act = (struct k_sigaction){ 0 };
	}
	p->sig.altstack_sp = p->sig.altstack_size = 0;
	p->sig.altstack_flags = 0;
	posix_timers_delete_all(p);
	p->fs_base = p->gs_base = 0;
	if (p == current)
		arch_load_user_bases(0, 0);
	p->clear_child_tid = 0;
	memset(p->comm, 0, sizeof(p->comm));
	memcpy(p->comm, base, MIN(strlen(base), sizeof(p->comm) - 1));
	fpu_init_state(p->fpu);
}

static void start_frame(struct trap_frame *f, u64 entry, u64 sp)
{
	memset(f, 0, sizeof(*f));
	f->rip = f->rcx = entry;
	f->rsp = sp;
	f->rflags = f->r11 = 0x202;
	f->cs = PL_SEL_UCODE;
	f->ss = PL_SEL_UDATA;
	f->vector = VEC_SYSCALL;
}

static void image_free(struct image *im)
{
	kfree(im->ph);
	kfree(im);
}

/*
 * The program's image loaded into mm, old's MAP_INHERIT mappings, the vDSO
 * where mmap would place it (after those, so they keep their addresses),
 * and a stack built below USER_TOP: the stack pointer.
 */
static int fill_mm(struct mm *mm, struct mm *old, struct inode *ino, struct image *im,
		   const char *path, const struct exec_args *args, u64 *sp)
{
	int err = load_image(mm, ino, im);

	if (err)
		return err;
	err = procmm_map_anon(mm, USER_TOP - STACK_SIZE, STACK_SIZE, VM_PROT_READ | VM_PROT_WRITE,
			      true);
	if (!err && old)
		err = procmm_inherit_exec(mm, old);
	if (old) /* Linux's MMF_INIT_MASK: the THP switch survives execve */
		mm->thp_disabled = old->thp_disabled;
	if (!err)
		err = vdso_map(mm, &im->vdso_va);
	if (err)
		return err;
	*sp = build_stack(mm, im, path, args, &err);
	return err;
}

/* POSIX exec: a set-ID file lends its owner's IDs, and the saved IDs become the effective ones. */
static void exec_cred(const struct inode *ino, const struct cred *old, struct cred *c)
{
	*c = *old;
	if (ino->mode & S_ISUID)
		c->euid = ino->uid;
	if ((ino->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		c->egid = ino->gid;
	c->suid = c->euid;
	c->sgid = c->egid;
}

/* A new address space holding the program at path, ready to start at *sp. */
static int new_mm_for(const char *path, const struct exec_args *args, struct mm *old,
		      const struct cred *cred, struct image *im, struct mm **out, u64 *sp)
{
	struct inode *ino;
	int err = vfs_lookup(path, &ino);

	if (err)
		return err;
	exec_cred(ino, cred, &im->cred);
	/* Linux: a directory or device is not executable (EACCES), nor is a file without x bits. */
	if (!inode_is_reg(ino) || inode_permission(ino, MAY_EXEC))
		err = -EACCES;
	else if (!(*out = procmm_new()))
		err = -ENOMEM;
	else if ((err = fill_mm(*out, old, ino, im, path, args, sp)))
		procmm_put(*out);
	inode_put(ino);
	return err;
}

long exec_program(struct proc *p, const char *path, const struct exec_args *args)
{
	struct image *im = kzalloc(sizeof(*im));
	struct mm *mm, *old;
	u64 sp = 0;
	int err;

	if (!im)
		return -ENOMEM;
	old = p->mm;
	err = new_mm_for(path, args, old, &p->cred, im, &mm, &sp);
	if (err) {
		image_free(im);
		return err;
	}
	procmm_set_brk(mm, im->brk);
	p->mm = mm;
	if (p == current)
		procmm_activate(mm);
	if (old)
		procmm_put(old);
	reset_for_new_program(p, path);
	p->cred = im->cred;
	start_frame(p->frame, im->bias + im->eh.entry, sp);
	image_free(im);
	return 0;
}
