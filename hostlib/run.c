// SPDX-License-Identifier: MIT
/*
 * The vCPU loop: KVM_RUN, then one case per exit reason. Every reason KVM
 * can return ends up back in the guest, at a stop the host asked to see,
 * or in pl_sandbox_end. pl_sandbox_step stays in the loop until one of
 * those, so a run without stops pays nothing for them.
 *
 * One real-time signal serves both the timeout and pl_sandbox_interrupt
 * from another thread. Its handler sets kvm_run->immediate_exit, so a
 * signal that lands between our checks and KVM_RUN still makes KVM_RUN
 * return at once; the timeout's timer keeps firing every 10 ms as a second
 * line of defence. The signal is unblocked only while a step runs. The
 * handler stays installed after the run (it does nothing then): restoring
 * the previous one would pull it from under a sandbox another thread runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "devices.h"
#include "error.h"
#include "sandbox.h"
#include "vga.h"

#define PL_RUN_SIGNAL (SIGRTMIN + 2)
/* glibc before 2.35 names the SIGEV_THREAD_ID target only by its union member. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static __thread struct kvm_run *tl_run __attribute__((tls_model("initial-exec")));

static void on_signal(int sig)
{
	(void)sig;
	if (tl_run)
		__atomic_store_n(&tl_run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

static int signal_setup(struct pl_sandbox *sb)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	(void)sb;
	return sigaction(PL_RUN_SIGNAL, &sa, NULL);
}

/* The signal reaches this thread only inside a step. */
static void signal_unblock(struct pl_sandbox *sb)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, PL_RUN_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, &sb->old_mask);
	sb->mask_saved = true;
}

static void signal_restore(struct pl_sandbox *sb)
{
	if (sb->mask_saved)
		pthread_sigmask(SIG_SETMASK, &sb->old_mask, NULL);
	sb->mask_saved = false;
}

static int timer_start(struct pl_sandbox *sb)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = PL_RUN_SIGNAL };
	struct itimerspec its = {
		.it_value = { .tv_sec = sb->timeout_ms / 1000,
			      .tv_nsec = (sb->timeout_ms % 1000) * 1000000 },
		.it_interval = { .tv_nsec = 10000000 },
	};

	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &sb->timer) < 0)
		return -1;
	if (timer_settime(sb->timer, 0, &its, NULL) < 0) {
		timer_delete(sb->timer);
		return -1;
	}
	sb->timer_on = true;
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

/* A stop the guest made wins: the pause stays asked for and comes at the next step. */
static void pause_if_asked(struct pl_sandbox *sb)
{
	if (sb->stop_pending || !__atomic_exchange_n(&sb->interrupt, 0, __ATOMIC_SEQ_CST))
		return;
	sb->stop = (struct pl_stop){ .kind = PL_STOP_PAUSE, .pid = pl_running_pid(sb) };
	sb->stop_frame_gpa = 0; /* the vCPU was wherever it was: no frame describes it */
	sb->stop_pending = true;
}

static void run_once(struct pl_sandbox *sb)
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
			__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			pause_if_asked(sb);
			return;
		}
		pl_sandbox_end(sb, PL_END_VMM_ERROR, 0, "KVM_RUN failed: %s", strerror(errno));
		return;
	}
	sb->res.exits_total++;
	handle_exit(sb, run);
	if (__atomic_load_n(&sb->interrupt, __ATOMIC_RELAXED))
		pause_if_asked(sb);
}

/* The first step: the timer, the signal and the filter, in that order. */
static void start(struct pl_sandbox *sb)
{
	int err;

	sb->started = true;
	sb->start_ns = pl_now_ns();
	pl_devices_reset(sb);
	if (signal_setup(sb) < 0) {
		pl_sandbox_end(sb, PL_END_VMM_ERROR, 0,
			       "cannot install the run's signal handler: %s", strerror(errno));
		return;
	}
	signal_unblock(sb);
	if (sb->timeout_ms) {
		sb->deadline_ns = sb->start_ns + sb->timeout_ms * 1000000ULL;
		if (timer_start(sb) < 0) {
			pl_sandbox_end(sb, PL_END_VMM_ERROR, 0,
				       "cannot start the timeout timer: %s", strerror(errno));
			return;
		}
	}
	__atomic_store_n(&sb->vcpu_tid, gettid(), __ATOMIC_SEQ_CST);
	/* After the timer: creating it is not a call the run needs again. */
	err = pl_seccomp_install(sb);
	if (err)
		pl_sandbox_end(sb, PL_END_VMM_ERROR, 0, "cannot install the seccomp filter: %s",
			       strerror(-err));
}

