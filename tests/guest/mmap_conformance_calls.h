/* SPDX-License-Identifier: MIT */
/*
 * mmap_conformance, part 2: munmap, mprotect, msync, madvise, mincore,
 * mlock, mremap and brk. Included once, by mmap_conformance.c.
 */

static void munmap_calls(void)
{
	char *p = map_anon(3 * PG, PROT_READ | PROT_WRITE), *q;

	p[0] = 'a';
	p[2 * PG] = 'c';
	ok(munmap(p + PG, PG) == 0 && probe(p + PG + 3, 0) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_MAPERR, p + PG + 3) && p[0] == 'a' && p[2 * PG] == 'c',
	   "munmap of a middle page: it faults SEGV_MAPERR, the rest keeps its data");
	ok(FAILS(munmap(p + 1, PG), EINVAL), "munmap at an unaligned address: EINVAL");
	ok(FAILS(munmap(p, 0), EINVAL), "munmap of length 0: EINVAL");
	ok(munmap(p + PG, PG) == 0, "munmap of an unmapped range succeeds");
	ok(munmap(p + 2 * PG, 1) == 0 && probe(p + 3 * PG - 1, 0) == SIGSEGV,
	   "munmap rounds the length up to whole pages");
	q = mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ok(q == p + 2 * PG && munmap(p, 3 * PG) == 0 && probe(p, 0) == SIGSEGV &&
	       probe(q, 0) == SIGSEGV,
	   "munmap across two mappings and a hole removes both");
}

static void mprotect_calls(void)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE);
	int ro = make_file("mprotect", PG), fd = open(path("mprotect"), O_RDONLY);
	char *f = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);

	memset(p, 'm', 4 * PG);
	ok(mprotect(p + PG, PG, PROT_READ) == 0 && probe(p + PG, 1) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_ACCERR, p + PG) && probe(p, 1) == 0 &&
	       probe(p + 2 * PG, 1) == 0,
	   "mprotect of a middle page: it faults SEGV_ACCERR, its neighbours stay writable");
	ok(mprotect(p, 4 * PG, PROT_NONE) == 0 && probe(p, 0) == SIGSEGV &&
	       mprotect(p, 4 * PG, PROT_READ | PROT_WRITE) == 0 && p[0] == 'm' &&
	       p[4 * PG - 1] == 'm',
	   "PROT_NONE and back keeps the contents");
	/* musl's mprotect() rounds the address down: ask the kernel itself. */
	ok(FAILS(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL),
	   "mprotect at an unaligned address: EINVAL");
	ok(FAILS(mprotect(p, PG, 0x10), EINVAL), "mprotect with an unknown bit: EINVAL");
	munmap(p + 2 * PG, PG);
	ok(FAILS(mprotect(p + 2 * PG, PG, PROT_READ), ENOMEM),
	   "mprotect of an unmapped range: ENOMEM");
	ok(mprotect(p + 2 * PG, 0, PROT_READ) == 0,
	   "mprotect of length 0 succeeds even where nothing is mapped");
	/* Linux applies it up to the hole and then reports the hole. */
	ok(FAILS(mprotect(p, 4 * PG, PROT_READ), ENOMEM) && probe(p + PG + 5, 1) == SIGSEGV &&
	       probe(p + 3 * PG, 1) == 0,
	   "mprotect across a hole changes the part before it, then fails with ENOMEM");
	ok(f != MAP_FAILED && FAILS(mprotect(f, PG, PROT_READ | PROT_WRITE), EACCES),
	   "PROT_WRITE on MAP_SHARED of an O_RDONLY fd: EACCES");
	munmap(f, PG);
	munmap(p, 4 * PG);
	close(fd);
	close(ro);
}

static void msync_calls(void)
{
	int fd = make_file("msync", 2 * PG);
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), c = 0;

	if (p == MAP_FAILED)
		bail("mmap msync");
	p[10] = 'S';
	ok(msync(p, 2 * PG, MS_SYNC) == 0 && pread(fd, &c, 1, 10) == 1 && c == 'S',
	   "msync MS_SYNC: the store is in the file");
	ok(msync(p, PG, MS_ASYNC) == 0 && msync(p, PG, MS_INVALIDATE) == 0,
	   "msync MS_ASYNC and MS_INVALIDATE succeed");
	ok(FAILS(msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL), "msync MS_SYNC|MS_ASYNC: EINVAL");
	ok(FAILS(msync(p, PG, 8), EINVAL), "msync with an unknown flag: EINVAL");
	ok(FAILS(msync(p + 1, PG, MS_SYNC), EINVAL), "msync at an unaligned address: EINVAL");
	munmap(p, 2 * PG);
	ok(FAILS(msync(p, PG, MS_SYNC), ENOMEM), "msync of an unmapped range: ENOMEM");
	close(fd);
}

static int touch_in_child(void *p)
{
	signal(SIGSEGV, SIG_DFL);
	return *(volatile char *)p == 'd' ? 0 : 1;
}

