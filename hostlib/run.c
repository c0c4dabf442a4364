// SPDX-License-Identifier: MIT
/*
 * The vCPU loop: KVM_RUN, then one case per exit reason. Every reason KVM
 * can return ends up either back in the guest or in pl_sandbox_end.
 *
 * The timeout is a POSIX timer that signals this thread. Its handler sets
 * kvm_run->immediate_exit, so a signal that lands between our deadline
 * check and KVM_RUN still makes KVM_RUN return at once; the timer keeps
 * firing every 10 ms as a second line of defence. The handler stays
 * installed after the run (it does nothing then): restoring the previous
 * one would pull it from under a sandbox another thread is running.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "sandbox.h"
#include "vga.h"

#define PL_TIMER_SIGNAL (SIGRTMIN + 2)
/* glibc before 2.35 names the SIGEV_THREAD_ID target only by its union member. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static __thread struct kvm_run *tl_run __attribute__((tls_model("initial-exec")));

static void on_timer(int sig)
{
	(void)sig;
	if (tl_run)
		tl_run->immediate_exit = 1;
}

/* *old_mask: the thread's signal mask before, restored by the caller when the timer is gone. */
static int timer_start(struct pl_sandbox *sb, timer_t *timer, sigset_t *old_mask)
{
	struct sigaction sa = { .sa_handler = on_timer, .sa_flags = SA_RESTART };
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = PL_TIMER_SIGNAL };
	struct itimerspec its = {
		.it_value = { .tv_sec = sb->timeout_ms / 1000,
			      .tv_nsec = (sb->timeout_ms % 1000) * 1000000 },
		.it_interval = { .tv_nsec = 10000000 },
	};
	sigset_t set;

	sev.sigev_notify_thread_id = gettid();
	sigemptyset(&set);
	sigaddset(&set, PL_TIMER_SIGNAL);
	if (sigaction(PL_TIMER_SIGNAL, &sa, NULL) < 0 ||
	    pthread_sigmask(SIG_UNBLOCK, &set, old_mask) != 0)
		return -1;
	if (timer_create(CLOCK_MONOTONIC, &sev, timer) < 0) {
		pthread_sigmask(SIG_SETMASK, old_mask, NULL);
		return -1;
	}
	if (timer_settime(*timer, 0, &its, NULL) < 0) {
		timer_delete(*timer);
		pthread_sigmask(SIG_SETMASK, old_mask, NULL);
		return -1;
	}
	return 0;
}

static void internal_error(struct pl_sandbox *sb, const struct kvm_run *run)
{
	static const char *const sub[] = { "", "instruction emulation failed",
					   "exception while handling an exception",
					   "error while delivering an event",
					   "unexpected exit reason" };
	char data[160] = "";
	size_t n = 0;
	unsigned s = run->internal.suberror;

	for (unsigned i = 0; i < run->internal.ndata && i < 4 && n < sizeof(data); i++)
		n += snprintf(data + n, sizeof(data) - n, " 0x%llx",
			      (unsigned long long)run->internal.data[i]);
	pl_sandbox_end(sb, PL_END_KVM_ERROR, 0, "KVM_EXIT_INTERNAL_ERROR, suberror %u (%s)%s%s", s,
		       s < 5 ? sub[s] : "unknown", n ? ", data" : "", data);
}

static void handle_pio(struct pl_sandbox *sb, struct kvm_run *run)
{
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;

	if (run->io.data_offset > sb->kvm.run_size ||
	    bytes > sb->kvm.run_size - run->io.data_offset) {
		pl_sandbox_end(sb, PL_END_KVM_ERROR, 0, "port I/O data outside kvm_run");
		return;
	}
	/* rep ins/outs: count elements of size bytes each. */
	for (uint32_t i = 0; i < run->io.count && !sb->ended; i++)
		if (pl_pio_dispatch(sb, run->io.port, data + (uint64_t)i * run->io.size,
				    run->io.size, write))
			break;
}

