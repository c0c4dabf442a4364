/*
 * A random system-call fuzzer for the sandbox only (natively it would
 * damage the host): children make random calls with boundary values,
 * kernel and unmapped pointers and pointers into their own memory, and are
 * replaced when they die; then a sanity phase checks that the kernel still
 * forks, maps, pipes and stores files, and that no memory went missing.
 *
 *   sysfuzz [-s SEED] [-n CALLS]
 *
 * Prints one line per phase and "sysfuzz: seed S: ok" at the end; any
 * failure names the seed, so `sysfuzz -s S` reproduces it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/mman.h>

#define SCRATCH_SIZE (64 * 1024)
#define MAX_NR	     335 /* mainline's table below the newer, riskier numbers */

static uint64_t rng_state;
static unsigned long seed;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic per seed, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static char *scratch;

static uint64_t random_arg(void)
{
	static const uint64_t edges[] = {
		0,
		1,
		2,
		(uint64_t)-1,
		4095,
		4096,
		1ULL << 31,
		1ULL << 32,
		0x7ffffffff000ULL,
		0x7ffffffffff8ULL,
		1ULL << 47,
		0xffff888000000000ULL,
		0xffffffff80100000ULL,
		0xdead000000000000ULL,
		0x8000000000000000ULL,
	};

	switch (rnd() % 6) {
	case 0:
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return rnd() % 64; /* descriptors, signal numbers, small flags */
	case 2:
		return (uint64_t)(uintptr_t)(scratch + rnd() % SCRATCH_SIZE);
	case 3:
		return 0x10000 + (rnd() % 0x1000) * 4096; /* likely unmapped */
	case 4:
		return rnd() & 0xffffffff;
	default:
		return rnd();
	}
}

/*
 * Calls that would end the fuzzer's own sandbox run rather than test the
 * kernel: signals to the parent or to every process, exec of garbage, and
 * root's QNX MAP_PHYS of a physical address (like writing /dev/mem, it can
 * overwrite the kernel by design; its argument checks are still fuzzed
 * whenever the call would fail before mapping, e.g. with an fd other than
 * NOFD or MAP_ANON's contiguous blocks).
 */
static bool harmful(long nr, const uint64_t *a)
{
	switch (nr) {
	case SYS_kill:
	case SYS_tkill:
		return (int64_t)(int)a[0] <= 1 || (pid_t)a[0] == getppid();
	case SYS_tgkill:
		return (int)a[0] <= 1 || (int)a[1] <= 1 || (pid_t)a[0] == getppid();
	case SYS_execve:
	case SYS_execveat:
	case SYS_reboot:
	case SYS_setpgid: /* into another group: the parent's kill(0) would miss it */
	case SYS_setsid:
		return true;
	case SYS_mmap:
		return (a[3] & MAP_PHYS) && !(a[3] & MAP_ANONYMOUS) && (int)a[4] == NOFD;
	default:
		return false;
	}
}

static void fuzz_child(long calls)
{
	uint64_t a[6];

	int null = open("/dev/null", O_RDWR);

	/* Its own group, so the parent can kill whatever it forks; quiet streams. */
	setpgid(0, 0);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	if (chdir("/tmp/fuzz"))
		_exit(1);
	alarm(1); /* most blocking calls end here; the parent's watchdog ends the rest */
	for (long i = 0; i < calls; i++) {
		long nr = (long)(rnd() % MAX_NR);

		for (int k = 0; k < 6; k++)
			a[k] = random_arg();
		if (harmful(nr, a))
			continue;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

/* MemFree + Cached in KiB: file data the fuzzer left is not a leak. */
static long usable_kib(void)
{
	char buf[4096], *p;
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	long total = 0;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "MemFree:")))
		total += strtol(p + 8, NULL, 10);
	if ((p = strstr(buf, "Cached:")))
		total += strtol(p + 7, NULL, 10);
	return total;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static bool fail(const char *what)
{
	printf("sysfuzz: seed %lu: FAILED: %s\n", seed, what);
	return false;
}

/*
 * Waits for the child at most 2 s (it may block in a random call, and a
 * random sigprocmask could keep its alarm out), then kills its whole group and reaps every process
 * that ended: orphans come to us, the sandbox's PID 1.
 */
static void end_child(pid_t pid)
{
	for (int i = 0; i < 200 && waitpid(pid, NULL, WNOHANG) == 0; i++)
		usleep(10000);
	kill(-pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* What every later experiment relies on, after the fuzzing. */
static bool sanity(void)
{
	int p[2], st;
	char c = 0, *m;
	pid_t pid;

	if (pipe(p) || write(p[1], "!", 1) != 1 || read(p[0], &c, 1) != 1 || c != '!')
		return fail("a pipe round trip");
	close(p[0]);
	close(p[1]);
	m = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (m == MAP_FAILED)
		return fail("mmap of 4 MiB with MAP_POPULATE");
	memset(m, 0x5a, 4 << 20);
	pid = fork();
	if (pid == 0)
		_exit(m[(4 << 20) - 1] == 0x5a ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return fail("fork and a child reading its copy-on-write memory");
	munmap(m, 4 << 20);
	int fd = open("/tmp/sanity", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || pwrite(fd, "data", 4, 1 << 20) != 4 || pread(fd, &c, 1, 1 << 20) != 1 ||
	    c != 'd')
		return fail("a file in /tmp written and read back");
	close(fd);
	unlink("/tmp/sanity");
	return true;
}

int main(int argc, char **argv)
{
	long calls = 20000, done = 0, before, after;
	int opt, children = 0;

	seed = 1;
	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else if (opt == 'n')
			calls = strtol(optarg, NULL, 0);
		else
			return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	mkdir("/tmp/fuzz", 0777);
	before = usable_kib();
	while (done < calls) {
		long chunk = calls - done < 1000 ? calls - done : 1000;
		pid_t pid;

		scratch = malloc(SCRATCH_SIZE);
		for (int i = 0; scratch && i < SCRATCH_SIZE; i++)
			scratch[i] = (char)rnd();
		pid = fork();
		if (pid == 0)
			fuzz_child(chunk);
		free(scratch);
		rnd(); /* the parent's stream moves on, so children differ */
		if (pid < 0) {
			fail("fork of a fuzzing child");
			return 1;
		}
		end_child(pid);
		done += chunk;
		children++;
	}
	printf("sysfuzz: seed %lu: %ld calls in %d children\n", seed, calls, children);
	nftw("/tmp/fuzz", remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw("/dev/shm", remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (!sanity())
		return 1;
	after = usable_kib();
	if (before < 0 || after < 0) {
		fail("reading /proc/meminfo");
		return 1;
	}
	if (after < before - 2048) {
		printf("sysfuzz: seed %lu: FAILED: %ld KiB of memory missing after cleanup\n", seed,
		       before - after);
		return 1;
	}
	printf("sysfuzz: seed %lu: ok\n", seed);
	return 0;
}
