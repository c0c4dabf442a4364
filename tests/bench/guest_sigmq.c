// SPDX-License-Identifier: MIT
/*
 * guest_sigmq [COUNT]: what queued signals, timers and message queues
 * cost: sigqueue() of a blocked real-time signal taken back with
 * sigwaitinfo() ("sigwait_ns"), sigqueue() to the process's own handler
 * ("handler_ns": the delivery and sigreturn), timer_settime() +
 * timer_gettime() of a POSIX timer ("timer_ns"), and an mq_send() +
 * mq_receive() pair ("mq_ns"); median batch of COUNT (default 2000), and
 * "getpid_ns N" of the same run: the syscall floor they stand on.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const char *prog;
static int waited_sig, handled_sig;
static volatile sig_atomic_t handled;
static sigset_t waited;
static timer_t timer;
static mqd_t mq;

static void op_getpid(void *arg, long i)
{
	(void)arg, (void)i;
	if (syscall(SYS_getpid) <= 0)
		bench_fail(prog, "getpid failed");
}

static void op_sigwait(void *arg, long i)
{
	siginfo_t si;

	(void)arg;
	if (sigqueue(getpid(), waited_sig, (union sigval){ .sival_int = (int)i }) ||
	    sigwaitinfo(&waited, &si) != waited_sig || si.si_value.sival_int != (int)i)
		bench_fail(prog, "sigqueue + sigwaitinfo did not round-trip");
}

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

static void op_handler(void *arg, long i)
{
	sig_atomic_t before = handled;

	(void)arg, (void)i;
	if (sigqueue(getpid(), handled_sig, (union sigval){ 0 }) || handled != before + 1)
		bench_fail(prog, "sigqueue did not run the handler");
}

static void op_timer(void *arg, long i)
{
	struct itimerspec its = { { 0, 0 }, { 100, 0 } }, cur;

	(void)arg, (void)i;
	if (timer_settime(timer, 0, &its, NULL) || timer_gettime(timer, &cur) ||
	    cur.it_value.tv_sec < 90)
		bench_fail(prog, "timer_settime + timer_gettime failed");
}

static void op_mq(void *arg, long i)
{
	char buf[64];

	(void)arg, (void)i;
	if (mq_send(mq, "ping", 4, 1) || mq_receive(mq, buf, sizeof(buf), NULL) != 4)
		bench_fail(prog, "mq_send + mq_receive failed");
}

int main(int argc, char **argv)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	char name[64];
	long n;

	prog = argv[0];
	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 2000, 100000000);
	waited_sig = SIGRTMIN;
	handled_sig = SIGRTMIN + 1;
	sigemptyset(&waited);
	sigaddset(&waited, waited_sig);
	sigprocmask(SIG_BLOCK, &waited, NULL);
	signal(handled_sig, on_signal);
	snprintf(name, sizeof(name), "/pagelab-bench-%d", (int)getpid());
	mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (mq == (mqd_t)-1 || timer_create(CLOCK_MONOTONIC, &ev, &timer))
		bench_fail(prog, "mq_open/timer_create setup");
	mq_unlink(name);
	bench_run(16, 1, op_sigwait, NULL);
	printf("getpid_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_getpid, NULL));
	printf("sigwait_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_sigwait, NULL));
	printf("handler_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_handler, NULL));
	printf("timer_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_timer, NULL));
	printf("mq_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_mq, NULL));
	return 0;
}
