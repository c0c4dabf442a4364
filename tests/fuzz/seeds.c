// SPDX-License-Identifier: MIT
/*
 * Writes the seed corpora, tests/fuzz/corpus/NAME/seed-*: small valid
 * inputs for each harness (and a few refused ones), so that the fuzzer
 * starts from what the parsers really see instead of guessing magic
 * numbers. Run by `make fuzz-seeds`; the output is committed. Trees and
 * archives come from the project's own writers (pl_fdt_build, pl_cpio),
 * ELF files are built field by field (a real static program is too big).
 */
#include <elf.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pagelab/initramfs.h>
#include <pagelab/virtio.h>

#include "fdtgen.h"
#include "fuzz_ops.h"

struct out {
	unsigned char buf[20480]; /* the page-walk seed holds 16 KiB of tables */
	size_t len;
};

static const char *root;

static void put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > sizeof(o->buf)) {
		fprintf(stderr, "seeds: a seed outgrew its buffer\n");
		exit(1);
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void put_uint(struct out *o, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		unsigned char b = (unsigned char)(v >> (8 * i));

		put(o, &b, 1);
	}
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s) + 1);
}

/* A byte string as in_bytes reads it: a length byte, then the bytes. */
static void put_bytes(struct out *o, const char *s)
{
	put_uint(o, strlen(s), 1);
	put(o, s, strlen(s));
}

static void save(const char *harness, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/seed-%s", root, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void save_out(const char *harness, const char *name, const struct out *o)
{
	save(harness, name, o->buf, o->len);
}

/* ---- ELF files: a header, program headers, then code or a dynamic section ---- */

struct elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned char tail[64];
};

static void elf_init(struct elf *e, uint16_t type, uint64_t entry, unsigned phnum)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
	e->eh.e_ident[EI_CLASS] = ELFCLASS64;
	e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e->eh.e_ident[EI_VERSION] = EV_CURRENT;
	e->eh.e_type = type;
	e->eh.e_machine = EM_X86_64;
	e->eh.e_version = EV_CURRENT;
	e->eh.e_entry = entry;
	e->eh.e_phoff = offsetof(struct elf, ph);
	e->eh.e_ehsize = sizeof(Elf64_Ehdr);
	e->eh.e_phentsize = sizeof(Elf64_Phdr);
	e->eh.e_phnum = phnum;
}

static void load(Elf64_Phdr *ph, uint64_t vaddr, uint64_t paddr, uint32_t flags, uint64_t memsz)
{
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD,
			    .p_flags = flags,
			    .p_vaddr = vaddr,
			    .p_paddr = paddr,
			    .p_filesz = sizeof(struct elf),
			    .p_memsz = memsz,
			    .p_align = 4096 };
}

/* exit(0): mov $60, %eax; xor %edi, %edi; syscall */
static const unsigned char exit_code[] = { 0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05 };

static void dynamic(struct elf *e, Elf64_Phdr *ph, int64_t tag, uint64_t val)
{
	Elf64_Dyn d[2] = { { .d_tag = tag, .d_un.d_val = val }, { .d_tag = DT_NULL } };

	memcpy(e->tail, d, sizeof(d));
	*ph = (Elf64_Phdr){ .p_type = PT_DYNAMIC,
			    .p_flags = PF_R,
			    .p_offset = offsetof(struct elf, tail),
			    .p_filesz = sizeof(d),
			    .p_memsz = sizeof(d),
			    .p_align = 8 };
}

static void program_seeds(void)
{
	static const char script[] = "#!/bin/sh\necho hello\n";
	const uint64_t base = 0x400000, code = base + offsetof(struct elf, tail);
	struct elf e;

	elf_init(&e, ET_EXEC, code, 1);
	load(&e.ph[0], base, base, PF_R | PF_X, sizeof(e));
	memcpy(e.tail, exit_code, sizeof(exit_code));
	save("program", "static", &e, sizeof(e));

	elf_init(&e, ET_DYN, offsetof(struct elf, tail) + 16, 2);
	load(&e.ph[0], 0, 0, PF_R | PF_X, sizeof(e));
	dynamic(&e, &e.ph[1], DT_FLAGS_1, DF_1_PIE);
	save("program", "static-pie", &e, sizeof(e));

	elf_init(&e, ET_DYN, offsetof(struct elf, tail) + 16, 2);
	load(&e.ph[0], 0, 0, PF_R, sizeof(e));
	dynamic(&e, &e.ph[1], DT_SONAME, 1);
	save("program", "shared-library", &e, sizeof(e));

	elf_init(&e, ET_EXEC, code, 2);
	load(&e.ph[0], base, base, PF_R | PF_X, sizeof(e));
	dynamic(&e, &e.ph[1], DT_NEEDED, 1);
	save("program", "needs-libc", &e, sizeof(e));

	elf_init(&e, ET_EXEC, code, 2);
	e.ph[0] = (Elf64_Phdr){ .p_type = PT_INTERP,
				.p_offset = offsetof(struct elf, tail),
				.p_filesz = 20 };
	strcpy((char *)e.tail, "/lib/ld-musl-x86_64.so.1");
	load(&e.ph[1], base, base, PF_R | PF_X, sizeof(e));
	save("program", "interpreter", &e, sizeof(e));

	elf_init(&e, ET_EXEC, code, 1);
	e.eh.e_ident[EI_CLASS] = ELFCLASS32;
	e.eh.e_machine = EM_386;
	save("program", "i386", &e, sizeof(e.eh));
	save("program", "script", script, sizeof(script) - 1);
}

