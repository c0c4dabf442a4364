// SPDX-License-Identifier: MIT
/*
 * Everything in the file is checked before anything is copied: the
 * kernel is chosen by the user, and a truncated or wrong file should end
 * in one clear line, not in a guest that jumps into zeroes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagelab/abi.h>

#include "elfload.h"
#include "error.h"

#define KERR(img, ...)                                                           \
	do {                                                                     \
		char msg_[256];                                                  \
		snprintf(msg_, sizeof(msg_), __VA_ARGS__);                       \
		pl_set_error(PL_ERR_KERNEL, "kernel %s: %s", (img)->name, msg_); \
	} while (0)

static bool in_file(const struct pl_kernel_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

static int check_header(struct pl_kernel_image *img, const Elf64_Ehdr **eh)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img->data;

	if (img->size < SELFMAG || memcmp(img->data, ELFMAG, SELFMAG) != 0) {
		KERR(img, "not an ELF file");
		return -1;
	}
	if (img->size < sizeof(*h) || h->e_ident[EI_CLASS] != ELFCLASS64 ||
	    h->e_ident[EI_DATA] != ELFDATA2LSB || h->e_machine != EM_X86_64) {
		KERR(img, "not a 64-bit x86-64 ELF file");
		return -1;
	}
	if (h->e_phentsize != sizeof(Elf64_Phdr) || h->e_phnum == 0 ||
	    !in_file(img, h->e_phoff, (uint64_t)h->e_phnum * sizeof(Elf64_Phdr)) ||
	    h->e_phoff % 8) {
		KERR(img, "bad or truncated program headers");
		return -1;
	}
	*eh = h;
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/*
 * The pagelab ABI note in one PT_NOTE segment: its descriptor (the ABI
 * version) into *version and 1, 0 if the segment holds no such note, -1
 * if the segment is malformed. The descriptor and the next note start at
 * the segment's alignment (4, or 8 for GNU property notes) from the note's
 * start; every offset is checked against the segment's size.
 */
static int abi_note(const struct pl_kernel_image *img, const Elf64_Phdr *ph, uint32_t *version)
{
	static const char name[] = PL_ELFNOTE_NAME;
	uint64_t align = ph->p_align == 8 ? 8 : 4;
	const uint8_t *p = img->data + ph->p_offset;
	uint64_t left = ph->p_filesz;

	while (left >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr n; /* copied: the file need not keep notes aligned */
		uint64_t desc, next;

		memcpy(&n, p, sizeof(n));
		desc = align_up(sizeof(n) + (uint64_t)n.n_namesz, align);
		next = align_up(desc + n.n_descsz, align);
		if (desc > left || n.n_descsz > left - desc)
			return -1;
		if (n.n_type == PL_ELFNOTE_ABI && n.n_namesz == sizeof(name) &&
		    !memcmp(p + sizeof(n), name, sizeof(name))) {
			if (n.n_descsz != sizeof(*version))
				return -1;
			memcpy(version, p + desc, sizeof(*version));
			return 1;
		}
		if (next >= left)
			break;
		p += next;
		left -= next;
	}
	return 0;
}

/* A pagelab kernel says so, and which ABI it speaks, before anything else is believed. */
static int check_abi(struct pl_kernel_image *img, const Elf64_Ehdr *h)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->data + h->e_phoff);
	uint32_t version = 0;
	int found = 0;

	for (unsigned i = 0; i < h->e_phnum && !found; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		if (!in_file(img, ph[i].p_offset, ph[i].p_filesz) ||
		    (found = abi_note(img, &ph[i], &version)) < 0) {
			KERR(img, "note segment %u is malformed", i);
			return -1;
		}
	}
	if (!found) {
		KERR(img,
		     "not a pagelab kernel (it has no \"%s\" ABI note): use the kernel.elf "
		     "pagelab builds; a program to run goes after the options",
		     PL_ELFNOTE_NAME);
		return -1;
	}
	if (version != PL_ABI_VERSION) {
		KERR(img,
		     "kernel ABI %" PRIu32 ", this pagelab expects %d: use the kernel of "
		     "pagelab " PAGELAB_VERSION,
		     version, PL_ABI_VERSION);
		return -1;
	}
	return 0;
}

/* The boot tables map [0, PL_BOOT_MAP_SIZE) at 0 and at PL_KERNEL_VBASE. */
static bool linked_right(const Elf64_Phdr *ph)
{
	return ph->p_vaddr == ph->p_paddr || ph->p_vaddr == ph->p_paddr + PL_KERNEL_VBASE;
}