static void madvise_calls(void)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = make_file("madvise", PG);
	char *f = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int st;

	memset(p, 'x', 2 * PG);
	*s = 's';
	f[0] = 'z';
	ok(madvise(p, 2 * PG, MADV_DONTNEED) == 0 && p[0] == 0 && p[2 * PG - 1] == 0,
	   "MADV_DONTNEED: private anonymous memory reads back as zero");
	ok(madvise(s, PG, MADV_DONTNEED) == 0 && *s == 's',
	   "MADV_DONTNEED: MAP_SHARED memory keeps its contents");
	ok(madvise(f, PG, MADV_DONTNEED) == 0 && f[0] == 'a',
	   "MADV_DONTNEED: a private file page reverts to the file's contents");
	ok(madvise(p, PG, MADV_NORMAL) == 0 && madvise(p, PG, MADV_RANDOM) == 0 &&
	       madvise(p, PG, MADV_SEQUENTIAL) == 0 && madvise(f, PG, MADV_WILLNEED) == 0,
	   "MADV_NORMAL, RANDOM, SEQUENTIAL and WILLNEED succeed");
	ok(madvise(p, 2 * PG, MADV_FREE) == 0 && (p[0] = 'k') == 'k' && p[0] == 'k',
	   "MADV_FREE on private anonymous memory; a later store is kept");
	ok(FAILS(madvise(f, PG, MADV_FREE), EINVAL), "MADV_FREE on a file mapping: EINVAL");
	ok(madvise(p, PG, MADV_HUGEPAGE) == 0 && madvise(p, PG, MADV_NOHUGEPAGE) == 0,
	   "MADV_HUGEPAGE and MADV_NOHUGEPAGE succeed");
	p[PG] = 'd';
	st = madvise(p + PG, PG, MADV_DONTFORK) == 0 ? in_child(touch_in_child, p + PG) : -1;
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	   "MADV_DONTFORK: the child has no such range (it dies of SIGSEGV there)");
	st = madvise(p + PG, PG, MADV_DOFORK) == 0 ? in_child(touch_in_child, p + PG) : -1;
	ok(exited(st, 0), "MADV_DOFORK: the child has the range again");
	ok(FAILS(madvise(p, PG, 999), EINVAL), "madvise with unknown advice: EINVAL");
	ok(FAILS(madvise(p + 1, PG, MADV_NORMAL), EINVAL),
	   "madvise at an unaligned address: EINVAL");
	munmap(p, 2 * PG);
	ok(FAILS(madvise(p, 2 * PG, MADV_NORMAL), ENOMEM), "madvise of an unmapped range: ENOMEM");
	munmap(s, PG);
	munmap(f, PG);
	close(fd);
}

static void mincore_calls(void)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE), *f;
	unsigned char vec[4] = { 0 };
	int fd = make_file("mincore", 2 * PG);

	p[PG] = 1;
	ok(mincore(p, 4 * PG, vec) == 0 && !(vec[0] & 1) && (vec[1] & 1) && !(vec[2] & 1),
	   "mincore: an untouched anonymous page is absent, a touched one present");
	ok(FAILS(mincore(p + 1, PG, vec), EINVAL), "mincore at an unaligned address: EINVAL");
	munmap(p, 4 * PG);
	ok(FAILS(mincore(p, PG, vec), ENOMEM), "mincore of an unmapped range: ENOMEM");
	f = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	ok(f != MAP_FAILED && resident(f, 2) == 2,
	   "mincore: file pages in the page cache are present before any access");
	munmap(f, 2 * PG);
	close(fd);
}

static int mlockall_child(void *arg)
{
	char *p;

	(void)arg;
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		return 1;
	p = map_anon(4 * PG, PROT_READ | PROT_WRITE);
	if (resident(p, 4) != 4)
		return 2; /* MCL_FUTURE locks (and so populates) new mappings */
	return munlockall() ? 3 : 0;
}

/* RLIMIT_MEMLOCK binds only without CAP_IPC_LOCK: drop root first. */
static int memlock_child(void *arg)
{
	struct rlimit lim = { 16 * PG, 16 * PG }, zero = { 0, 0 };
	char *p = map_anon(256 * PG, PROT_READ | PROT_WRITE);
	int bits = 0;

	(void)arg;
	if (getuid() == 0 && setuid(65534))
		return 100;
	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		return 101;
	bits |= mlock(p, 8 * PG) == 0;
	bits |= (mlock(p, 256 * PG) == -1 && errno == ENOMEM) << 1;
	munlock(p, 8 * PG);
	bits |= (mmap(NULL, 32 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) ==
		     MAP_FAILED &&
		 errno == EAGAIN)
		<< 2;
	if (setrlimit(RLIMIT_MEMLOCK, &zero))
		return 102;
	bits |= (mlock(p, PG) == -1 && errno == EPERM) << 3;
	return bits;
}

