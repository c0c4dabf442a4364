/* SPDX-License-Identifier: MIT */
/*
 * mmap_conformance, part 4: faults as signals, memory accounting and /proc.
 * Included once, by mmap_conformance.c.
 */
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <time.h>

static volatile sig_atomic_t hits, blocked_inside, on_altstack;
static char *volatile alt_lo, *volatile alt_hi;

static void set_segv(void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = h, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

/* Notes what it sees, then leaves through probe()'s siglongjmp. */
static void noting_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;
	char here;

	hits++;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	blocked_inside = sigismember(&cur, SIGSEGV);
	on_altstack = &here >= alt_lo && &here < alt_hi;
	probe_handler(si->si_signo == sig ? sig : -1, si, uc);
}

/* Makes the page writable and returns: sigreturn retries the store. */
static void fixing_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	hits++;
	mprotect((void *)((uintptr_t)si->si_addr & ~(PG - 1)), PG, PROT_READ | PROT_WRITE);
}

static volatile int stop_depth = -1;

static int recurse(int n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	if (n == stop_depth)
		return 0;
	return recurse(n + 1) + pad[0];
}

static void overflow_handler(int sig, siginfo_t *si, void *uc)
{
	stack_t ss;

	(void)sig;
	(void)si;
	(void)uc;
	_exit(sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK) ? 42 : 43);
}

static int overflow_child(void *arg)
{
	stack_t ss = { .ss_sp = map_anon(16 * PG, PROT_READ | PROT_WRITE), .ss_size = 16 * PG };
	struct rlimit small = { 1 << 20, 1 << 20 };

	(void)arg;
	setrlimit(RLIMIT_STACK, &small); /* overflow sooner; a kernel may refuse */
	if (sigaltstack(&ss, NULL))
		return 1;
	set_segv(overflow_handler, SA_ONSTACK);
	return recurse(0) ? 2 : 3;
}

static int die_child(void *p)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	*(volatile char *)p = 1;
	return 0;
}

static void usr1(int sig)
{
	(void)sig;
}

/* A child blocked in read() gets SIGUSR1, then data: 0 if read resumed, 4 on EINTR. */
static int interrupted_read(int flags)
{
	struct sigaction sa = { .sa_handler = usr1, .sa_flags = flags };
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	int data[2], ready[2], st;
	char c = 0;
	pid_t pid;

	if (pipe(data) || pipe(ready))
		bail("pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ssize_t n;

		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		n = read(data[0], &c, 1);
		_exit(n == 1 ? 0 : n < 0 && errno == EINTR ? 4 : 5);
	}
	if (read(ready[0], &c, 1) != 1)
		bail("read");
	nanosleep(&pause, NULL); /* most likely long enough for the child to block in read() */
	/*
	 * A signal that comes before the child is in read() runs the handler
	 * then, and the read waits on. Without SA_RESTART, signal again every
	 * 100 ms (for up to 10 s) until one ends the read; with it, none ends
	 * the read, and one will do.
	 */
	for (int pokes = flags & SA_RESTART ? 1 : 100; pokes > 0; pokes--) {
		siginfo_t si = { 0 };

		kill(pid, SIGUSR1);
		nanosleep(&pause, NULL);
		if (!waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) && si.si_pid == pid)
			break;
	}
	if (write(data[1], "x", 1) != 1 || waitpid(pid, &st, 0) != pid)
		bail("interrupted read");
	close(data[0]);
	close(data[1]);
	close(ready[0]);
	close(ready[1]);
	return st;
}

static void signal_calls(void)
{
	char *p = map_anon(2 * PG, PROT_READ), *alt = map_anon(16 * PG, PROT_READ | PROT_WRITE);
	stack_t ss = { .ss_sp = alt, .ss_size = 16 * PG };
	struct sigaction now;
	sigset_t mask;
	int fd, st;

	munmap(p + PG, PG);
	set_segv(noting_handler, 0);
	ok(probe(p + PG + 77, 0) == SIGSEGV && faulted(SIGSEGV, SEGV_MAPERR, p + PG + 77),
	   "SA_SIGINFO: SIGSEGV, SEGV_MAPERR and si_addr for an unmapped address");
	ok(probe(p + 33, 1) == SIGSEGV && faulted(SIGSEGV, SEGV_ACCERR, p + 33),
	   "SA_SIGINFO: SIGSEGV, SEGV_ACCERR and si_addr for a write to read-only memory");
	ok(blocked_inside, "without SA_NODEFER, SIGSEGV is blocked inside its handler");
	sigprocmask(SIG_BLOCK, NULL, &mask);
	ok(!sigismember(&mask, SIGSEGV), "siglongjmp out of the handler restores the signal mask");
	set_segv(noting_handler, SA_NODEFER);
	ok(probe(p, 1) == SIGSEGV && !blocked_inside,
	   "with SA_NODEFER, SIGSEGV is not blocked inside its handler");
	set_segv(noting_handler, SA_RESETHAND);
	hits = 0;
	ok(probe(p, 1) == SIGSEGV && hits == 1 && sigaction(SIGSEGV, NULL, &now) == 0 &&
	       now.sa_handler == SIG_DFL,
	   "SA_RESETHAND: one delivery, then the default action is back");
	alt_lo = alt;
	alt_hi = alt + 16 * PG;
	set_segv(noting_handler, SA_ONSTACK);
	ok(sigaltstack(&ss, NULL) == 0 && probe(p, 1) == SIGSEGV && on_altstack,
	   "SA_ONSTACK: the handler runs on the sigaltstack");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	ok(exited(in_child(overflow_child, NULL), 42),
	   "a stack overflow is caught by a handler on the alternate stack");
	set_segv(fixing_handler, 0);
	hits = 0;
	*(volatile int *)p = 1234;
	ok(hits == 1 && *(volatile int *)p == 1234,
	   "returning from the handler retries the faulting store (sigreturn)");
	probe_install();
	munmap(p, PG);
	munmap(alt, 16 * PG);

	ok(exited(interrupted_read(SA_RESTART), 0),
	   "SA_RESTART: a read() interrupted by a handled signal resumes");
	ok(exited(interrupted_read(0), 4),
	   "without SA_RESTART the interrupted read() fails: EINTR");
	st = in_child(die_child, p);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	   "no handler: a child touching unmapped memory dies of SIGSEGV");
	p = map_anon(PG, PROT_READ);
	st = in_child(die_child, p);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	   "no handler: a child writing read-only memory dies of SIGSEGV");
	munmap(p, PG);
	fd = make_file("sigbus", 10);
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	st = p != MAP_FAILED ? in_child(die_child, p + PG) : 0;
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
	   "no handler: a child touching a page past EOF dies of SIGBUS");
	munmap(p, 2 * PG);
	close(fd);
}