static int check_segment(struct pl_kernel_image *img, const Elf64_Phdr *ph, unsigned i)
{
	if (!in_file(img, ph->p_offset, ph->p_filesz) || ph->p_filesz > ph->p_memsz) {
		KERR(img, "segment %u lies outside the file", i);
		return -1;
	}
	if (ph->p_paddr < PL_RAM_BASE || ph->p_memsz > PL_BOOT_MAP_SIZE ||
	    ph->p_paddr > PL_BOOT_MAP_SIZE - ph->p_memsz) {
		KERR(img,
		     "segment %u at physical 0x%" PRIx64 "+0x%" PRIx64
		     " is outside [1M, %lluM), where the kernel is loaded",
		     i, (uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz, PL_BOOT_MAP_SIZE >> 20);
		return -1;
	}
	if (!linked_right(ph)) {
		KERR(img,
		     "segment %u is linked at 0x%" PRIx64 ", not at its physical address "
		     "or PL_KERNEL_VBASE + it",
		     i, (uint64_t)ph->p_vaddr);
		return -1;
	}
	return 0;
}

static bool segments_overlap(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
	return a->p_paddr < b->p_paddr + b->p_memsz && b->p_paddr < a->p_paddr + a->p_memsz;
}

static bool entry_in(const Elf64_Phdr *ph, uint64_t entry)
{
	return (ph->p_flags & PF_X) && entry >= ph->p_vaddr && entry - ph->p_vaddr < ph->p_memsz;
}

int pl_elf_check(struct pl_kernel_image *img)
{
	const Elf64_Ehdr *h;
	const Elf64_Phdr *ph;
	bool entry_ok = false;
	unsigned nload = 0;

	if (check_header(img, &h) || check_abi(img, h))
		return -1;
	if (h->e_type != ET_EXEC) {
		KERR(img, "not an ELF executable (ET_EXEC)");
		return -1;
	}
	ph = (const Elf64_Phdr *)(img->data + h->e_phoff);
	img->start = UINT64_MAX;
	img->end = 0;
	for (unsigned i = 0; i < h->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (check_segment(img, &ph[i], i))
			return -1;
		for (unsigned j = 0; j < i; j++) {
			if (ph[j].p_type == PT_LOAD && ph[j].p_memsz &&
			    segments_overlap(&ph[i], &ph[j])) {
				KERR(img, "segments %u and %u overlap", j, i);
				return -1;
			}
		}
		entry_ok |= entry_in(&ph[i], h->e_entry);
		if (ph[i].p_paddr < img->start)
			img->start = ph[i].p_paddr;
		if (ph[i].p_paddr + ph[i].p_memsz > img->end)
			img->end = ph[i].p_paddr + ph[i].p_memsz;
		nload++;
	}
	if (!nload) {
		KERR(img, "no loadable segments");
		return -1;
	}
	if (!entry_ok) {
		KERR(img, "entry point 0x%" PRIx64 " is not in an executable segment",
		     (uint64_t)h->e_entry);
		return -1;
	}
	img->entry = h->e_entry;
	return 0;
}

static int pread_all(int fd, uint8_t *buf, size_t size, uint64_t off)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = pread(fd, buf + done, size - done, off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the file is shorter than it was */
			return -1;
		}
		done += n;
	}
	return 0;
}

/*
 * How much of the file the checks and the loading read: up to the end of
 * the program headers and of every segment they name, capped at the
 * file's size. A kernel built with -g is mostly debug sections (pagelab's
 * own: 1.1 MB of which 250 KB load), which reading cost every run ~0.5 ms.
 * Headers that make no sense give the whole file, and pl_elf_check()
 * says what is wrong with it exactly as before.
 */
static size_t loaded_extent(int fd, size_t file_size)
{
	Elf64_Ehdr h;
	Elf64_Phdr ph[64];
	uint64_t end;

	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.e_ident, ELFMAG, SELFMAG) || h.e_ident[EI_CLASS] != ELFCLASS64 ||
	    h.e_phentsize != sizeof(Elf64_Phdr) || h.e_phnum > 64 || h.e_phoff > file_size ||
	    h.e_phnum * sizeof(Elf64_Phdr) > file_size - h.e_phoff)
		return file_size;
	end = h.e_phoff + h.e_phnum * sizeof(Elf64_Phdr);
	if (pread(fd, ph, h.e_phnum * sizeof(Elf64_Phdr), h.e_phoff) !=
	    (ssize_t)(h.e_phnum * sizeof(Elf64_Phdr)))
		return file_size;
	for (unsigned i = 0; i < h.e_phnum; i++) {
		if (ph[i].p_offset > file_size || ph[i].p_filesz > file_size - ph[i].p_offset)
			return file_size;
		if (ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	}
	return end > sizeof(h) ? end : file_size;
}

