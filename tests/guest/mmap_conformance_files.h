/* SPDX-License-Identifier: MIT */
/*
 * mmap_conformance, part 3: files and the page cache, POSIX shared memory
 * and fork. Included once, by mmap_conformance.c.
 */

static void file_mappings(void)
{
	int fd = make_file("coherent", 2 * PG);
	char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *s2 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *v = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char c = 0;

	if (s == MAP_FAILED || s2 == MAP_FAILED || v == MAP_FAILED)
		bail("mmap file");
	s[5] = 'M';
	ok(pread(fd, &c, 1, 5) == 1 && c == 'M', "a MAP_SHARED store is seen by read()");
	ok(pwrite(fd, "W", 1, 7) == 1 && s[7] == 'W', "write() is seen through MAP_SHARED");
	ok(s2[5] == 'M' && (s2[9] = 'N') && s[9] == 'N',
	   "two MAP_SHARED mappings of a file see each other's stores");
	ok(v[7] == 'W' && pwrite(fd, "X", 1, PG + 3) == 1 && v[PG + 3] == 'X',
	   "MAP_PRIVATE: a page not yet written follows write()");
	v[11] = 'P';
	ok(pread(fd, &c, 1, 11) == 1 && c == 'a' && s[11] == 'a',
	   "MAP_PRIVATE: a store stays private (read() and MAP_SHARED do not see it)");
	ok(pwrite(fd, "Y", 1, 12) == 1 && v[12] == 'a' && v[11] == 'P',
	   "MAP_PRIVATE: a copied page keeps its copy after write()");
	munmap(s2, 2 * PG);
	munmap(v, 2 * PG);
	close(fd);
	s[20] = 'C';
	fd = open(path("coherent"), O_RDONLY);
	ok(fd >= 0 && pread(fd, &c, 1, 20) == 1 && c == 'C',
	   "a mapping outlives close(): its stores still reach the file");
	close(fd);
	unlink(path("coherent"));
	s[PG] = 'U';
	ok(s[PG] == 'U' && s[5] == 'M', "a mapping outlives unlink(): data stays and stores work");
	munmap(s, 2 * PG);
}

static void eof_and_truncate(void)
{
	int fd = make_file("eof", PG + 100);
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), c;
	struct stat st;
	bool zero = true;

	if (p == MAP_FAILED)
		bail("mmap eof");
	for (size_t i = PG + 100; i < 2 * PG; i++)
		zero = zero && p[i] == 0;
	ok(p[PG + 99] == 'b' && zero, "the rest of the last page past EOF reads zero");
	p[PG + 200] = 'E';
	ok(fstat(fd, &st) == 0 && st.st_size == PG + 100 && pread(fd, &c, 1, PG + 200) == 0,
	   "a store past EOF in the last page does not grow the file");
	ok(probe(p + 2 * PG + 16, 0) == SIGBUS && faulted(SIGBUS, BUS_ADRERR, p + 2 * PG + 16),
	   "a page wholly past EOF: SIGBUS BUS_ADRERR at the address");
	munmap(p, 3 * PG);
	close(fd);

	fd = make_file("truncate", 3 * PG);
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		bail("mmap truncate");
	p[2 * PG] = 'T';
	ok(ftruncate(fd, PG + 10) == 0 && probe(p + 2 * PG, 0) == SIGBUS &&
	       faulted(SIGBUS, BUS_ADRERR, p + 2 * PG),
	   "ftruncate shrinking the file: pages past the new EOF raise SIGBUS");
	zero = p[PG + 9] == 'b';
	for (size_t i = PG + 10; i < 2 * PG; i++)
		zero = zero && p[i] == 0;
	ok(zero, "ftruncate shrinking the file zeroes the tail of the last page");
	ok(ftruncate(fd, 3 * PG) == 0 && probe(p + 2 * PG, 0) == 0 && p[2 * PG] == 0,
	   "ftruncate growing the file: the new part reads zero through the mapping");
	munmap(p, 3 * PG);
	close(fd);
}

