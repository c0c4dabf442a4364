// SPDX-License-Identifier: MIT
/*
 * The page-fault handler: one place decides demand-zero, copy-on-write,
 * stack growth, or a signal. Each fault costs ~15-60 us of host
 * transitions on kvm_pvm; the work here is a few hundred instructions and
 * no TLB flush: the fault itself dropped the faulting address's translation.
 */
#include <kernel/arch.h>
#include <kernel/backing.h>
#include <kernel/commit.h>
#include <kernel/debug.h>
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/mmap_check.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/thp.h>
#include <kernel/vm.h>
#include <kernel/vmstat.h>

#define STACK_GUARD_GAP (256 * PAGE_SIZE) /* Linux's stack_guard_gap */
#define RLIMIT_STACK	3

/* The signal a fault ends in, with its si_code and address. */
static int fail(struct fault_info *fi, int sig, int code, u64 addr)
{
	fi->code = code;
	fi->addr = addr;
	return sig;
}

/* Out of memory: Linux's OOM killer would pick the faulting process, too. */
#define OOM(fi, addr) fail(fi, SIGKILL, SI_KERNEL, addr)

/*
 * A fault below a MAP_GROWSDOWN area extends it down to the faulting page,
 * within Linux's limits (expand_downwards(), acct_stack_growth()): not
 * below mmap_min_addr, not within the guard gap above an accessible area
 * that does not grow down itself, and no larger than RLIMIT_STACK.
 */
static struct vma *grow_down(struct mm *mm, u64 addr)
{
	struct vma *v = vma_find_above(&mm->vmas, addr), *prev;
	u64 page = ALIGN_DOWN(addr, PAGE_SIZE);

	if (!v || !(v->flags & VM_GROWSDOWN) || addr >= v->start || page < MC_MIN_ADDR)
		return NULL;
	prev = v->prev;
	if (prev && !(prev->flags & VM_GROWSDOWN) &&
	    (prev->prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)) &&
	    page - prev->end < STACK_GUARD_GAP)
		return NULL;
	if (v->end - page > rlimit_cur(RLIMIT_STACK))
		return NULL;
	/* acct_stack_growth(): the new pages are charged as the rest of the stack is */
	if (!commit_charge(commit_vma_pages(v->flags, page, v->start), 0))
		return NULL;
	if (vma_adjust(&mm->vmas, v, page, v->end)) {
		commit_uncharge(commit_vma_pages(v->flags, page, v->start));
		return NULL;
	}
	return v;
}

static bool access_allowed(const struct vma *v, u64 error)
{
	if (error & PF_KERNEL_FILL)
		return true;
	if (!(v->prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)))
		return false;
	if ((error & PF_ERR_WRITE) && !(v->prot & VM_PROT_WRITE))
		return false;
	if ((error & PF_ERR_INSTR) && !(v->prot & VM_PROT_EXEC))
		return false;
	return true;
}

/* Not present: what backs the VMA finds or makes the frame (backing.h). */
static int fault_in(struct vma *v, u64 page, u64 error, u64 *pte, struct fault_info *fi)
{
	struct backing *b = backing_of(v);

	return b->ops->fault(b, v, page, error, pte, fi);
}

/*
 * A write to a present read-only page of a writable private mapping: the
 * copy and the new entry in one pass. No flush when the frame stays (the
 * last reference: only the right to write is added, and a stale entry can
 * only fault spuriously), nor after a CPU fault at this address, which
 * dropped the old translation itself (PF_CPU); the populate paths flush.
 */
static int copy_on_write(struct mm *mm, struct vma *v, u64 page, u64 error, u64 *pte,
			 struct fault_info *fi)
{
	u64 old = (*pte & PTE_ADDR) >> PAGE_SHIFT, pfn = old;

	if (frame_desc(old)->refcount > 1 || (v->obj && !(v->flags & VM_SHARED))) {
		pfn = frame_alloc(0);
		if (pfn == FRAME_NONE)
			return OOM(fi, page);
		memcpy(frame_to_virt(pfn), frame_to_virt(old), PAGE_SIZE);
		frame_put(old);
	}
	*pte = pte_for(pfn, v->prot, true);
	if (pfn != old && !(error & PF_CPU))
		mm_flush_page(mm, page);
	return 0;
}

/*
 * The entry already allows the access: the CPU used a stale translation
 * from before a change that only added rights (mprotect RO -> RW, a COW of
 * the last reference), which pt_protect() did not flush. The fault dropped
 * it, so there is nothing to do, as on x86 Linux
 * (flush_tlb_fix_spurious_fault() is empty there).
 */
static void spurious_fault(void)
{
	vmstat.pgfault_spurious++;
}