/*
 * What pl_elf_check reads of the file's first size bytes: the ELF header,
 * the program headers and every note. The segments are read later straight
 * into guest RAM, which saves a 300 KB buffer's first touch and one copy
 * (~0.2 ms of every start). Headers that make no sense read the whole
 * extent, and the checks say what is wrong with them.
 */
static int read_checked_parts(int fd, uint8_t *buf, size_t size)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)buf;
	const Elf64_Phdr *ph;

	if (size < sizeof(*h) || pread_all(fd, buf, sizeof(*h), 0) ||
	    memcmp(h->e_ident, ELFMAG, SELFMAG) || h->e_phentsize != sizeof(Elf64_Phdr) ||
	    h->e_phnum > 64 || h->e_phoff < sizeof(*h) || h->e_phoff > size ||
	    h->e_phnum * sizeof(Elf64_Phdr) > size - h->e_phoff)
		return pread_all(fd, buf, size, 0);
	if (pread_all(fd, buf + h->e_phoff, h->e_phnum * sizeof(Elf64_Phdr), h->e_phoff))
		return -1;
	ph = (const Elf64_Phdr *)(buf + h->e_phoff);
	for (unsigned i = 0; i < h->e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_offset > size ||
		    ph[i].p_filesz > size - ph[i].p_offset)
			continue; /* pl_elf_check refuses a note outside the file */
		if (pread_all(fd, buf + ph[i].p_offset, ph[i].p_filesz, ph[i].p_offset))
			return -1;
	}
	return 0;
}

int pl_elf_read(const char *path, struct pl_kernel_image *img)
{
	size_t size;
	struct stat st;
	uint8_t *buf;
	int fd;

	memset(img, 0, sizeof(*img));
	snprintf(img->name, sizeof(img->name), "%s", path);
	/* O_NONBLOCK: a FIFO named here must not hang the open; fstat refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		KERR(img, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (uint64_t)st.st_size > PL_KERNEL_MAX_FILE) {
		KERR(img, "not a regular file of at most %lluM", PL_KERNEL_MAX_FILE >> 20);
		close(fd);
		return -1;
	}
	size = loaded_extent(fd, st.st_size);
	/* Zeroed, so that bytes the checks never read in are not uninitialised memory. */
	buf = calloc(1, size);
	if (!buf || read_checked_parts(fd, buf, size)) {
		KERR(img, "cannot read it: %s", buf ? strerror(errno) : "out of memory");
		free(buf);
		close(fd);
		return -1;
	}
	img->data = buf;
	img->size = size;
	img->from_file = true;
	img->fd = fd;
	if (pl_elf_check(img)) {
		pl_elf_free(img);
		return -1;
	}
	return 0;
}

int pl_elf_load(const struct pl_kernel_image *img, struct pl_guestmem *m)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img->data;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->data + h->e_phoff);

	for (unsigned i = 0; i < h->e_phnum; i++) {
		uint8_t *dst;

		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		dst = pl_guestmem_check(m, ph[i].p_paddr, ph[i].p_memsz, PL_ACC_WRITE);
		if (!dst) {
			KERR(img,
			     "segment %u at 0x%" PRIx64 "+0x%" PRIx64
			     " does not fit in guest RAM (more memory with -m?)",
			     i, (uint64_t)ph[i].p_paddr, (uint64_t)ph[i].p_memsz);
			return -1;
		}
		/* The rest (.bss) is fresh anonymous memory: already zero. */
		if (!img->from_file) {
			memcpy(dst, img->data + ph[i].p_offset, ph[i].p_filesz);
		} else if (pread_all(img->fd, dst, ph[i].p_filesz, ph[i].p_offset)) {
			KERR(img, "cannot read segment %u: %s", i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

void pl_elf_free(struct pl_kernel_image *img)
{
	free((void *)img->data);
	if (img->from_file)
		close(img->fd);
	img->data = NULL;
	img->size = 0;
	img->from_file = false;
}