/*
 * Stop the signals before printing anything. A signal the timer sent has
 * been delivered by the time timer_delete returns (it is unblocked here),
 * so the caller's mask can come back.
 */
static void finish(struct pl_sandbox *sb, struct pl_stop *stop)
{
	FILE *f = sb->report ? sb->report : stderr;

	__atomic_store_n(&sb->vcpu_tid, 0, __ATOMIC_SEQ_CST);
	if (sb->timer_on)
		timer_delete(sb->timer);
	sb->timer_on = false;
	signal_restore(sb);
	tl_run = NULL;
	sb->kvm.run->immediate_exit = 0;
	sb->finished = true;
	pl_console_flush(&sb->con);
	pl_vga_dump(sb);
	sb->res.events = sb->events;
	pl_devices_stats(sb);
	pl_report_build(sb);
	if (sb->res.report[0]) {
		fprintf(f, "%s\n", sb->res.report);
		fflush(f);
	}
	*stop = (struct pl_stop){ .kind = PL_STOP_END,
				  .time_ns = pl_now_ns() - sb->start_ns,
				  .exit_status = sb->res.exit_status };
}

static int refuse(struct pl_sandbox *sb)
{
	if (sb->kvm.vcpu < 0 || !sb->kvm.run) {
		pl_set_error(PL_ERR_CONFIG, "this sandbox has no vCPU: it was not made by "
					    "pl_sandbox_create");
		return -EINVAL;
	}
	if (sb->finished) {
		pl_set_error(PL_ERR_CONFIG, "this sandbox has run already: a sandbox runs once, "
					    "create another one to run again");
		return -EINVAL;
	}
	return 0;
}

int pl_sandbox_step(struct pl_sandbox *sb, struct pl_stop *stop)
{
	uint64_t t0 = pl_now_ns();
	int err = refuse(sb);

	if (err)
		return err;
	if (!stop) {
		pl_set_error(PL_ERR_CONFIG, "pl_sandbox_step needs a struct pl_stop");
		return -EINVAL;
	}
	tl_run = sb->kvm.run;
	sb->pat_known = false; /* the guest may change it once it runs */
	if (!sb->started)
		start(sb);
	else
		signal_unblock(sb);
	/* A failed assertion was the last stop: the guest does not go on. */
	if (sb->assert_pending)
		pl_sandbox_end(sb, PL_END_ASSERT, 0, "assertion");
	pause_if_asked(sb);
	while (!sb->ended && !sb->stop_pending && !sb->dev_err)
		run_once(sb);
	sb->res.run_ns += pl_now_ns() - t0;
	if (sb->ended && !sb->stop_pending) {
		finish(sb, stop);
		return 0;
	}
	signal_restore(sb);
	if (sb->dev_err) {
		err = sb->dev_err;
		sb->dev_err = 0;
		return err;
	}
	sb->stop_pending = false;
	sb->res.stops++;
	*stop = sb->stop;
	stop->time_ns = pl_now_ns() - sb->start_ns;
	return 0;
}

void pl_sandbox_interrupt(struct pl_sandbox *sb)
{
	struct kvm_run *run = sb->kvm.run;
	pid_t tid;

	__atomic_store_n(&sb->interrupt, 1, __ATOMIC_SEQ_CST);
	if (run)
		__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	/* Another thread must knock the vCPU out of KVM_RUN; in that thread the flag is enough. */
	tid = __atomic_load_n(&sb->vcpu_tid, __ATOMIC_SEQ_CST);
	if (tid > 0 && tid != (pid_t)syscall(SYS_gettid))
		syscall(SYS_tgkill, getpid(), tid, PL_RUN_SIGNAL);
}

void pl_sandbox_result(struct pl_sandbox *sb, struct pl_result *res)
{
	if (!sb->finished) {
		sb->res.events = sb->events;
		pl_devices_stats(sb);
	}
	*res = sb->res;
}

int pl_sandbox_run(struct pl_sandbox *sb, struct pl_result *res)
{
	struct pl_stop stop;
	int err = refuse(sb);

	if (err)
		return -1;
	/* Checkpoints and device errors do not stop a run to the end. */
	do
		err = pl_sandbox_step(sb, &stop);
	while (!sb->finished && (err == 0 || sb->started));
	if (!sb->finished)
		return -1;
	if (res)
		*res = sb->res;
	return sb->res.exit_status;
}
