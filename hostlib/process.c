// SPDX-License-Identifier: MIT
/*
 * Looking at the guest's processes from outside, as KVM selftests'
 * addr_gva2gpa does for a guest: the guest kernel's process table (abi.h,
 * refreshed at every stop it reports) gives pid -> page tables and saved
 * registers, and pagewalk.c walks the tables. Everything read from the
 * guest is validated first: a corrupt table is an error, not a crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "error.h"
#include "pagewalk.h"
#include "procmaps.h"
#include "sandbox.h"

#define MSR_IA32_PAT 0x277

static int read_entry(void *ctx, uint64_t gpa, uint64_t *entry)
{
	const struct pl_guestmem *mem = ctx;
	const void *p = pl_guestmem_check(mem, gpa, sizeof(*entry), PL_ACC_READ);

	if (!p)
		return -EFAULT;
	memcpy(entry, p, sizeof(*entry));
	return 0;
}

/* The guest's IA32_PAT, read once per stop: it decides the memory type of a mapping. */
static uint64_t guest_pat(struct pl_sandbox *sb)
{
	/* struct kvm_msrs ends in a flexible array: room for one entry after it. */
	union {
		struct kvm_msrs msrs;
		char room[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
	} u;

	if (sb->pat_known)
		return sb->pat;
	memset(&u, 0, sizeof(u));
	u.msrs.nmsrs = 1;
	u.msrs.entries[0].index = MSR_IA32_PAT;
	sb->pat = PL_PAT_DEFAULT;
	if (sb->kvm.vcpu >= 0 && ioctl(sb->kvm.vcpu, KVM_GET_MSRS, &u.msrs) == 1)
		sb->pat = u.msrs.entries[0].data;
	sb->pat_known = true;
	return sb->pat;
}

static const struct pl_proctab *proctab(struct pl_sandbox *sb)
{
	const struct pl_proctab *t;

	if (!sb->proctab_gpa) {
		pl_set_error(PL_ERR_CONFIG, "no process table yet: the guest has not stopped at a "
					    "checkpoint or assertion");
		return NULL;
	}
	t = pl_guestmem_check(&sb->mem, sb->proctab_gpa, sizeof(*t), PL_ACC_READ);
	if (!t || (uintptr_t)t % 8 || t->magic != PL_PROCTAB_MAGIC ||
	    t->version != PL_PROCTAB_VERSION || t->count > PL_PROCTAB_MAX) {
		pl_set_error(PL_ERR_FAULT,
			     "the guest's process table at 0x%" PRIx64 " is corrupt or of another "
			     "version",
			     sb->proctab_gpa);
		return NULL;
	}
	return t;
}

/* The table entry of pid (0: the process of the last stop), copied out: checked once, used as checked. */
static int find(struct pl_sandbox *sb, int pid, struct pl_proctab_entry *out)
{
	const struct pl_proctab *t = proctab(sb);

	if (!t)
		return sb->proctab_gpa ? -EPROTO : -ENOENT;
	if (pid == 0)
		pid = sb->stop.pid;
	for (uint32_t i = 0; i < t->count; i++)
		if (t->entry[i].pid == (uint32_t)pid && pid > 0) {
			memcpy(out, &t->entry[i], sizeof(*out));
			return 0;
		}
	pl_set_error(PL_ERR_CONFIG, "no process %d in the guest at the last stop", pid);
	return -ESRCH;
}

int pl_running_pid(struct pl_sandbox *sb)
{
	const struct pl_proctab *t;

	if (!sb->proctab_gpa)
		return 0;
	t = pl_guestmem_check(&sb->mem, sb->proctab_gpa, sizeof(*t), PL_ACC_READ);
	if (!t || (uintptr_t)t % 8 || t->magic != PL_PROCTAB_MAGIC ||
	    t->version != PL_PROCTAB_VERSION || t->count > PL_PROCTAB_MAX)
		return 0;
	for (uint32_t i = 0; i < t->count; i++)
		if (t->entry[i].pid == t->running && t->running > 0 && t->running <= INT32_MAX)
			return (int)t->running;
	return 0;
}

/* pid's entry in the guest's table itself, for the fields the host may write. */
static struct pl_proctab_entry *entry_in_guest(struct pl_sandbox *sb, int pid)
{
	struct pl_proctab *t = (struct pl_proctab *)proctab(sb);

	if (pid == 0)
		pid = sb->stop.pid;
	for (uint32_t i = 0; t && i < t->count; i++)
		if (t->entry[i].pid == (uint32_t)pid && pid > 0)
			return &t->entry[i];
	return NULL;
}

int pl_processes(struct pl_sandbox *sb, struct pl_process *procs, int max)
{
	const struct pl_proctab *t = proctab(sb);

	if (!t)
		return sb->proctab_gpa ? -EPROTO : -ENOENT;
	for (uint32_t i = 0; i < t->count && (int)i < max; i++) {
		procs[i].pid = (int)(t->entry[i].pid & 0x7fffffff);
		procs[i].cr3 = t->entry[i].cr3;
		pl_printable_copy(procs[i].comm, sizeof(procs[i].comm), t->entry[i].comm,
				  strnlen(t->entry[i].comm, sizeof(t->entry[i].comm)));
	}
	return (int)t->count;
}

static int walk_failed(uint64_t gva, int pid, int err)
{
	switch (err) {
	case -ENOENT:
		pl_set_error(PL_ERR_FAULT, "0x%" PRIx64 " is not mapped in process %d", gva, pid);
		return -EFAULT;
	case -EINVAL:
		pl_set_error(PL_ERR_CONFIG,
			     "0x%" PRIx64 " is not a canonical address, or process %d's tables set "
			     "a reserved bit",
			     gva, pid);
		return -EINVAL;
	default:
		pl_set_error(PL_ERR_FAULT,
			     "process %d's page tables for 0x%" PRIx64 " lie outside guest memory",
			     pid, gva);
		return -EPROTO;
	}
}

int pl_gva_to_gpa(struct pl_sandbox *sb, int pid, uint64_t gva, uint64_t *gpa,
		  struct pl_gva_info *info)
{
	struct pl_proctab_entry e;
	struct pl_gva_info tmp, *i = info ? info : &tmp;
	int err = find(sb, pid, &e);

	if (err)
		return err;
	err = pl_walk(e.cr3, gva, guest_pat(sb), read_entry, &sb->mem, i);
	if (err)
		return walk_failed(gva, (int)e.pid, err);
	if (gpa)
		*gpa = i->gpa;
	return 0;
}

int pl_gva_translate(struct pl_sandbox *sb, uint64_t gva, struct pl_gva_info *info)
{
	struct kvm_sregs sregs;
	struct pl_gva_info tmp;
	int err;

	if (sb->kvm.vcpu < 0 || ioctl(sb->kvm.vcpu, KVM_GET_SREGS, &sregs) < 0) {
		pl_set_error(PL_ERR_HOST, "cannot read the vCPU's CR3");
		return -EIO;
	}
	err = pl_walk(sregs.cr3, gva, guest_pat(sb), read_entry, &sb->mem, info ? info : &tmp);
	return err ? walk_failed(gva, 0, err) : 0;
}

/* The host addresses of a range page by page, all checked before anything is copied. */
static int gva_copy(struct pl_sandbox *sb, int pid, uint64_t gva, void *buf, size_t len, bool write)
{
	struct pl_gva_info info;
	uint8_t *b = buf;

	for (int pass = 0; pass < 2; pass++) {
		size_t done = 0;

		while (done < len) {
			uint64_t va = gva + done;
			size_t chunk = 4096 - (va & 4095);
			uint8_t *p;
			int err = pl_gva_to_gpa(sb, pid, va, NULL, &info);

			if (va < gva) {
				pl_set_error(PL_ERR_CONFIG, "the range wraps around");
				return -EINVAL;
			}
			if (err)
				return err;
			if (write && !info.writable) {
				pl_set_error(PL_ERR_FAULT,
					     "0x%" PRIx64 " is read-only in process %d", va, pid);
				return -EACCES;
			}
			chunk = chunk < len - done ? chunk : len - done;
			p = pl_guestmem_check(&sb->mem, info.gpa, chunk,
					      write ? PL_ACC_WRITE : PL_ACC_READ);
			if (!p) {
				pl_set_error(PL_ERR_FAULT,
					     "0x%" PRIx64 " maps 0x%" PRIx64 ", which is not "
					     "guest memory",
					     va, info.gpa);
				return -EFAULT;
			}
			if (pass == 1 && write)
				memcpy(p, b + done, chunk);
			else if (pass == 1)
				memcpy(b + done, p, chunk);
			done += chunk;
		}
	}
	return 0;
}

int pl_gva_read(struct pl_sandbox *sb, int pid, uint64_t gva, void *buf, size_t len)
{
	return gva_copy(sb, pid, gva, buf, len, false);
}

int pl_gva_write(struct pl_sandbox *sb, int pid, uint64_t gva, const void *buf, size_t len)
{
	return gva_copy(sb, pid, gva, (void *)buf, len, true);
}

static void *frame_at(struct pl_sandbox *sb, uint64_t gpa, int pid, int *err)
{
	void *p = pl_guestmem_check(&sb->mem, gpa, sizeof(struct pl_user_regs), PL_ACC_WRITE);

	*err = 0;
	if (!gpa || !p) {
		pl_set_error(PL_ERR_FAULT, "process %d's saved registers are not in guest RAM",
			     pid);
		*err = -EPROTO;
		return NULL;
	}
	return p;
}

static void *frame_of(struct pl_sandbox *sb, int pid, int *err)
{
	struct pl_proctab_entry e;

	*err = find(sb, pid, &e);
	return *err ? NULL : frame_at(sb, e.frame_gpa, (int)e.pid, err);
}

int pl_process_regs(struct pl_sandbox *sb, int pid, struct pl_user_regs *regs)
{
	int err;
	const void *p = frame_of(sb, pid, &err);

	if (p)
		memcpy(regs, p, sizeof(*regs));
	return err;
}

/* The arithmetic flags, TF and DF: what a program may change itself (popf). */
#define USER_FLAGS 0xdd5ULL

/* The kernel half of the address space: where a kernel frame's rip may point. */
#define KERNEL_HALF 0xffff800000000000ULL

/* regs into the frame at p; a user frame's rip stays a user address, a kernel frame's a kernel one. */
static int set_frame(void *p, const struct pl_user_regs *regs)
{
	struct pl_user_regs cur;
	bool kernel;

	memcpy(&cur, p, sizeof(cur));
	kernel = !(cur.cs & 3);
	if (kernel ? regs->rip < KERNEL_HALF : regs->rip >= PL_USER_TOP) {
		pl_set_error(PL_ERR_CONFIG, "rip 0x%" PRIx64 " is not a%s address", regs->rip,
			     kernel ? " kernel" : " user");
		return -EINVAL;
	}
	cur.r15 = regs->r15, cur.r14 = regs->r14, cur.r13 = regs->r13, cur.r12 = regs->r12;
	cur.r11 = regs->r11, cur.r10 = regs->r10, cur.r9 = regs->r9, cur.r8 = regs->r8;
	cur.rbp = regs->rbp, cur.rdi = regs->rdi, cur.rsi = regs->rsi, cur.rdx = regs->rdx;
	cur.rcx = regs->rcx, cur.rbx = regs->rbx, cur.rax = regs->rax;
	cur.rip = regs->rip, cur.rsp = regs->rsp;
	cur.rflags = (cur.rflags & ~USER_FLAGS) | (regs->rflags & USER_FLAGS);
	memcpy(p, &cur, sizeof(cur));
	return 0;
}

int pl_process_set_regs(struct pl_sandbox *sb, int pid, const struct pl_user_regs *regs)
{
	int err;
	void *p = frame_of(sb, pid, &err);

	return p ? set_frame(p, regs) : err;
}

static void *stop_frame(struct pl_sandbox *sb, int *err)
{
	if (!sb->stop_frame_gpa) {
		pl_set_error(PL_ERR_CONFIG, "the last stop has no saved registers (a pause, or "
					    "no stop of the guest kernel yet)");
		*err = -ENOENT;
		return NULL;
	}
	return frame_at(sb, sb->stop_frame_gpa, sb->stop.pid, err);
}

int pl_stop_regs(struct pl_sandbox *sb, struct pl_user_regs *regs)
{
	int err;
	const void *p = stop_frame(sb, &err);

	if (p)
		memcpy(regs, p, sizeof(*regs));
	return err;
}

int pl_stop_set_regs(struct pl_sandbox *sb, const struct pl_user_regs *regs)
{
	int err;
	void *p = stop_frame(sb, &err);

	return p ? set_frame(p, regs) : err;
}

#define FXSAVE_MXCSR   24
#define MXCSR_RESERVED 0xffff0040u /* what the kernel's fxrstor would refuse or drop */

static uint8_t *fpu_of(struct pl_sandbox *sb, int pid, struct pl_proctab_entry *e, int *err)
{
	uint8_t *p;

	*err = find(sb, pid, e);
	if (*err)
		return NULL;
	if (!e->fpu_gpa) {
		pl_set_error(PL_ERR_CONFIG,
			     "process %u's FPU state is in the CPU at this stop (inside the "
			     "guest kernel): not published",
			     e->pid);
		*err = -EAGAIN;
		return NULL;
	}
	p = pl_guestmem_check(&sb->mem, e->fpu_gpa, 512, PL_ACC_WRITE);
	if (!p) {
		pl_set_error(PL_ERR_FAULT, "process %u's FPU state is not in guest RAM", e->pid);
		*err = -EPROTO;
	}
	return p;
}

int pl_process_fpregs(struct pl_sandbox *sb, int pid, struct pl_user_fpregs *regs)
{
	struct pl_proctab_entry e;
	int err;
	const uint8_t *p = fpu_of(sb, pid, &e, &err);

	if (!p)
		return err;
	memcpy(regs->fxsave, p, sizeof(regs->fxsave));
	regs->fs_base = e.fs_base;
	regs->gs_base = e.gs_base;
	return 0;
}

int pl_process_set_fpregs(struct pl_sandbox *sb, int pid, const struct pl_user_fpregs *regs)
{
	struct pl_proctab_entry e, *in_guest;
	uint32_t mxcsr;
	int err;
	uint8_t *p = fpu_of(sb, pid, &e, &err);

	if (!p)
		return err;
	memcpy(&mxcsr, regs->fxsave + FXSAVE_MXCSR, 4);
	if (mxcsr & MXCSR_RESERVED || regs->fs_base >= PL_USER_TOP ||
	    regs->gs_base >= PL_USER_TOP) {
		pl_set_error(PL_ERR_CONFIG,
			     "mxcsr 0x%" PRIx32 " sets a reserved bit, or a base "
			     "is not a user address",
			     mxcsr);
		return -EINVAL;
	}
	in_guest = entry_in_guest(sb, (int)e.pid);
	if (!in_guest)
		return -EPROTO;
	memcpy(p, regs->fxsave, sizeof(regs->fxsave));
	in_guest->fs_base = regs->fs_base;
	in_guest->gs_base = regs->gs_base;
	return 0;
}

int pl_vcpu_set_regs(struct pl_sandbox *sb, const struct pl_vcpu_regs *regs)
{
	struct kvm_regs r = {
		.rax = regs->rax,
		.rbx = regs->rbx,
		.rcx = regs->rcx,
		.rdx = regs->rdx,
		.rsi = regs->rsi,
		.rdi = regs->rdi,
		.rsp = regs->rsp,
		.rbp = regs->rbp,
		.r8 = regs->r8,
		.r9 = regs->r9,
		.r10 = regs->r10,
		.r11 = regs->r11,
		.r12 = regs->r12,
		.r13 = regs->r13,
		.r14 = regs->r14,
		.r15 = regs->r15,
		.rip = regs->rip,
		.rflags = regs->rflags | 2, /* bit 1 is always set */
	};

	if (sb->kvm.vcpu < 0 || ioctl(sb->kvm.vcpu, KVM_SET_REGS, &r) < 0) {
		pl_set_error(PL_ERR_HOST, "cannot set the vCPU's registers: %s",
			     sb->kvm.vcpu < 0 ? "no vCPU" : strerror(errno));
		return -EINVAL;
	}
	return 0;
}

int pl_vcpu_regs(struct pl_sandbox *sb, struct pl_vcpu_regs *regs)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (sb->kvm.vcpu < 0 || ioctl(sb->kvm.vcpu, KVM_GET_REGS, &r) < 0 ||
	    ioctl(sb->kvm.vcpu, KVM_GET_SREGS, &s) < 0) {
		pl_set_error(PL_ERR_HOST, "cannot read the vCPU's registers: %s",
			     sb->kvm.vcpu < 0 ? "no vCPU" : strerror(errno));
		return -EINVAL;
	}
	*regs = (struct pl_vcpu_regs){
		.rax = r.rax,
		.rbx = r.rbx,
		.rcx = r.rcx,
		.rdx = r.rdx,
		.rsi = r.rsi,
		.rdi = r.rdi,
		.rsp = r.rsp,
		.rbp = r.rbp,
		.r8 = r.r8,
		.r9 = r.r9,
		.r10 = r.r10,
		.r11 = r.r11,
		.r12 = r.r12,
		.r13 = r.r13,
		.r14 = r.r14,
		.r15 = r.r15,
		.rip = r.rip,
		.rflags = r.rflags,
		.cr0 = s.cr0,
		.cr2 = s.cr2,
		.cr3 = s.cr3,
		.cr4 = s.cr4,
		.efer = s.efer,
		.cs = s.cs.selector,
		.ss = s.ss.selector,
	};
	return 0;
}

int pl_process_maps(struct pl_sandbox *sb, int pid, char *buf, size_t len)
{
	struct pl_proctab_entry e;
	const struct pl_proctab *t;
	const void *pool;
	int err = find(sb, pid, &e);

	if (err)
		return err;
	t = proctab(sb);
	pool = t ? pl_guestmem_check(&sb->mem, t->maps_gpa, sizeof(struct pl_maps), PL_ACC_READ)
		 : NULL;
	if (t && !t->maps_gpa) {
		pl_set_error(PL_ERR_CONFIG, "the guest stopped inside its kernel, where it does "
					    "not publish memory maps");
		return -EAGAIN;
	}
	if (!pool || (uintptr_t)pool % 8) {
		pl_set_error(PL_ERR_FAULT,
			     "the guest's memory maps at 0x%" PRIx64 " are outside guest memory",
			     t ? t->maps_gpa : 0);
		return -EPROTO;
	}
	return pl_maps_format(pool, sizeof(struct pl_maps), &e, buf, len);
}