/* The guest kernel: text linked at PL_KERNEL_VBASE + 1 MiB, data with a .bss. */
static void elfload_seeds(void)
{
	const uint64_t pa = 0x100000, va = PL_KERNEL_VBASE + pa;
	struct elf e;

	elf_init(&e, ET_EXEC, va + offsetof(struct elf, tail), 2);
	load(&e.ph[0], va, pa, PF_R | PF_X, 0x1000);
	load(&e.ph[1], va + 0x1000, pa + 0x1000, PF_R | PF_W, 0x3000);
	e.ph[1].p_offset = offsetof(struct elf, tail);
	e.ph[1].p_filesz = 16;
	memcpy(e.tail, exit_code, sizeof(exit_code));
	save("elfload", "kernel", &e, sizeof(e));

	elf_init(&e, ET_EXEC, pa + offsetof(struct elf, tail), 1);
	load(&e.ph[0], pa, pa, PF_R | PF_X, sizeof(e));
	save("elfload", "identity", &e, sizeof(e));
}

/* ---- cpio archives ---- */

static void save_archive(const char *harness, const char *name, struct pl_cpio *c)
{
	const void *data;
	size_t len;

	if (pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "seeds: cannot finish an archive\n");
		exit(1);
	}
	save(harness, name, data, len);
}

/* A newc entry written by hand: what pl_cpio never writes (links, devices, CRC). */
static void entry(struct out *o, const char *name, uint32_t ino, uint32_t mode, uint32_t nlink,
		  const char *data, bool crc)
{
	size_t dlen = data ? strlen(data) : 0, nlen = strlen(name) + 1;
	uint32_t sum = 0;
	char hdr[128];

	for (size_t i = 0; i < dlen; i++)
		sum += (unsigned char)data[i];
	snprintf(hdr, sizeof(hdr), "07070%c%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 crc ? '2' : '1', ino, mode, 0, 0, nlink, 0, (uint32_t)dlen, 0, 0, 1, 3,
		 (uint32_t)nlen, crc ? sum : 0);
	put(o, hdr, 110);
	put(o, name, nlen);
	put_uint(o, 0, (4 - (110 + nlen) % 4) % 4);
	put(o, data ? data : "", dlen);
	put_uint(o, 0, (4 - dlen % 4) % 4);
}

static void archive_seeds(const char *harness)
{
	struct pl_cpio *c = pl_cpio_new();
	struct out o = { .len = 0 };

	pl_cpio_add_file(c, "bin/prog", "\177ELF", 4, 0755);
	pl_cpio_add_file(c, "/data/hello.txt", "hello\n", 6, 0644);
	pl_cpio_add_dir(c, "/tmp", 01777);
	pl_cpio_add_dir(c, "dev/shm", 01777);
	save_archive(harness, "tree", c);
	pl_cpio_free(c);

	entry(&o, ".", 1, 040755, 2, NULL, false);
	entry(&o, "l1", 7, 0100644, 2, NULL, false);
	entry(&o, "./deep/l2", 7, 0100644, 2, "shared", false);
	entry(&o, "console", 8, 020600, 1, NULL, false);
	entry(&o, "fifo", 9, 010644, 1, NULL, false);
	entry(&o, "link", 10, 0120777, 1, "l1", false);
	entry(&o, "sum", 11, 0100600, 1, "checked", true);
	entry(&o, "deep", 12, 040700, 2, NULL, false);
	entry(&o, "TRAILER!!!", 0, 0, 1, NULL, false);
	save(harness, "links-devices", o.buf, o.len);
}