static int shm_child(void *p)
{
	strcpy(p, "from the child");
	return 0;
}

static void posix_shm(void)
{
	char name[64];
	int fd;
	char *p;

	snprintf(name, sizeof(name), "/mmapconf.%d", (int)getpid());
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	p = fd >= 0 && ftruncate(fd, PG) == 0
		? mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
		: MAP_FAILED;
	ok(p != MAP_FAILED && exited(in_child(shm_child, p), 0) && !strcmp(p, "from the child"),
	   "shm_open + ftruncate + mmap: a child's store is seen by the parent");
	ok(FAILS(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST),
	   "shm_open O_CREAT|O_EXCL of an existing name: EEXIST");
	ok(shm_unlink(name) == 0 && p != MAP_FAILED && (p[0] = 'f') == 'f' && p[1] == 'r',
	   "a shared memory mapping outlives shm_unlink");
	ok(FAILS(shm_open(name, O_RDWR, 0), ENOENT), "shm_open of an unlinked name: ENOENT");
	ok(FAILS(shm_unlink(name), ENOENT), "shm_unlink of a missing name: ENOENT");
	munmap(p, PG);
	close(fd);
}

struct cow {
	char *priv, *shared, *big, *file;
};

static int cow_child(void *arg)
{
	struct cow *c = arg;

	for (size_t i = 0; i < 256; i++)
		if (c->big[i * PG] != (char)i || c->big[i * PG + PG - 1] != (char)i)
			return 1; /* not the parent's memory at fork time */
	if (c->priv[0] != 'p' || c->shared[0] != 'P')
		return 2;
	c->priv[0] = 'c';
	c->shared[0] = 'C';
	c->file[0] = 'F';
	memset(c->big, 0x55, 256 * PG);
	return c->priv[0] == 'c' ? 0 : 3;
}

static int unmap_child(void *p)
{
	return munmap(p, PG);
}

static void fork_calls(void)
{
	struct cow c = { map_anon(PG, PROT_READ | PROT_WRITE), NULL,
			 map_anon(256 * PG, PROT_READ | PROT_WRITE), NULL };
	int fd = make_file("fork", PG), st, pfd[2];
	bool same = true;
	pid_t pid;

	c.shared = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	c.file = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (c.shared == MAP_FAILED || c.file == MAP_FAILED)
		bail("mmap fork");
	c.priv[0] = 'p';
	c.shared[0] = 'P';
	for (size_t i = 0; i < 256; i++)
		memset(c.big + i * PG, (char)i, PG);
	st = in_child(cow_child, &c);
	ok(exited(st, 0), "fork: the child sees the parent's memory as of the fork (1 MiB)");
	for (size_t i = 0; i < 256; i++)
		same = same && c.big[i * PG] == (char)i;
	ok(c.priv[0] == 'p' && same,
	   "fork: the child's stores to private memory stay in the child");
	ok(c.shared[0] == 'C', "fork: MAP_SHARED anonymous memory is shared");
	ok(c.file[0] == 'a' && pread(fd, &c.file[1], 1, 0) == 1 && c.file[1] == 'a',
	   "fork: a child's store to a private file mapping reaches neither parent nor file");
	ok(exited(in_child(unmap_child, c.priv), 0) && c.priv[0] == 'p',
	   "fork: munmap in the child leaves the parent's mapping intact");

	if (pipe(pfd))
		bail("pipe");
	c.priv[0] = 'p';
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char x = 0;

		_exit(read(pfd[0], &x, 1) == 1 && c.priv[0] == 'p' ? 0 : 1);
	}
	c.priv[0] = 'q'; /* after the fork: the child must not see it */
	if (write(pfd[1], "go", 1) != 1 || waitpid(pid, &st, 0) != pid)
		bail("late child");
	ok(exited(st, 0), "fork: a parent's store after the fork does not reach the child");
	close(pfd[0]);
	close(pfd[1]);
	munmap(c.priv, PG);
	munmap(c.big, 256 * PG);
	munmap(c.shared, PG);
	munmap(c.file, PG);
	close(fd);
}