static void accounting(void)
{
	struct sysinfo si;
	size_t len;
	char *p;

	if (sysinfo(&si))
		bail("sysinfo");
	len = (size_t)si.totalram * si.mem_unit * 2;
	ok(FAILS(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		 ENOMEM),
	   "a private writable mapping of twice the RAM: ENOMEM");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		 0);
	ok(p != MAP_FAILED && (p[len / 2] = 1) == 1, "the same with MAP_NORESERVE succeeds");
	munmap(p, len);
	ok(FAILS(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		 ENOMEM),
	   "a shared anonymous mapping of twice the RAM: ENOMEM");
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(p != MAP_FAILED, "read-only private memory of twice the RAM is not committed");
	ok(p != MAP_FAILED && FAILS(mprotect(p, len, PROT_READ | PROT_WRITE), ENOMEM),
	   "making it writable with mprotect commits it: ENOMEM");
	munmap(p, len);
}

static long meminfo(const char *key)
{
	const char *at = strstr(slurp("/proc/meminfo"), key);

	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

struct maps_line {
	unsigned long start, end, off, inode;
	unsigned major, minor;
	char perms[5], path[128];
};

/* The /proc/self/maps line of the VMA starting at p. */
static bool maps_line(const void *p, struct maps_line *m)
{
	const char *line = slurp("/proc/self/maps");

	for (; *line; line = strchr(line, '\n') + 1) {
		m->path[0] = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %127s", &m->start, &m->end, m->perms,
			   &m->off, &m->major, &m->minor, &m->inode, m->path) >= 7 &&
		    m->start == (unsigned long)p)
			return true;
		if (!strchr(line, '\n'))
			break;
	}
	return false;
}

static void proc_files(void)
{
	char *g = map_anon(5 * PG, PROT_NONE), *f;
	struct maps_line m, a, b;
	int fd = make_file("maps", 3 * PG), pm = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e1 = 0, e2 = 0;
	struct sysinfo si;
	struct stat st;

	/* PROT_NONE on both sides: the VMA cannot merge with a neighbour. */
	mprotect(g + PG, 3 * PG, PROT_READ | PROT_WRITE);
	ok(maps_line(g + PG, &m) && m.end - m.start == 3 * PG && !strcmp(m.perms, "rw-p") &&
	       m.off == 0 && m.major == 0 && m.minor == 0 && m.inode == 0,
	   "/proc/self/maps: start-end rw-p 00000000 00:00 0 for anonymous memory");
	mprotect(g + 2 * PG, PG, PROT_READ);
	ok(maps_line(g + PG, &m) && maps_line(g + 2 * PG, &a) && maps_line(g + 3 * PG, &b) &&
	       m.end == a.start && a.end == b.start && !strcmp(m.perms, "rw-p") &&
	       !strcmp(a.perms, "r--p") && !strcmp(b.perms, "rw-p"),
	   "/proc/self/maps: an mprotect in the middle shows as three lines");
	f = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
	ok(f != MAP_FAILED && fstat(fd, &st) == 0 && maps_line(f, &m) && !strcmp(m.perms, "r--s") &&
	       m.off == PG && m.inode == st.st_ino && m.major == major(st.st_dev) &&
	       m.minor == minor(st.st_dev) && !strcmp(m.path, path("maps")),
	   "/proc/self/maps: a file mapping shows r--s, offset, device, inode and path");
	munmap(f, PG);
	close(fd);
	g[PG] = 1;
	ok(pm >= 0 && pread(pm, &e1, 8, (off_t)((uintptr_t)(g + PG) / PG * 8)) == 8 &&
	       pread(pm, &e2, 8, (off_t)((uintptr_t)(g + 3 * PG) / PG * 8)) == 8 &&
	       (e1 >> 63) == 1 && (e2 >> 63) == 0,
	   "/proc/self/pagemap: a touched page is present, an untouched one is not");
	close(pm);
	munmap(g, 5 * PG);

	ok(meminfo("MemTotal:") > 0 && meminfo("MemFree:") > 0 &&
	       meminfo("MemTotal:") >= meminfo("MemFree:"),
	   "/proc/meminfo has MemTotal and MemFree");
	ok(sysinfo(&si) == 0 &&
	       meminfo("MemTotal:") == (long)((uint64_t)si.totalram * si.mem_unit / 1024),
	   "/proc/meminfo MemTotal is sysinfo's total RAM");
	ok(sysconf(_SC_PHYS_PAGES) == (long)((uint64_t)si.totalram * si.mem_unit / PG),
	   "sysconf(_SC_PHYS_PAGES) matches sysinfo");
	ok(sysconf(_SC_PAGESIZE) == 4096, "sysconf(_SC_PAGESIZE) is 4096");
}
