// SPDX-License-Identifier: MIT
/*
 * The vDSO: Linux's x86-64 time functions, mapped into every process
 * ([vdso] in /proc/PID/maps) and found by libc through AT_SYSINFO_EHDR.
 * They read the TSC and the kernel's data page ([vvar], kernel/vvar.h),
 * so a clock costs no transition; on kvm_pvm a syscall is 2-14 us.
 * Clocks the data page cannot answer (CPU time, unknown ids) go to the
 * real syscall, as Linux's vDSO does, so errors stay the kernel's.
 *
 * Built position-independent and linked by guest/vdso/vdso.lds with no
 * relocations: the kernel maps its bytes as they are.
 */
#include <kernel/vvar.h>

#define NR_gettimeofday	 96
#define NR_time		 201
#define NR_clock_gettime 228
#define NR_clock_getres	 229

enum {
	CLOCK_REALTIME = 0,
	CLOCK_MONOTONIC = 1,
	CLOCK_MONOTONIC_RAW = 4,
	CLOCK_REALTIME_COARSE = 5,
	CLOCK_MONOTONIC_COARSE = 6,
	CLOCK_BOOTTIME = 7,
	CLOCK_TAI = 11,
};

struct vdso_timespec {
	s64 sec, nsec;
};

struct vdso_timeval {
	s64 sec, usec;
};

/* The page before the vDSO's first byte (vdso.lds), addressed RIP-relative. */
extern const struct vvar_data vvar_page __attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline u64 read_tsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/* CLOCK_MONOTONIC now, or at the last tick when coarse; the wall clock's offset in *epoch_ns. */
static u64 monotonic_ns(bool coarse, u64 *epoch_ns)
{
	const struct vvar_data *d = &vvar_page;
	u64 ns, epoch;
	u32 seq;

	do {
		seq = vvar_read_begin(d);
		ns = coarse ? d->coarse_ns : vvar_monotonic_ns(d, read_tsc());
		epoch = d->boot_epoch_ns;
	} while (vvar_read_retry(d, seq));
	*epoch_ns = epoch;
	return ns;
}

/*
 * As the kernel's clock_now(): KIND_WALL adds the wall clock's offset,
 * KIND_COARSE reads the last tick's value; -1 for the syscall.
 */
enum { KIND_WALL = 1, KIND_COARSE = 2 };

static int clock_kind(int id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		return KIND_WALL;
	case CLOCK_REALTIME_COARSE:
		return KIND_WALL | KIND_COARSE;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		return KIND_COARSE;
	default:
		return -1;
	}
}

static u64 realtime_ns(void)
{
	u64 epoch, ns = monotonic_ns(false, &epoch);

	return epoch + ns;
}

int __vdso_clock_gettime(int id, struct vdso_timespec *ts)
{
	int kind = clock_kind(id);
	u64 epoch, ns;

	if (kind < 0)
		return syscall2(NR_clock_gettime, id, (long)ts);
	ns = monotonic_ns(kind & KIND_COARSE, &epoch);
	if (kind & KIND_WALL)
		ns += epoch;
	ts->sec = ns / VVAR_NSEC_PER_SEC;
	ts->nsec = ns % VVAR_NSEC_PER_SEC;
	return 0;
}

int __vdso_gettimeofday(struct vdso_timeval *tv, void *tz)
{
	u64 ns = realtime_ns();

	if (tv) {
		tv->sec = ns / VVAR_NSEC_PER_SEC;
		tv->usec = ns % VVAR_NSEC_PER_SEC / 1000;
	}
	/* The kernel keeps no time zone: it reports minutes west 0, no DST. */
	if (tz)
		*(u64 *)tz = 0;
	return 0;
}

long __vdso_time(long *t)
{
	long sec = realtime_ns() / VVAR_NSEC_PER_SEC;

	if (t)
		*t = sec;
	return sec;
}

/* The precise clocks count in nanoseconds from the TSC; the coarse ones by the kernel's tick. */
int __vdso_clock_getres(int id, struct vdso_timespec *res)
{
	int kind = clock_kind(id);

	if (kind < 0 || (kind & KIND_COARSE))
		return syscall2(NR_clock_getres, id, (long)res);
	if (res) {
		res->sec = 0;
		res->nsec = 1;
	}
	return 0;
}

/* One CPU, one node: the kernel runs the guest on a single vCPU. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
	(void)cache;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

/* Linux's vDSO exports each function under its plain name too. */
int clock_gettime(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
