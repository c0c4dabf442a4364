/*
 * Running out of memory inside the sandbox (never natively: it would eat
 * the host's). The kernel must survive each case and keep working:
 *   commit  a private writable mapping bigger than RAM: ENOMEM at mmap
 *   touch   a child touches MAP_NORESERVE memory until frames run out:
 *           it is killed (SIGKILL), the parent goes on
 *   fork    fork until the kernel says no (EAGAIN or ENOMEM)
 * Prints "ok CASE" and "ok still working" and exits 0 when both held.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (1UL << 30)

static int commit_refused(void)
{
	void *p = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED && errno == ENOMEM;
}

static int toucher_killed(void)
{
	int st;
	pid_t c = fork();

	if (c == 0) {
		char *p = mmap(NULL, BIG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		for (unsigned long off = 0; off < BIG; off += 4096)
			p[off] = 1;
		_exit(3); /* more RAM than the test expects */
	}
	return waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

static int fork_refused(void)
{
	pid_t kids[4096];
	int n = 0, refused = 0;

	while (n < 4096) {
		pid_t c = fork();

		if (c == 0) {
			pause();
			_exit(0);
		}
		if (c < 0) {
			refused = errno == EAGAIN || errno == ENOMEM;
			break;
		}
		kids[n++] = c;
	}
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	return refused;
}

static int report(const char *name, int held)
{
	printf("%s %s\n", held ? "ok" : "not ok", name);
	return !held;
}

static int still_working(void)
{
	FILE *f = fopen("/tmp/after", "w+");

	return f && fputs("alive", f) >= 0 && fflush(f) == 0 && fclose(f) == 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int failed = 0;

	if (!strcmp(mode, "commit"))
		failed |= report("commit", commit_refused());
	else if (!strcmp(mode, "touch"))
		failed |= report("touch", toucher_killed());
	else if (!strcmp(mode, "fork"))
		failed |= report("fork", fork_refused());
	else
		return report("usage: oom commit|touch|fork", 0) + 1;
	/* And the kernel still works afterwards. */
	failed |= report("still working", still_working());
	return failed;
}