static int small_page_fault(struct mm *mm, struct vma *v, u64 addr, u64 error,
			    struct fault_info *fi)
{
	u64 page = ALIGN_DOWN(addr, PAGE_SIZE), *pte = pt_leaf(mm->pml4_pa, page, true);

	if (!pte)
		return OOM(fi, addr);
	if (!pte_present(*pte))
		return fault_in(v, page, error, pte, fi);
	if ((error & PF_ERR_WRITE) && !(*pte & PTE_W))
		return copy_on_write(mm, v, page, error, pte, fi);
	if (!(*pte & PTE_P)) /* PROT_NONE left behind; the VMA allows access now */
		*pte = pte_for((*pte & PTE_ADDR) >> PAGE_SHIFT, v->prot, false);
	else
		spurious_fault();
	return 0;
}

int vm_fault(struct mm *mm, u64 addr, u64 error, struct fault_info *fi)
{
	struct vma *v = vma_find(&mm->vmas, addr);
	int err;

	vmstat.pgfault++;
	if (!v && !(v = grow_down(mm, addr)))
		return fail(fi, SIGSEGV, SEGV_MAPERR, addr);
	if (!access_allowed(v, error))
		return fail(fi, SIGSEGV, SEGV_ACCERR, addr);
	if (v->flags & VM_HUGETLB)
		return hugetlb_fault(mm, v, addr, error, fi);
	err = thp_fault(mm, v, addr, error, fi);
	if (err == THP_FALLBACK)
		err = small_page_fault(mm, v, addr, error, fi);
	mm_flush_commit(mm);
	/* QNX's MAP_LAZY: no memory at the first touch is the process's SIGBUS, not the OOM kill. */
	if (err == SIGKILL && (v->flags & VM_LAZY)) {
		fi->code = BUS_ADRERR;
		err = SIGBUS;
	}
	if (err == SIGBUS)
		fi->addr = addr; /* si_addr is the faulting byte, not its page */
	/*
	 * getrusage's ru_minflt, as Linux's mm_account_fault(): every fault
	 * handled, the kernel's own in user memory and MAP_POPULATE's and
	 * mlock's too; not the ones that fail. A RAM file system has no major
	 * faults.
	 */
	if (!err && current)
		current->min_flt++;
	return err;
}

/* copy_user touching user memory: bring the page in, or let the fixup return -EFAULT. */
bool handle_kernel_page_fault(struct trap_frame *f)
{
	u64 addr = read_cr2();
	struct fault_info fi = { 0 };

	if (addr >= USER_TOP || !current || !current->mm)
		return false;
	return vm_fault(current->mm, addr, (f->error & ~PF_ERR_USER) | PF_ERR_USER | PF_CPU, &fi) ==
	       0;
}

/* The host may watch it first (PL_HOST_F_WATCH_FAULTS); the signal is Linux's either way. */
static void user_fault_signal(struct trap_frame *f, int sig, const struct fault_info *fi)
{
	pagelab_fault_stop(sig, fi, f);
	signal_force_fault(sig, fi);
}

/*
 * The CPU left the faulting address in CR2 and pushed the error code; the
 * saved RIP points at the faulting instruction, which runs again once the
 * handler returns (a fault, unlike a trap, is restartable).
 */
static void user_page_fault(struct trap_frame *f)
{
	struct fault_info fi = { 0 };
	int sig = vm_fault(current->mm, read_cr2(), f->error | PF_CPU, &fi);

	if (!sig)
		return;
	fi.trapno = 14;
	fi.error = f->error;
	user_fault_signal(f, sig, &fi);
}

void handle_user_exception(struct trap_frame *f)
{
	struct fault_info fi = { .code = SI_KERNEL, .trapno = f->vector, .error = f->error };

	switch (f->vector) {
	case 14:
		user_page_fault(f);
		return;
	case 0:	 /* divide error */
	case 16: /* x87 */
	case 19: /* SIMD */
		fi.code = f->vector == 0 ? 1 /* FPE_INTDIV */ : SI_KERNEL;
		fi.addr = f->rip;
		user_fault_signal(f, SIGFPE, &fi);
		return;
	case 6:		     /* invalid opcode */
		fi.code = 2; /* ILL_ILLOPN */
		fi.addr = f->rip;
		user_fault_signal(f, SIGILL, &fi);
		return;
	case 1:
	case 3:
		if (debug_user_trap(f))
			return;
		fi.code = SI_KERNEL;
		signal_force_fault(SIGTRAP, &fi);
		return;
	case 11:
	case 12:
	case 17:
		user_fault_signal(f, SIGBUS, &fi);
		return;
	default: /* #GP and the rest */
		user_fault_signal(f, SIGSEGV, &fi);
	}
}
