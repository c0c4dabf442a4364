// SPDX-License-Identifier: MIT
/*
 * The vDSO as Linux offers it: AT_SYSINFO_EHDR points at an ELF shared
 * object exporting Linux's x86-64 time functions under version LINUX_2.6,
 * mapped as [vdso] (with its data as [vvar]) and kept across fork. Its
 * clocks agree with the clock_gettime syscall (a vDSO reading, a syscall
 * reading, a vDSO reading come out in order), never go back, and clocks it
 * cannot answer reach the syscall with the syscall's result.
 *
 * `vdso_clock loop N` only reads CLOCK_MONOTONIC N times through libc and
 * CLOCK_PROCESS_CPUTIME_ID once: tests/integration/test_vdso.c traces its
 * system calls to see which of them reach the kernel.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

struct vdso {
	uintptr_t base;
	const Elf64_Sym *syms;
	const char *strs;
	const Elf64_Word *hash;
	const Elf64_Versym *versym;
	const Elf64_Verdef *verdef;
};

static bool vdso_open(struct vdso *v, uintptr_t ehdr_va)
{
	const Elf64_Ehdr *eh = (const void *)ehdr_va;
	const Elf64_Phdr *ph = (const void *)(ehdr_va + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	uintptr_t load = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !load)
			load = ehdr_va + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(ehdr_va + ph[i].p_offset);
	}
	if (!dyn)
		return false;
	memset(v, 0, sizeof(*v));
	v->base = load;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(load + dyn->d_un.d_ptr);

		if (dyn->d_tag == DT_SYMTAB)
			v->syms = p;
		else if (dyn->d_tag == DT_STRTAB)
			v->strs = p;
		else if (dyn->d_tag == DT_HASH)
			v->hash = p;
		else if (dyn->d_tag == DT_VERSYM)
			v->versym = p;
		else if (dyn->d_tag == DT_VERDEF)
			v->verdef = p;
	}
	return v->syms && v->strs && v->hash && v->versym && v->verdef;
}

/* The version name a symbol's version index stands for. */
static const char *version_of(const struct vdso *v, int index)
{
	const Elf64_Verdef *d = v->verdef;

	for (;;) {
		if (d->vd_ndx == (index & 0x7fff)) {
			const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);

			return v->strs + aux->vda_name;
		}
		if (!d->vd_next)
			return "";
		d = (const void *)((const char *)d + d->vd_next);
	}
}

/* The address of a LINUX_2.6 function, as libc's lookup finds it; NULL if none. */
static void *vdso_sym(const struct vdso *v, const char *name)
{
	for (Elf64_Word i = 0; i < v->hash[1]; i++) {
		const Elf64_Sym *s = &v->syms[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
			continue;
		if (!strcmp(v->strs + s->st_name, name) &&
		    !strcmp(version_of(v, v->versym[i]), "LINUX_2.6"))
			return (void *)(v->base + s->st_value);
	}
	return NULL;
}

static long long ns_of(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * vDSO, syscall, vDSO: in order and within a second of each other. A busy
 * machine may take a second over the three: then read them again (up to
 * 10 times).
 */
static bool agrees_with_syscall(cgt_fn cgt, clockid_t id)
{
	struct timespec a, b, c;

	for (int try = 1;; try++) {
		if (cgt(id, &a) || syscall(SYS_clock_gettime, id, &b) || cgt(id, &c))
			return false;
		if (ns_of(&a) > ns_of(&b) || ns_of(&b) > ns_of(&c))
			return false;
		if (ns_of(&c) - ns_of(&a) < 1000000000LL || try == 10)
			return ns_of(&c) - ns_of(&a) < 1000000000LL;
	}
}

static bool never_goes_back(int calls)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < calls; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (b.tv_nsec < 0 || b.tv_nsec >= 1000000000 || ns_of(&b) < ns_of(&a))
			return false;
		a = b;
	}
	return true;
}

