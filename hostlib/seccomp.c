// SPDX-License-Identifier: MIT
/*
 * The VMM's seccomp filter, after Firecracker's and Solo5 hvt's: once a
 * sandbox is set up, the thread that runs its vCPU may only make the
 * system calls the run loop, the end-of-run report and an orderly exit
 * make, with the arguments that matter pinned down: ioctls only KVM_RUN,
 * KVM_GET_REGS, KVM_GET_SREGS and KVM_GET_MSRS on this vCPU (and TCGETS, which stdio
 * asks a stream once), writes only to the sandbox's output streams and
 * stderr (and pl_config.write_fds), reads only from its stdin, memory only
 * without PROT_EXEC; on the VM only the dirty log's reads and KVM_SIGNAL_MSI
 * (device interrupts).
 *
 * A forbidden call is not executed: SECCOMP_RET_TRAP raises SIGSYS, whose
 * handler names the call on stderr and ends the process. (If the handler
 * cannot run, e.g. SIGSYS is blocked, the kernel kills the process with
 * SIGSYS instead; the call never runs either way.) Calls from a foreign
 * architecture, i386 or x32, are SECCOMP_RET_KILL_PROCESS.
 *
 * The filter is per thread, so a library user's other threads are not
 * confined; in the pagelab command the vCPU thread is the only one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sandbox.h"

/* libseccomp's SCMP_A0(op, x) leaves datum_b to zero, which clang warns about. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#if defined(__SANITIZE_ADDRESS__)
#define PL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PL_SANITIZED 1
#endif
#endif

#define MAX_FDS (6 + PL_WRITE_FDS_MAX)

extern const char *const pl_syscall_names[];
extern const unsigned long pl_syscall_count;

/* Set once a thread is confined for good: it cannot set up a sandbox again. */
static __thread bool tl_confined;

bool pl_seccomp_confined(void)
{
	return tl_confined;
}

static size_t put(char *buf, size_t n, size_t cap, const char *s)
{
	while (*s && n < cap)
		buf[n++] = *s++;
	return n;
}

/* Async-signal-safe: no stdio, no allocation. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char buf[256], num[24], *p = num + sizeof(num);
	unsigned nr = (unsigned)si->si_syscall;
	const char *name = "an unknown call";
	size_t n = 0;
	unsigned v = nr;

	(void)sig;
	(void)uc;
	if (nr < pl_syscall_count && pl_syscall_names[nr])
		name = pl_syscall_names[nr];
	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	n = put(buf, n, sizeof(buf), "pagelab: the VMM made a forbidden system call ");
	n = put(buf, n, sizeof(buf), name);
	n = put(buf, n, sizeof(buf), " (nr ");
	n = put(buf, n, sizeof(buf), p);
	n = put(buf, n, sizeof(buf),
		"); this is a pagelab bug, please report it "
		"(--seccomp=log lets such calls through and logs them)\n");
	if (write(STDERR_FILENO, buf, n) < 0)
		n = 0; /* nothing else to do: the process ends either way */
	_exit(PL_EXIT_VMM_ERROR);
}

struct filter {
	scmp_filter_ctx ctx;
	int err;
};

static void allow(struct filter *f, int nr, unsigned n, const struct scmp_arg_cmp *cmp)
{
	int err = seccomp_rule_add_array(f->ctx, SCMP_ACT_ALLOW, nr, n, cmp);

	if (err && !f->err)
		f->err = err;
}

#define ALLOW(f, name, ...)                                                     \
	do {                                                                    \
		const struct scmp_arg_cmp cmp_[] = { __VA_ARGS__ };             \
		allow(f, SCMP_SYS(name), sizeof(cmp_) / sizeof(cmp_[0]), cmp_); \
	} while (0)
#define ALLOW_ANY(f, name) allow(f, SCMP_SYS(name), 0, NULL)

/* The descriptors the sandbox writes to: its streams and stderr, once each. */
static unsigned output_fds(const struct pl_sandbox *sb, int *fds)
{
	FILE *files[] = { sb->con.file[PL_STREAM_STDOUT],
			  sb->con.file[PL_STREAM_STDERR],
			  sb->con.file[PL_STREAM_CONSOLE],
			  sb->con.file[PL_STREAM_TRACE],
			  sb->report,
			  sb->vga_out };
	unsigned n = 0;

	fds[n++] = STDERR_FILENO;
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = files[i] ? fileno(files[i]) : -1;
		bool seen = fd < 0;

		for (unsigned j = 0; j < n && !seen; j++)
			seen = fds[j] == fd;
		if (!seen)
			fds[n++] = fd;
	}
	for (unsigned i = 0; i < sb->nwrite_fds && n < MAX_FDS; i++)
		fds[n++] = sb->write_fds[i];
	return n;
}