static void cpio_write_seeds(void)
{
	struct out o = { .len = 0 };

	put_uint(&o, 0, 1); /* a file */
	put_uint(&o, 0755, 4);
	put_str(&o, "bin/prog");
	put_bytes(&o, "\177ELF program");
	put_uint(&o, 1, 1); /* a directory */
	put_uint(&o, 01777, 4);
	put_str(&o, "/tmp/");
	put_uint(&o, 0, 1);
	put_uint(&o, 0644, 4);
	put_str(&o, "/data/./hello.txt");
	put_bytes(&o, "hello\n");
	put_uint(&o, 0, 1);
	put_uint(&o, 0644, 4);
	put_str(&o, "../escape");
	put_bytes(&o, "x");
	save_out("cpio_write", "files", &o);
}

/* ---- device trees ---- */

static const char *const seed_argv[] = { "/bin/prog", "-v", "", NULL };
static const char *const seed_envp[] = { "HOME=/", "TERM=dumb", NULL };

static void tree_params(struct pl_fdt_params *p, const struct pl_memmap *map)
{
	*p = (struct pl_fdt_params){
		.map = map,
		.bootargs = "verbose selftest=native",
		.argv = seed_argv,
		.envp = seed_envp,
		.initrd_start = 0x400000,
		.initrd_end = 0x412345,
		.tsc_khz = 2600000,
		.boot_epoch_ns = 1763780000123456789ULL,
		.reserved = { { 0x1000, 0x6000 }, { 0x300000, 0x1000 }, { 0x400000, 0x13000 } },
		.nreserved = 3,
	};
}

static void bootinfo_seed(const char *name, uint64_t memory, bool program)
{
	static char fdt[16384];
	struct pl_memmap map;
	struct pl_fdt_params p;

	if (pl_memmap(memory, &map)) {
		fprintf(stderr, "seeds: no memory map for %llu bytes\n",
			(unsigned long long)memory);
		exit(1);
	}
	tree_params(&p, &map);
	if (!program)
		p.argv = p.envp = NULL;
	if (pl_fdt_build(fdt, sizeof(fdt), &p)) {
		fprintf(stderr, "seeds: cannot build a device tree\n");
		exit(1);
	}
	save("bootinfo", name, fdt, fdt_totalsize(fdt));
}

static void put_strings(struct out *o, const char *const *v)
{
	unsigned n = 0;

	while (v[n])
		n++;
	put_uint(o, n, 1);
	for (unsigned i = 0; i < n; i++)
		put_str(o, v[i]);
}

static void fdt_build_seed(const char *name, uint64_t memory, unsigned bufsize)
{
	struct pl_fdt_params p;
	struct out o = { .len = 0 };

	tree_params(&p, NULL);
	put_uint(&o, memory >> 12, 4);
	put_str(&o, p.bootargs);
	put_uint(&o, bufsize, 2);
	put_strings(&o, p.argv);
	put_strings(&o, p.envp);
	put_uint(&o, p.initrd_start, 8);
	put_uint(&o, p.initrd_end, 8);
	put_uint(&o, p.tsc_khz, 4);
	put_uint(&o, p.boot_epoch_ns, 8);
	put_uint(&o, 22, 4); /* read and ignored: was the ROM's ident length */
	put_uint(&o, p.nreserved, 1);
	for (unsigned i = 0; i < p.nreserved; i++) {
		put_uint(&o, p.reserved[i].base, 8);
		put_uint(&o, p.reserved[i].size, 8);
	}
	save_out("fdt_build", name, &o);
}

/* ---- device operations ---- */

static void hcall(struct out *o, uint32_t gpa, uint8_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	put_uint(o, DEV_HCALL, 1);
	put_uint(o, gpa, 4);
	put_uint(o, nr, 1);
	put_uint(o, a0, 8);
	put_uint(o, a1, 8);
	put_uint(o, a2, 8);
	put_uint(o, 0, 8);
}

static void pio(struct out *o, uint16_t port, uint8_t how, uint64_t data)
{
	put_uint(o, DEV_PIO, 1);
	put_uint(o, port, 2);
	put_uint(o, how, 1);
	put_uint(o, data, 8);
}

static void poke(struct out *o, uint32_t gpa, const void *data, uint8_t len)
{
	put_uint(o, DEV_POKE, 1);
	put_uint(o, gpa, 4);
	put_uint(o, len, 1);
	put(o, data, len);
}