static void handle_exit(struct pl_sandbox *sb, struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		sb->res.exits[PL_XK_PIO]++;
		handle_pio(sb, run);
		break;
	case KVM_EXIT_MMIO:
		sb->res.exits[PL_XK_MMIO]++;
		if (run->mmio.len == 0 || run->mmio.len > 8)
			pl_sandbox_end(sb, PL_END_KVM_ERROR, 0, "MMIO exit of %u bytes",
				       run->mmio.len);
		else
			pl_mmio_dispatch(sb, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
					 run->mmio.is_write);
		break;
	case KVM_EXIT_HLT:
		sb->res.exits[PL_XK_HLT]++;
		pl_sandbox_end(sb, PL_END_HALTED, 0, "hlt");
		break;
	case KVM_EXIT_SHUTDOWN:
		sb->res.exits[PL_XK_SHUTDOWN]++;
		pl_sandbox_end(sb, PL_END_TRIPLE_FAULT, 0, "shutdown");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		sb->res.exits[PL_XK_ERROR]++;
		pl_sandbox_end(sb, PL_END_KVM_ERROR, 0,
			       "KVM_EXIT_FAIL_ENTRY, hardware entry failure reason 0x%llx",
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		sb->res.exits[PL_XK_ERROR]++;
		internal_error(sb, run);
		break;
	case KVM_EXIT_INTR:
		sb->res.exits[PL_XK_INTR]++;
		break;
	case KVM_EXIT_IOAPIC_EOI:
		/* Split irqchip: an EOI for a vector user space routed; we route none. */
		sb->res.exits[PL_XK_OTHER]++;
		break;
	default:
		sb->res.exits[PL_XK_OTHER]++;
		pl_sandbox_end(sb, PL_END_KVM_ERROR, 0, "unexpected KVM exit reason %u",
			       run->exit_reason);
		break;
	}
}

static void step(struct pl_sandbox *sb)
{
	struct kvm_run *run = sb->kvm.run;

	if (sb->deadline_ns && pl_now_ns() >= sb->deadline_ns) {
		pl_sandbox_end(sb, PL_END_TIMEOUT, 0, "%s", "");
		return;
	}
	if (ioctl(sb->kvm.vcpu, KVM_RUN, 0) < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			sb->res.exits[PL_XK_INTR]++;
			sb->res.exits_total++;
			run->immediate_exit = 0;
			return;
		}
		pl_sandbox_end(sb, PL_END_VMM_ERROR, 0, "KVM_RUN failed: %s", strerror(errno));
		return;
	}
	sb->res.exits_total++;
	handle_exit(sb, run);
}

static void finish(struct pl_sandbox *sb, struct pl_result *res, uint64_t start)
{
	FILE *f = sb->report ? sb->report : stderr;

	pl_console_flush(&sb->con);
	pl_vga_dump(sb);
	sb->res.run_ns = pl_now_ns() - start;
	sb->res.events = sb->events;
	pl_report_build(sb);
	if (sb->res.report[0]) {
		fprintf(f, "%s\n", sb->res.report);
		fflush(f);
	}
	if (res)
		*res = sb->res;
}

int pl_sandbox_run(struct pl_sandbox *sb, struct pl_result *res)
{
	uint64_t start = pl_now_ns();
	timer_t timer;
	sigset_t old_mask;
	bool timer_on = false;

	/* The guest's state is wherever the first run left it: a new run needs a new sandbox. */
	if (sb->ran) {
		pl_set_error(PL_ERR_CONFIG, "this sandbox has run already: a sandbox runs once, "
					    "create another one to run again");
		return -1;
	}
	if (sb->kvm.vcpu < 0) {
		pl_set_error(PL_ERR_CONFIG, "this sandbox has no vCPU: it was not made by "
					    "pl_sandbox_create");
		return -1;
	}
	sb->ran = true;
	tl_run = sb->kvm.run;
	if (sb->timeout_ms) {
		sb->deadline_ns = start + sb->timeout_ms * 1000000ULL;
		if (timer_start(sb, &timer, &old_mask) < 0)
			pl_sandbox_end(sb, PL_END_VMM_ERROR, 0,
				       "cannot start the timeout timer: %s", strerror(errno));
		else
			timer_on = true;
	}
	/* After the timer: creating it is not a call the run needs again. */
	if (!sb->ended) {
		int err = pl_seccomp_install(sb);

		if (err)
			pl_sandbox_end(sb, PL_END_VMM_ERROR, 0,
				       "cannot install the seccomp filter: %s", strerror(-err));
	}
	while (!sb->ended)
		step(sb);
	/*
	 * Stop the signals before printing anything. A signal the timer sent
	 * has been delivered by the time timer_delete returns (it is unblocked
	 * here), so the caller's mask can come back.
	 */
	if (timer_on) {
		timer_delete(timer);
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	}
	tl_run = NULL;
	sb->kvm.run->immediate_exit = 0;
	finish(sb, res, start);
	return sb->res.exit_status;
}