static void allow_io(struct filter *f, const struct pl_sandbox *sb)
{
	int fds[MAX_FDS];
	unsigned n = output_fds(sb, fds);
	int vcpu = sb->kvm.vcpu;

	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, vcpu), SCMP_A1(SCMP_CMP_EQ, KVM_RUN));
	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, vcpu), SCMP_A1(SCMP_CMP_EQ, KVM_GET_REGS));
	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, vcpu), SCMP_A1(SCMP_CMP_EQ, KVM_GET_SREGS));
	/* While stopped: the dirty log (read-only for the VM), and the guest's IA32_PAT. */
	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, sb->kvm.vm), SCMP_A1(SCMP_CMP_EQ, KVM_GET_DIRTY_LOG));
	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, sb->kvm.vm),
	      SCMP_A1(SCMP_CMP_EQ, KVM_CLEAR_DIRTY_LOG));
	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, vcpu), SCMP_A1(SCMP_CMP_EQ, KVM_GET_MSRS));
	/* Device interrupts (msi.c): the virtio-iommu's event queue, the DMA engine. */
	ALLOW(f, ioctl, SCMP_A0(SCMP_CMP_EQ, sb->kvm.vm), SCMP_A1(SCMP_CMP_EQ, KVM_SIGNAL_MSI));
	/* isatty() when stdio first uses a stream, as fstat below. */
	ALLOW(f, ioctl, SCMP_A1(SCMP_CMP_EQ, TCGETS));
	ALLOW_ANY(f, fstat);
	ALLOW(f, newfstatat, SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	for (unsigned i = 0; i < n; i++) {
		ALLOW(f, write, SCMP_A0(SCMP_CMP_EQ, fds[i]));
		ALLOW(f, writev, SCMP_A0(SCMP_CMP_EQ, fds[i]));
	}
	if (sb->stdin_fd >= 0)
		ALLOW(f, read, SCMP_A0(SCMP_CMP_EQ, sb->stdin_fd));
	ALLOW_ANY(f, poll);
	ALLOW_ANY(f, close);
}

/*
 * Core files (core.c): a new file only in the core directory, with exactly
 * the flags core.c uses (O_EXCL|O_NOFOLLOW: nothing existing is opened),
 * moved onto the one descriptor number the writes may use.
 */
static void allow_cores(struct filter *f, const struct pl_core *c)
{
	if (c->dirfd < 0)
		return;
	ALLOW(f, openat, SCMP_A0(SCMP_CMP_EQ, c->dirfd),
	      SCMP_A2(SCMP_CMP_EQ, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC));
	ALLOW(f, unlinkat, SCMP_A0(SCMP_CMP_EQ, c->dirfd), SCMP_A2(SCMP_CMP_EQ, 0));
	ALLOW(f, dup3, SCMP_A1(SCMP_CMP_EQ, c->fd), SCMP_A2(SCMP_CMP_EQ, O_CLOEXEC));
	ALLOW(f, pwrite64, SCMP_A0(SCMP_CMP_EQ, c->fd));
	ALLOW(f, ftruncate, SCMP_A0(SCMP_CMP_EQ, c->fd));
}

/* malloc and free, the timeout's signal, clocks, locks and the way out. */
static void allow_process(struct filter *f)
{
	ALLOW_ANY(f, brk);
	ALLOW(f, mmap, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
	      SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, MAP_ANONYMOUS));
	ALLOW(f, mprotect, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	ALLOW_ANY(f, munmap);
	ALLOW_ANY(f, mremap);
	ALLOW_ANY(f, madvise);
	ALLOW_ANY(f, futex);
	ALLOW_ANY(f, clock_gettime);
	ALLOW_ANY(f, rt_sigreturn);
	ALLOW_ANY(f, rt_sigprocmask);
	ALLOW_ANY(f, timer_delete);
	/* abort(): glibc's for heap corruption it detects, the sanitizers'. */
	ALLOW_ANY(f, getpid);
	ALLOW_ANY(f, gettid);
	ALLOW(f, tgkill, SCMP_A0(SCMP_CMP_EQ, getpid()), SCMP_A2(SCMP_CMP_EQ, SIGABRT));
	ALLOW_ANY(f, exit);
	ALLOW_ANY(f, exit_group);
}

#ifdef PL_SANITIZED
/*
 * The sanitized build (make test) also lets AddressSanitizer report and
 * LeakSanitizer check at exit: they read /proc/self/maps and the binary's
 * debug information, and the leak check ptraces this process from a
 * clone. The release build allows none of this.
 */
static void allow_sanitizer(struct filter *f)
{
	static const char *const names[] = {
		/* reports: /proc/self/maps, the binary's symbols */
		"open",
		"openat",
		"read",
		"lseek",
		"readlink",
		"fcntl",
		"newfstatat",
		"mmap",
		"getdents",
		"sigaltstack",
		"rt_sigaction",
		"prctl",
		/* the leak check's tracer */
		"clone",
		"ptrace",
		"wait4",
		"getppid",
		"sched_yield",
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		allow(f, seccomp_syscall_resolve_name(names[i]), 0, NULL);
}
#endif

static int install_handler(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO | SA_NODEFER };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigaction(SIGSYS, &sa, NULL) < 0 || pthread_sigmask(SIG_UNBLOCK, &set, NULL) != 0)
		return -errno;
	return 0;
}

int pl_seccomp_install(struct pl_sandbox *sb)
{
	bool log = sb->seccomp == PL_SECCOMP_LOG;
	struct filter f;
	int err;

	if (sb->seccomp == PL_SECCOMP_OFF)
		return 0;
	f = (struct filter){ .ctx = seccomp_init(log ? SCMP_ACT_LOG : SCMP_ACT_TRAP) };
	if (!f.ctx)
		return -ENOMEM;
	f.err = seccomp_attr_set(f.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* KVM_RUN is the call made on every exit: test for it first. */
	if (!f.err)
		f.err = seccomp_syscall_priority(f.ctx, SCMP_SYS(ioctl), 255);
	allow_io(&f, sb);
	allow_cores(&f, &sb->core);
	allow_process(&f);
#ifdef PL_SANITIZED
	allow_sanitizer(&f);
#endif
	err = f.err ? f.err : install_handler();
	if (!err)
		err = seccomp_load(f.ctx);
	seccomp_release(f.ctx);
	if (!err && !log)
		tl_confined = true;
	return err;
}