static void hypercall_seeds(void)
{
	struct pl_panic_report r = { .vector = ~0ULL, .rip = 0xffffffff80101234ULL };
	struct out o = { .len = 0 };

	poke(&o, 0x310000, "hello\n", 6);
	hcall(&o, 0x300000, PL_HC_WRITE, PL_STREAM_STDOUT, 0x310000, 6);
	hcall(&o, 0x300000, PL_HC_READ, PL_STREAM_STDIN, 0x320000, 16);
	hcall(&o, 0x300000, PL_HC_EVENT, PL_EVENT_CHECKPOINT, 7, 0);
	pio(&o, PL_PORT_UART0, DEV_HOW_WRITE, 'h');
	pio(&o, PL_PORT_UART0, DEV_HOW_WRITE, '\n');
	pio(&o, PL_PORT_UART0 + 5, 0, 0);
	put_uint(&o, DEV_MMIO, 1);
	put_uint(&o, 0, 8);
	put_uint(&o, DEV_HOW_ROM | 3, 1);
	put_uint(&o, 0, 8);
	pio(&o, PL_PORT_EXIT, DEV_HOW_WRITE | 3, 3);
	save_out("hypercall", "calls-and-exit", &o);

	o.len = 0;
	strcpy(r.message, "boom: \033[31mred\033[0m");
	poke(&o, 0x330000, &r, 200);
	hcall(&o, 0x300000, PL_HC_PANIC, 0x330000, 0, 0);
	save_out("hypercall", "panic", &o);

	o.len = 0;
	hcall(&o, 0x300004, PL_HC_WRITE, PL_STREAM_STDOUT, 0x310000, 6);
	save_out("hypercall", "unaligned-block", &o);
}

static void namei_op(struct out *o, enum namei_op op, const char *a, const char *b)
{
	put_uint(o, op, 1);
	put_str(o, a);
	if (b)
		put_str(o, b);
}

static void namei_seeds(void)
{
	struct out o = { .len = 0 };

	namei_op(&o, NAMEI_MKDIR, "/a", NULL);
	namei_op(&o, NAMEI_MKDIR, "a//b/", NULL);
	namei_op(&o, NAMEI_CREATE, "/a/b/file", NULL);
	namei_op(&o, NAMEI_CHDIR, "a/./b", NULL);
	namei_op(&o, NAMEI_GETCWD, "", NULL);
	namei_op(&o, NAMEI_LINK, "file", "../file2");
	namei_op(&o, NAMEI_RENAME, "/a/b", "/c");
	namei_op(&o, NAMEI_GETCWD, "", NULL);
	namei_op(&o, NAMEI_UNLINK, "../a/file2", NULL);
	namei_op(&o, NAMEI_UNLINK, "file", NULL);
	namei_op(&o, NAMEI_CHDIR, "..", NULL);
	namei_op(&o, NAMEI_RMDIR, "/c", NULL);
	namei_op(&o, NAMEI_GETCWD, "", NULL);
	save_out("namei", "tree-ops", &o);
}

/* Tables with a 4 KiB, a 2 MiB and a 1 GiB leaf, and probes at each. */
static void pagewalk_seeds(void)
{
	static uint64_t mem[4 * 512];
	static const uint64_t probes[] = { 0x400123, 0x40001234, 0x80000000 + 0x1234567,
					   0x7fff0000 };
	struct out o = { .len = 0 };

	mem[0] = 0x1000 | 7;			  /* PML4[0] -> PDPT at page 1 */
	mem[512 + 0] = 0x2000 | 7;		  /* PDPT[0] -> PD at page 2 */
	mem[512 + 2] = 0x80000000ULL | 0x87;	  /* PDPT[2]: a 1 GiB leaf */
	mem[1024 + 2] = 0x3000 | 7;		  /* PD[2] -> PT at page 3 */
	mem[1024 + 512 - 1] = 0x200000ULL | 0x87; /* PD[511]: a 2 MiB leaf */
	mem[1536 + 0] = 0x5000 | 0x67;		  /* PT[0]: a dirty 4 KiB leaf */
	mem[512 + 1] = 0x4000 | 7;		  /* PDPT[1] -> PD at page 4, empty */
	put_uint(&o, 0, 1);
	put_uint(&o, 0x0007040600070406ULL, 8);
	put_uint(&o, sizeof(probes) / sizeof(probes[0]), 1);
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		put_uint(&o, probes[i], 8);
	put(&o, mem, sizeof(mem)); /* the rest of the input is memory */
	save_out("pagewalk", "three-leaf-sizes", &o);
}