static void mlock_calls(void)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE);
	int st;

	ok(mlock(p, 4 * PG) == 0 && resident(p, 4) == 4 && munlock(p, 4 * PG) == 0,
	   "mlock makes the pages resident; munlock succeeds");
	munmap(p, 4 * PG);
	ok(FAILS(mlock(p, PG), ENOMEM), "mlock of an unmapped range: ENOMEM");
	ok(exited(in_child(mlockall_child, NULL), 0),
	   "mlockall(MCL_CURRENT|MCL_FUTURE) locks new mappings; munlockall succeeds");
	ok(FAILS(mlockall(0), EINVAL), "mlockall(0): EINVAL");
	ok(FAILS(syscall(SYS_mlock2, p, PG, 2), EINVAL), "mlock2 with an unknown flag: EINVAL");
	st = in_child(memlock_child, NULL);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (st >= 100 || st < 0)
		diag("the unprivileged child could not start: %d", st);
	ok(st >= 0 && st < 100 && (st & 1), "RLIMIT_MEMLOCK: mlock within the limit succeeds");
	ok(st >= 0 && st < 100 && (st & 2), "RLIMIT_MEMLOCK: mlock beyond the limit: ENOMEM");
	ok(st >= 0 && st < 100 && (st & 4), "RLIMIT_MEMLOCK: MAP_LOCKED beyond the limit: EAGAIN");
	ok(st >= 0 && st < 100 && (st & 8), "RLIMIT_MEMLOCK of 0: mlock fails with EPERM");
}

static void mremap_calls(void)
{
	/* In a reservation of its own: nothing else may sit right after it. */
	char *r = map_anon(24 * PG, PROT_NONE), *p, *q, *t;

	p = mmap(r + PG, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	if (p != r + PG)
		bail("mmap mremap");
	memset(p, 'r', 8 * PG);
	ok(mremap(p, 8 * PG, 4 * PG, 0) == p && p[4 * PG - 1] == 'r' && probe(p + 4 * PG, 0) &&
	       faulted(SIGSEGV, SEGV_MAPERR, p + 4 * PG),
	   "mremap shrinks in place; the tail is gone");
	ok(mremap(p, 4 * PG, 8 * PG, 0) == p && p[3 * PG] == 'r' && p[4 * PG] == 0 &&
	       (p[8 * PG - 1] = 1) == 1,
	   "mremap grows in place when the next pages are free; they read zero");
	q = mmap(p + 8 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ok(q == p + 8 * PG && FAILS(mremap(p, 8 * PG, 12 * PG, 0), ENOMEM),
	   "mremap cannot grow in place and may not move: ENOMEM");
	t = mremap(p, 8 * PG, 12 * PG, MREMAP_MAYMOVE);
	ok(t != MAP_FAILED && t != p && t[0] == 'r' && t[3 * PG] == 'r' && t[4 * PG] == 0 &&
	       probe(p, 0) == SIGSEGV && probe(q, 0) == 0,
	   "MREMAP_MAYMOVE moves it with its contents and unmaps the old range");
	munmap(r, 24 * PG);
	p = free_range(12);
	ok(t != MAP_FAILED && mremap(t, 12 * PG, 12 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, p) == p &&
	       p[PG] == 'r' && probe(t, 0) == SIGSEGV,
	   "MREMAP_FIXED moves it to the address asked for");
	ok(FAILS(mremap(p, PG, PG, MREMAP_FIXED, t), EINVAL),
	   "MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL");
	ok(FAILS(mremap(p, PG, 0, 0), EINVAL), "mremap to length 0: EINVAL");
	munmap(p, 12 * PG);
	ok(FAILS(mremap(p, PG, 2 * PG, MREMAP_MAYMOVE), EFAULT),
	   "mremap of an unmapped address: EFAULT");
}

static uintptr_t sys_brk(uintptr_t to)
{
	return (uintptr_t)syscall(SYS_brk, to);
}

static void brk_calls(void)
{
	uintptr_t cur = sys_brk(0), base = (cur + PG - 1) & ~(PG - 1);
	char *b = (char *)base, *q;

	ok(cur != 0 && sys_brk(0) == cur, "brk(0) reports the current break");
	ok(sys_brk(base + 2 * PG) == base + 2 * PG && b[0] == 0 && b[2 * PG - 1] == 0 &&
	       probe(b + PG, 1) == 0,
	   "brk grows: the new memory reads zero and is writable");
	ok(sys_brk(base) == base && probe(b + PG, 0) == SIGSEGV &&
	       faulted(SIGSEGV, SEGV_MAPERR, b + PG),
	   "brk shrinks: the released page is gone");
	ok(sys_brk(PG) == base, "brk below the start of the heap fails: the break stays");
	q = mmap(b + 4 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		 0);
	ok(q == b + 4 * PG && sys_brk(base + 8 * PG) == base,
	   "brk into an existing mapping fails: the break stays");
	munmap(q, PG);
	sys_brk(cur);
}
