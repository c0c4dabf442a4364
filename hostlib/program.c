// SPDX-License-Identifier: MIT
/*
 * Can this file run in the sandbox? The guest kernel loads static x86-64
 * ELF programs (ET_EXEC, or ET_DYN that relocates itself: static PIE) and
 * has no dynamic loader. Checking on the host turns "the guest died" into
 * one line that says what to do. Every offset and count in the headers is
 * checked against the file size before it is used.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagelab/abi.h>
#include <pagelab/initramfs.h>

#define HOW_TO_BUILD   "build it with musl-gcc -static"
#define MAX_PHDR_BYTES 65536 /* as Linux's loader */

struct prog {
	const char *path;
	int fd;
	uint64_t size;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3))) refuse(struct prog *p, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "pagelab: %s %s", p->path, why);
	return -1;
}

/* Read exactly len bytes at off, which the caller has bounds-checked. */
static int read_at(struct prog *p, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(p->fd, (char *)buf + got, len - got, off + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return refuse(p, "cannot be read: %s", n ? strerror(errno) : "file shrank");
		got += n;
	}
	return 0;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_X86_64:
		return "x86-64";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "32-bit ARM";
	case EM_RISCV:
		return "RISC-V";
	case EM_PPC:
		return "PowerPC";
	case EM_PPC64:
		return "PowerPC 64";
	case EM_S390:
		return "s390";
	case EM_MIPS:
		return "MIPS";
	case EM_SPARCV9:
		return "SPARC v9";
	case 258: /* EM_LOONGARCH, missing from older <elf.h> */
		return "LoongArch";
	default:
		return NULL;
	}
}

static int refuse_machine(struct prog *p, unsigned machine, const char *bits)
{
	const char *name = machine_name(machine);

	if (name)
		return refuse(p,
			      "is a %s ELF program for %s; the sandbox runs x86-64: "
			      "build it with musl-gcc -static on x86-64",
			      bits, name);
	return refuse(p,
		      "is a %s ELF program for machine %u, not x86-64; "
		      "build it with musl-gcc -static on x86-64",
		      bits, machine);
}

/* The ELF identification and header, before anything is trusted. */
static int check_ident(struct prog *p)
{
	unsigned char id[EI_NIDENT + 4] = { 0 };
	size_t n = p->size < sizeof(id) ? p->size : sizeof(id);
	uint16_t machine;

	if (read_at(p, id, n, 0))
		return -1;
	if (n >= 2 && id[0] == '#' && id[1] == '!')
		return refuse(p, "is a script, not an ELF executable; the sandbox runs only "
				 "static x86-64 programs (" HOW_TO_BUILD ")");
	if (n < SELFMAG || memcmp(id, ELFMAG, SELFMAG))
		return refuse(p, "is not an ELF executable; " HOW_TO_BUILD);
	if (n < sizeof(id))
		return refuse(p, "is truncated: its ELF header is incomplete");
	/* e_machine sits at the same offset in 32- and 64-bit headers. */
	machine = id[EI_NIDENT + 2] | id[EI_NIDENT + 3] << 8;
	if (id[EI_DATA] != ELFDATA2LSB)
		return refuse(p, "is a big-endian ELF program; the sandbox runs x86-64: "
				 "build it with musl-gcc -static on x86-64");
	if (id[EI_CLASS] == ELFCLASS32)
		return refuse_machine(p, machine, "32-bit");
	if (id[EI_CLASS] != ELFCLASS64)
		return refuse(p, "has a corrupt ELF header (class %u)", id[EI_CLASS]);
	if (machine != EM_X86_64)
		return refuse_machine(p, machine, "64-bit");
	if (id[EI_VERSION] != EV_CURRENT)
		return refuse(p, "has a corrupt ELF header (version %u)", id[EI_VERSION]);
	return 0;
}

/* Where the guest's loader puts the image: a static PIE at Linux's base. */
static uint64_t load_bias(const Elf64_Ehdr *eh)
{
	return eh->e_type == ET_DYN ? PL_PIE_BASE : 0;
}

static int check_header(struct prog *p)
{
	Elf64_Ehdr *eh = &p->eh;
	uint64_t bytes;

	if (p->size < sizeof(*eh))
		return refuse(p, "is truncated: its ELF header is incomplete");
	if (read_at(p, eh, sizeof(*eh), 0))
		return -1;
	switch (eh->e_type) {
	case ET_EXEC:
	case ET_DYN:
		break;
	case ET_REL:
		return refuse(p, "is an object file (.o), not a program; link it: "
				 "musl-gcc -static -o prog prog.o");
	case ET_CORE:
		return refuse(p, "is a core dump, not a program");
	default:
		return refuse(p, "is not an executable ELF file (type %u)", eh->e_type);
	}
	if (eh->e_phnum == 0)
		return refuse(p, "has no program headers, so there is nothing to load");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return refuse(p, "has a corrupt ELF header (program header size %u)",
			      eh->e_phentsize);
	bytes = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (bytes > MAX_PHDR_BYTES)
		return refuse(p, "has a corrupt ELF header (%u program headers)", eh->e_phnum);
	if (eh->e_phoff > p->size || bytes > p->size - eh->e_phoff)
		return refuse(p, "is truncated or corrupt: its program headers lie past the end "
				 "of the file");
	if (eh->e_entry == 0)
		return refuse(p, "has no entry point; it is not a program");
	if (eh->e_entry >= PL_USER_TOP - load_bias(eh))
		return refuse(p,
			      "is corrupt or hostile: its entry point 0x%llx lies outside the "
			      "user address space",
			      (unsigned long long)eh->e_entry);
	return 0;
}