/* One virtio-iommu request as fuzz_iommu_req reads it: readable bytes, writable size. */
static void iommu_req(struct out *o, const void *req, size_t len, unsigned out_len)
{
	put_uint(o, 1, 1); /* a request, not a translation */
	put_uint(o, len, 1);
	put(o, req, len);
	put_uint(o, out_len, 1);
}

#define REQ_READABLE(r) (sizeof(r) - sizeof(struct virtio_iommu_req_tail))

static void iommu_seeds(void)
{
	struct virtio_iommu_req_attach a = { .head.type = VIRTIO_IOMMU_T_ATTACH,
					     .domain = 5,
					     .endpoint = 1 };
	struct virtio_iommu_req_map m = { .head.type = VIRTIO_IOMMU_T_MAP,
					  .domain = 5,
					  .virt_start = 0x10000,
					  .virt_end = 0x10fff,
					  .phys_start = 0x200000,
					  .flags = 3 };
	struct virtio_iommu_req_unmap u = { .head.type = VIRTIO_IOMMU_T_UNMAP,
					    .domain = 5,
					    .virt_start = 0x10000,
					    .virt_end = 0x10fff };
	struct virtio_iommu_req_probe pr = { .head.type = VIRTIO_IOMMU_T_PROBE, .endpoint = 16 };
	struct out o = { .len = 0 };

	iommu_req(&o, &a, REQ_READABLE(a), 4);
	iommu_req(&o, &m, REQ_READABLE(m), 4);
	put_uint(&o, 0, 1); /* a translation: endpoint 1, an IOVA, a read */
	put_uint(&o, 0, 1);
	put_uint(&o, 0x10010, 8);
	put_uint(&o, 0, 1);
	iommu_req(&o, &u, REQ_READABLE(u), 4);
	iommu_req(&o, &pr, sizeof(pr), 68);
	save_out("iommu_req", "attach-map-unmap", &o);
	o.len = 0;
	iommu_req(&o, &a, REQ_READABLE(a), 4);
	iommu_req(&o, &m, REQ_READABLE(m), 4);
	iommu_req(&o, &m, REQ_READABLE(m), 4); /* overlaps */
	iommu_req(&o, &m, REQ_READABLE(m) - 1, 4);
	save_out("iommu_req", "overlap", &o);
}

/* fuzz_virtio: a driver's setup, endpoint 16, one request chain, a DMA. */
static void virtio_seeds(void)
{
	struct out o = { .len = 0 };

	put_uint(&o, 6, 1); /* OP_DRIVER: queue base 0, MAP_UNMAP, 8-entry queues */
	put_uint(&o, 0, 1);
	put_uint(&o, 1u << VIRTIO_IOMMU_F_MAP_UNMAP, 4);
	put_uint(&o, 3, 1);
	put_uint(&o, 3, 1);
	put_uint(&o, 5, 1); /* OP_ENDPOINT 16 */
	put_uint(&o, 16, 1);
	put_uint(&o, 7, 1); /* OP_CHAIN: queue 0, 3 descriptors from head 0 */
	put_uint(&o, 0, 1);
	put_uint(&o, 2, 1);
	put_uint(&o, 0, 2);
	for (unsigned i = 0; i < 3; i++) {
		put_uint(&o, 0x4000 + 0x40 * i, 2);
		put_uint(&o, i < 2 ? 20 : 4, 1);
		put_uint(&o, i < 2 ? VIRTQ_DESC_F_NEXT : VIRTQ_DESC_F_WRITE, 1);
		put_uint(&o, i + 1, 2);
	}
	put_uint(&o, 0, 1);
	put_uint(&o, 4, 1); /* OP_DMA as 16, a 32-bit IOVA, 16 bytes, a write */
	put_uint(&o, 16, 1);
	put_uint(&o, 0, 1);
	put_uint(&o, 0x10000, 4);
	put_uint(&o, 16, 2);
	put_uint(&o, 1, 1);
	save_out("virtio", "driver-request-dma", &o);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR (the corpus directory, tests/fuzz/corpus)\n");
		return 2;
	}
	root = argv[1];
	program_seeds();
	elfload_seeds();
	archive_seeds("cpio_read");
	archive_seeds("initramfs");
	cpio_write_seeds();
	bootinfo_seed("256m", 256ULL << 20, true);
	bootinfo_seed("5g-no-program", 5ULL << 30, false);
	fdt_build_seed("256m", 256ULL << 20, 0);
	fdt_build_seed("5g-small-buffer", 5ULL << 30, 600);
	hypercall_seeds();
	namei_seeds();
	pagewalk_seeds();
	iommu_seeds();
	virtio_seeds();
	return 0;
}