/* A line of /proc/self/maps naming name: its start and permissions. */
static bool find_map(const char *name, uintptr_t *start, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], path[256];
	unsigned long lo, hi;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		path[0] = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %255s", &lo, &hi, perms, path) >= 3 &&
		    !strcmp(path, name)) {
			*start = lo;
			found = true;
		}
	}
	fclose(f);
	return found;
}

static bool maps_show_vdso(uintptr_t ehdr_va)
{
	uintptr_t vdso_start = 0, vvar_start = 0;
	char perms[5], vvar_perms[5];

	return find_map("[vdso]", &vdso_start, perms) && vdso_start == ehdr_va &&
	       !strcmp(perms, "r-xp") && find_map("[vvar]", &vvar_start, vvar_perms) &&
	       !strcmp(vvar_perms, "r--p") && vvar_start < vdso_start;
}

/* As Linux: the data page may never become writable. */
static bool vvar_stays_read_only(void)
{
	uintptr_t start;
	char perms[5];

	errno = 0;
	return find_map("[vvar]", &start, perms) &&
	       mprotect((void *)start, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES;
}

static bool child_has_vdso(uintptr_t ehdr_va, cgt_fn cgt)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(getauxval(AT_SYSINFO_EHDR) == ehdr_va && maps_show_vdso(ehdr_va) &&
			      agrees_with_syscall(cgt, CLOCK_MONOTONIC)
			  ? 0
			  : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static bool getres_agrees(int (*getres)(clockid_t, struct timespec *), clockid_t id)
{
	struct timespec a = { -1, -1 }, b = { -2, -2 };

	return getres(id, &a) == 0 && syscall(SYS_clock_getres, id, &b) == 0 &&
	       a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* A _COARSE clock moves by ticks of at most 10 ms and is never ahead of its precise clock. */
static bool coarse_lags(cgt_fn cgt, clockid_t coarse, clockid_t precise)
{
	struct timespec res, c, p;

	if (clock_getres(coarse, &res) || res.tv_sec || res.tv_nsec < 100000 ||
	    res.tv_nsec > 10000000)
		return false;
	/* Within a second, unless a busy machine took one between the two: read again. */
	for (int try = 1;; try++) {
		if (cgt(coarse, &c) || cgt(precise, &p) || ns_of(&c) > ns_of(&p))
			return false;
		if (ns_of(&p) - ns_of(&c) < 1000000000LL || try == 10)
			return ns_of(&p) - ns_of(&c) < 1000000000LL;
	}
}

static bool wall_clock_functions_agree(gtod_fn gtod, time_fn vtime)
{
	struct timespec a, c;
	struct timeval tv, libc_tv;
	time_t t, libc_t;

	clock_gettime(CLOCK_REALTIME, &a);
	if (gtod(&tv, NULL) || gettimeofday(&libc_tv, NULL))
		return false;
	t = vtime(NULL);
	libc_t = time(NULL);
	clock_gettime(CLOCK_REALTIME, &c);
	/* time() may read a clock that lags the precise one by a tick (Linux's does). */
	return tv.tv_sec * 1000000LL + tv.tv_usec >= ns_of(&a) / 1000 &&
	       libc_tv.tv_sec * 1000000LL + libc_tv.tv_usec <= ns_of(&c) / 1000 &&
	       t >= a.tv_sec - 1 && t <= c.tv_sec && libc_t >= a.tv_sec - 1 && libc_t <= c.tv_sec;
}

static int loop(long n)
{
	struct timespec ts;
	long bad = 0;

	for (long i = 0; i < n; i++)
		bad += clock_gettime(CLOCK_MONOTONIC, &ts) != 0;
	bad += clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0;
	printf("%ld readings, %ld failed\n", n + 1, bad);
	return bad != 0;
}

int main(int argc, char **argv)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME,	   CLOCK_MONOTONIC,
					    CLOCK_MONOTONIC_RAW,   CLOCK_BOOTTIME,
					    CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE };
	static const char *const names[] = { "__vdso_clock_gettime", "__vdso_gettimeofday",
					     "__vdso_time", "__vdso_getcpu",
					     "__vdso_clock_getres" };
	uintptr_t ehdr_va = getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)ehdr_va;
	struct timespec ts;
	struct vdso v;
	unsigned cpu = ~0U, node = ~0U;
	bool all = true;
	cgt_fn cgt;

	if (argc == 3 && !strcmp(argv[1], "loop"))
		return loop(atol(argv[2]));
	tap_plan(19);
	if (!ok(ehdr_va != 0, "AT_SYSINFO_EHDR is in the auxiliary vector"))
		return tap_done();
	ok(!memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	       eh->e_type == ET_DYN && eh->e_machine == EM_X86_64,
	   "it points at a 64-bit x86-64 ELF shared object");
	if (!ok(vdso_open(&v, ehdr_va), "with a dynamic symbol table, a hash table and versions"))
		return tap_done();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		all &= vdso_sym(&v, names[i]) != NULL;
	ok(all, "it exports the five time functions as LINUX_2.6");
	cgt = (cgt_fn)vdso_sym(&v, "__vdso_clock_gettime");
	all = true;
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		all &= agrees_with_syscall(cgt, clocks[i]);
	ok(all, "REALTIME, MONOTONIC, MONOTONIC_RAW, BOOTTIME and the COARSE clocks agree with "
		"the syscall");
	ok(cgt(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 && ts.tv_sec >= 0 && ts.tv_nsec >= 0,
	   "CLOCK_PROCESS_CPUTIME_ID through the vDSO");
	ok(cgt(100, &ts) == -EINVAL, "an unknown clock: the syscall's -EINVAL");
	errno = 0;
	ok(clock_gettime(100, &ts) == -1 && errno == EINVAL, "and through libc: EINVAL");
	ok(never_goes_back(100000), "100000 readings of CLOCK_MONOTONIC never go back");
	ok(agrees_with_syscall(clock_gettime, CLOCK_MONOTONIC) &&
	       agrees_with_syscall(clock_gettime, CLOCK_REALTIME),
	   "libc's clock_gettime agrees with the syscall");
	ok(wall_clock_functions_agree((gtod_fn)vdso_sym(&v, "__vdso_gettimeofday"),
				      (time_fn)vdso_sym(&v, "__vdso_time")),
	   "gettimeofday and time agree with CLOCK_REALTIME (vDSO and libc)");
	ok(getres_agrees((int (*)(clockid_t, struct timespec *))vdso_sym(&v, "__vdso_clock_getres"),
			 CLOCK_MONOTONIC) &&
	       getres_agrees(clock_getres, CLOCK_REALTIME),
	   "clock_getres agrees with the syscall");
	ok(getres_agrees((int (*)(clockid_t, struct timespec *))vdso_sym(&v, "__vdso_clock_getres"),
			 CLOCK_MONOTONIC_COARSE),
	   "clock_getres of a COARSE clock agrees with the syscall");
	ok(coarse_lags(cgt, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC) &&
	       coarse_lags(cgt, CLOCK_REALTIME_COARSE, CLOCK_REALTIME),
	   "the COARSE clocks move by ticks and never run ahead of the precise ones");
	ok(((getcpu_fn)vdso_sym(&v, "__vdso_getcpu"))(&cpu, &node, NULL) == 0 && cpu < 4096 &&
	       node < 1024,
	   "getcpu names a CPU and a node");
	ok(maps_show_vdso(ehdr_va), "/proc/self/maps: [vvar] r--p below [vdso] r-xp at the header");
	ok(child_has_vdso(ehdr_va, cgt), "a forked child keeps both, at the same place, working");
	ok(vvar_stays_read_only(), "mprotect cannot make [vvar] writable: EACCES");
	errno = 0;
	ok(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8) == -1 && errno == EFAULT,
	   "the syscall still checks its pointer");
	return tap_done();
}