static int load_phdrs(struct prog *p)
{
	size_t bytes = (size_t)p->eh.e_phnum * sizeof(Elf64_Phdr);

	p->ph = malloc(bytes);
	if (!p->ph)
		return refuse(p, "cannot be checked: out of memory");
	return read_at(p, p->ph, bytes, p->eh.e_phoff);
}

static int check_load(struct prog *p, const Elf64_Phdr *ph)
{
	uint64_t top = PL_USER_TOP - load_bias(&p->eh);

	if (ph->p_offset > p->size || ph->p_filesz > p->size - ph->p_offset)
		return refuse(p, "is truncated or corrupt: a loadable segment lies past the end "
				 "of the file");
	if (ph->p_filesz > ph->p_memsz)
		return refuse(p, "is corrupt: a segment's file size exceeds its memory size");
	if (ph->p_vaddr >= top || ph->p_memsz > top - ph->p_vaddr)
		return refuse(p, "is corrupt: a segment lies outside the user address space");
	/* The loader maps file pages at page-aligned addresses. */
	if ((ph->p_vaddr - ph->p_offset) % 4096)
		return refuse(p, "is corrupt: a segment's address and file offset disagree "
				 "within a page");
	return 0;
}

/*
 * A static PIE has a PT_DYNAMIC only for its self-relocation: no DT_NEEDED.
 * A shared library has a DT_SONAME and is not marked DF_1_PIE.
 */
static int check_dynamic(struct prog *p, const Elf64_Phdr *ph)
{
	size_t n = ph->p_filesz / sizeof(Elf64_Dyn);
	bool soname = false, pie = false;
	Elf64_Dyn *dyn;
	int rc = 0;

	if (ph->p_offset > p->size || ph->p_filesz > p->size - ph->p_offset)
		return refuse(p, "is truncated or corrupt: its dynamic section lies past the "
				 "end of the file");
	if (n == 0)
		return 0;
	dyn = malloc(n * sizeof(*dyn));
	if (!dyn)
		return refuse(p, "cannot be checked: out of memory");
	if (read_at(p, dyn, n * sizeof(*dyn), ph->p_offset)) {
		free(dyn);
		return -1;
	}
	for (size_t i = 0; i < n && dyn[i].d_tag != DT_NULL && !rc; i++) {
		if (dyn[i].d_tag == DT_NEEDED)
			rc = refuse(p, "is dynamically linked (it needs shared libraries); "
				       "build it with musl-gcc -static");
		else if (dyn[i].d_tag == DT_SONAME)
			soname = true;
		else if (dyn[i].d_tag == DT_FLAGS_1 && (dyn[i].d_un.d_val & DF_1_PIE))
			pie = true;
	}
	free(dyn);
	if (!rc && soname && !pie)
		rc = refuse(p, "is a shared library, not a program; " HOW_TO_BUILD);
	return rc;
}

static int check_segments(struct prog *p)
{
	const Elf64_Phdr *dynamic = NULL;
	unsigned loads = 0;

	for (unsigned i = 0; i < p->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &p->ph[i];

		if (ph->p_type == PT_INTERP)
			return refuse(p, "is dynamically linked; build it with musl-gcc -static");
		if (ph->p_type == PT_DYNAMIC)
			dynamic = ph;
		if (ph->p_type == PT_LOAD) {
			if (check_load(p, ph))
				return -1;
			loads++;
		}
	}
	if (loads == 0)
		return refuse(p, "has no loadable segments, so there is nothing to run");
	if (dynamic)
		return check_dynamic(p, dynamic);
	return 0;
}

static int check_file(struct prog *p)
{
	struct stat st;

	if (fstat(p->fd, &st))
		return refuse(p, "cannot be read: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return refuse(p, "is a directory, not a program");
	if (!S_ISREG(st.st_mode))
		return refuse(p, "is not a regular file");
	p->size = st.st_size;
	if (check_ident(p) || check_header(p) || load_phdrs(p))
		return -1;
	return check_segments(p);
}

int pl_program_check(const char *path, char *err, size_t errlen)
{
	struct prog p = { .path = path ? path : "(null)", .fd = -1, .err = err, .errlen = errlen };
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !*path) {
		if (err && errlen)
			snprintf(err, errlen, "pagelab: no program given");
		return -1;
	}
	/* O_NONBLOCK: a FIFO named here must not hang the open; fstat refuses it. */
	p.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (p.fd < 0) {
		if (err && errlen)
			snprintf(err, errlen, "pagelab: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	rc = check_file(&p);
	free(p.ph);
	close(p.fd);
	return rc;
}
