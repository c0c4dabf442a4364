// SPDX-License-Identifier: MIT
/*
 * Creating a sandbox: everything that depends only on the configuration
 * and the files (memory map, kernel, placement) is checked before
 * /dev/kvm is opened, so that mistakes in the input are reported as such
 * even on a machine without KVM.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagelab/initramfs.h>
#include <pagelab/inspect.h>

#include "boot.h"
#include "devices.h"
#include "elfload.h"
#include "error.h"
#include "fdtgen.h"
#include "rom.h"
#include "sandbox.h"

#define PAGE	4096ULL
#define FDT_MAX (16ULL << 20)
/* Room in the tree's slot for the nodes of devices a host program adds. */
#define FDT_SLACK (16ULL << 10)

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

int pl_sandbox_init(struct pl_sandbox *sb, const struct pl_config *cfg)
{
	memset(sb, 0, sizeof(*sb));
	pl_kvm_init(&sb->kvm);
	sb->pio.space = "port";
	sb->mmio.space = "MMIO address";
	pl_console_init(&sb->con, cfg);
	pl_core_init(&sb->core);
	sb->timeout_ms = cfg->timeout_ms;
	sb->verbose = cfg->verbose;
	sb->report = cfg->report;
	sb->stdin_fd = cfg->no_stdin ? -1 : cfg->stdin_fd;
	sb->seccomp = cfg->seccomp;
	for (size_t i = 0; i < cfg->nwrite_fds && i < PL_WRITE_FDS_MAX; i++)
		if (cfg->write_fds[i] >= 0)
			sb->write_fds[sb->nwrite_fds++] = cfg->write_fds[i];
	sb->vga_out = cfg->vga_out;
	return pl_devices_register(sb);
}

static uint64_t epoch_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void fdt_params(const struct pl_sandbox *sb, const struct pl_config *cfg,
		       struct pl_fdt_params *p)
{
	const struct pl_layout *l = &sb->layout;

	*p = (struct pl_fdt_params){
		.map = &sb->map,
		.bootargs = cfg->bootargs,
		.argv = cfg->argv,
		.envp = cfg->envp,
		.initrd_start = l->initramfs,
		.initrd_end = l->initramfs + l->initramfs_size,
		.boot_epoch_ns = epoch_ns(),
		.devices = sb->dev,
		.ndevices = sb->ndev,
		.host_flags = sb->core.dirfd >= 0 ? PL_HOST_F_CORE_DUMP : 0,
		.written_map = sb->written_map,
	};
	p->reserved[p->nreserved++] = sb->written_map;
	p->reserved[p->nreserved++] = (struct pl_range){ l->boot_tables, l->boot_tables_size };
	p->reserved[p->nreserved++] = (struct pl_range){ l->fdt, sb->fdt_room };
	if (l->initramfs_size)
		p->reserved[p->nreserved++] = (struct pl_range){ l->initramfs, l->initramfs_size };
}

/* Builds the tree into a host buffer that grows until it fits. */
static void *fdt_make(const struct pl_sandbox *sb, const struct pl_config *cfg, uint32_t tsc_khz,
		      size_t *size)
{
	struct pl_fdt_params p;

	fdt_params(sb, cfg, &p);
	p.tsc_khz = tsc_khz;
	for (size_t cap = 64 << 10; cap <= FDT_MAX; cap *= 2) {
		void *buf = malloc(cap);
		int err;

		if (!buf)
			break;
		err = pl_fdt_build(buf, cap, &p);
		if (!err) {
			*size = cap;
			return buf;
		}
		free(buf);
		if (err != -FDT_ERR_NOSPACE)
			break;
	}
	pl_set_error(PL_ERR_CONFIG, "the device tree (kernel options, argv, envp) is too large");
	return NULL;
}

static int check_config(struct pl_sandbox *sb, const struct pl_config *cfg)
{
	uint64_t memory = cfg->memory ? cfg->memory : PL_DEFAULT_MEMORY;
	char why[200];

	/* Before anything that makes a system call the filter would refuse. */
	if (pl_seccomp_confined()) {
		pl_set_error(PL_ERR_CONFIG, "this thread ran a sandbox under seccomp and stays "
					    "confined: run each sandbox in a thread of its own");
		return -1;
	}
	if (pl_memory_check(memory) || pl_memmap(memory, &sb->map))
		return -1;
	if (!cfg->kernel || !cfg->kernel[0]) {
		pl_set_error(PL_ERR_CONFIG, "no guest kernel given");
		return -1;
	}
	if (cfg->initramfs_size && !cfg->initramfs) {
		pl_set_error(PL_ERR_CONFIG, "an initramfs size without an initramfs");
		return -1;
	}
	if (cfg->initramfs_size &&
	    pl_initramfs_check(cfg->initramfs, cfg->initramfs_size, why, sizeof(why))) {
		pl_set_error(PL_ERR_CONFIG, "initramfs: %s", why);
		return -1;
	}
	if (cfg->nwrite_fds > PL_WRITE_FDS_MAX || (cfg->nwrite_fds && !cfg->write_fds)) {
		pl_set_error(PL_ERR_CONFIG, "at most %d write_fds", PL_WRITE_FDS_MAX);
		return -1;
	}
	if ((unsigned)cfg->seccomp > PL_SECCOMP_OFF) {
		pl_set_error(PL_ERR_CONFIG, "unknown seccomp mode %d", (int)cfg->seccomp);
		return -1;
	}
	return 0;
}

static int map_memory(struct pl_sandbox *sb, const struct pl_config *cfg)
{
	if (pl_guestmem_map(&sb->mem, &sb->map) || pl_rom_load(sb, cfg->rom))
		return -1;
	sb->layout.boot_tables = PL_BOOT_GDT;
	sb->layout.boot_tables_size = PL_BOOT_END - PL_BOOT_GDT;
	return pl_boot_write_tables(&sb->mem);
}

/* The file is closed before the run: it holds only its streams, VM and vCPU. */
static int load_kernel(struct pl_sandbox *sb, const char *path)
{
	struct pl_kernel_image img;
	int err = pl_elf_read(path, &img);

	if (err)
		return err;
	err = pl_elf_load(&img, &sb->mem);
	sb->layout.kernel_start = img.start;
	sb->layout.kernel_end = img.end;
	sb->layout.entry = img.entry;
	pl_elf_free(&img);
	return err;
}

/* Regions of the written map (abi.h): every 2 MiB up to the top of RAM. */
static uint64_t written_map_regions(const struct pl_memmap *map)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < map->n; i++)
		if (map->region[i].kind == PL_REGION_RAM)
			top = map->region[i].base + map->region[i].size;
	return (top + (1ULL << PL_WRITTEN_MAP_SHIFT) - 1) >> PL_WRITTEN_MAP_SHIFT;
}

/*
 * The written map, the device tree and the initramfs go right above the
 * kernel image, in that order.
 */
static int place_blobs(struct pl_sandbox *sb, const struct pl_config *cfg)
{
	struct pl_layout *l = &sb->layout;
	uint64_t regions = written_map_regions(&sb->map);
	uint8_t *map;
	size_t cap;
	void *fdt;
	char *dst;

	sb->written_map.base = page_up(l->kernel_end);
	sb->written_map.size = page_up((regions + 7) / 8);
	l->fdt = sb->written_map.base + sb->written_map.size;
	/* A dry run with every property present measures the tree. */
	fdt = fdt_make(sb, cfg, 1, &cap);
	if (!fdt)
		return -1;
	l->fdt_size = fdt_totalsize(fdt);
	free(fdt);
	sb->fdt_room = page_up(l->fdt_size + FDT_SLACK);
	l->initramfs = l->fdt + sb->fdt_room;
	l->initramfs_size = cfg->initramfs_size;
	map = pl_guestmem_check(&sb->mem, sb->written_map.base, sb->written_map.size, PL_ACC_WRITE);
	if (!map || !pl_guestmem_check(&sb->mem, l->fdt, sb->fdt_room, PL_ACC_WRITE) ||
	    !(dst = pl_guestmem_check(&sb->mem, l->initramfs, l->initramfs_size, PL_ACC_WRITE))) {
		pl_set_error(PL_ERR_CONFIG,
			     "the kernel, device tree and initramfs (%" PRIu64
			     " KiB) do not fit in guest RAM below %lluM: use more memory (-m)",
			     (l->initramfs + l->initramfs_size) >> 10,
			     (unsigned long long)(PL_LOWRAM_TOP >> 20));
		return -1;
	}
	if (l->initramfs_size)
		memcpy(dst, cfg->initramfs, l->initramfs_size);
	else
		l->initramfs = 0;
	pl_guestmem_track_writes(&sb->mem, map, regions);
	return 0;
}

static int write_fdt(struct pl_sandbox *sb, const struct pl_config *cfg)
{
	size_t cap;
	void *fdt = fdt_make(sb, cfg, pl_kvm_tsc_khz(&sb->kvm), &cap);
	void *dst;

	if (!fdt)
		return -1;
	dst = pl_guestmem_check(&sb->mem, sb->layout.fdt, fdt_totalsize(fdt), PL_ACC_WRITE);
	if (!dst || fdt_totalsize(fdt) > sb->fdt_room) {
		pl_set_error(PL_ERR_HOST, "the device tree grew after it was placed");
		free(fdt);
		return -1;
	}
	memcpy(dst, fdt, fdt_totalsize(fdt));
	sb->layout.fdt_size = fdt_totalsize(fdt);
	free(fdt);
	return 0;
}

static void describe(const struct pl_sandbox *sb, const struct pl_config *cfg)
{
	const struct pl_layout *l = &sb->layout;
	FILE *f = sb->report ? sb->report : stderr;
	const char *kernel = cfg->kernel;

	fprintf(f, "pagelab: kernel %s at 0x%" PRIx64 "-0x%" PRIx64 ", entry 0x%" PRIx64 "\n",
		kernel, l->kernel_start, l->kernel_end, l->entry);
	fprintf(f, "pagelab: device tree at 0x%" PRIx64 " (%" PRIu64 " bytes)", l->fdt,
		l->fdt_size);
	if (l->initramfs_size)
		fprintf(f, ", initramfs at 0x%" PRIx64 " (%" PRIu64 " bytes)", l->initramfs,
			l->initramfs_size);
	fprintf(f, ", written map at 0x%" PRIx64 " (%" PRIu64 " bytes)", sb->written_map.base,
		sb->written_map.size);
	fprintf(f, "; CR4.FSGSBASE %s; irqchip %s\n", sb->fsgsbase ? "on" : "refused by KVM",
		sb->kvm.split_irqchip ? "split (LAPIC only)" : "full");
	fprintf(f, "pagelab: bootargs \"%s\"", cfg->bootargs ? cfg->bootargs : "");
	for (const char *const *a = cfg->argv; a && *a; a++)
		fprintf(f, "%s%s", a == cfg->argv ? "; argv " : " ", *a);
	fputc('\n', f);
	pl_memmap_print(&sb->map, f);
}

struct pl_sandbox *pl_sandbox_create(const struct pl_config *cfg)
{
	struct pl_sandbox *sb = malloc(sizeof(*sb));
	struct pl_user user;

	if (!sb) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return NULL;
	}
	pl_clear_error();
	if (pl_sandbox_init(sb, cfg) || check_config(sb, cfg) ||
	    (cfg->user && pl_user_lookup(cfg->user, &user)) ||
	    pl_core_setup(&sb->core, cfg->core_dir) || map_memory(sb, cfg) ||
	    load_kernel(sb, cfg->kernel) || place_blobs(sb, cfg) ||
	    pl_kvm_setup(&sb->kvm, &sb->mem) || write_fdt(sb, cfg) ||
	    pl_boot_set_vcpu(sb->kvm.vcpu, sb->layout.entry, sb->layout.fdt, &sb->fsgsbase)) {
		pl_sandbox_destroy(sb);
		return NULL;
	}
	if (sb->verbose)
		describe(sb, cfg);
	/* The VM and vCPU keep KVM alive; the run needs no /dev/kvm. */
	pl_kvm_close_dev(&sb->kvm);
	if (cfg->user && pl_user_become(&user)) {
		pl_sandbox_destroy(sb);
		return NULL;
	}
	return sb;
}

void pl_sandbox_destroy(struct pl_sandbox *sb)
{
	if (!sb)
		return;
	pl_devices_release(sb);
	pl_dirty_log_release(sb);
	pl_access_log_free(sb);
	pl_kvm_close(&sb->kvm);
	pl_core_destroy(&sb->core);
	pl_guestmem_unmap(&sb->mem);
	free(sb->events);
	free(sb);
}

int pl_sandbox_fdt_add(struct pl_sandbox *sb, const struct pl_device *dev)
{
	void *fdt = pl_guestmem_check(&sb->mem, sb->layout.fdt, sb->fdt_room, PL_ACC_WRITE);
	int err = fdt ? pl_fdt_add_device(fdt, sb->fdt_room, dev) : -FDT_ERR_BADSTATE;

	if (err) {
		pl_set_error(PL_ERR_CONFIG,
			     "device '%s': no room for its node in the device tree (%s)", dev->name,
			     fdt_strerror(err));
		return -ENOSPC;
	}
	sb->layout.fdt_size = fdt_totalsize(fdt);
	return 0;
}

int pl_sandbox_watch_faults(struct pl_sandbox *sb, bool on)
{
	void *fdt;

	if (sb->started) {
		pl_set_error(PL_ERR_CONFIG, "watching faults is chosen before the first step");
		return -EBUSY;
	}
	fdt = pl_guestmem_check(&sb->mem, sb->layout.fdt, sb->fdt_room, PL_ACC_WRITE);
	if (!fdt || pl_fdt_set_host_flag(fdt, PL_HOST_F_WATCH_FAULTS, on)) {
		pl_set_error(PL_ERR_CONFIG, "the device tree has no host flags to set");
		return -EINVAL;
	}
	return 0;
}

const struct pl_memmap *pl_sandbox_memmap(const struct pl_sandbox *sb)
{
	return &sb->map;
}

void pl_sandbox_layout(const struct pl_sandbox *sb, struct pl_layout *layout)
{
	*layout = sb->layout;
}

static int gpa_refused(struct pl_sandbox *sb, uint64_t gpa, size_t len, bool write)
{
	if (write && pl_guestmem_check(&sb->mem, gpa, len, PL_ACC_READ)) {
		pl_set_error(PL_ERR_FAULT, "guest-physical 0x%" PRIx64 "+%zu is read-only", gpa,
			     len);
		return -EACCES;
	}
	pl_set_error(PL_ERR_FAULT,
		     "guest-physical 0x%" PRIx64 "+%zu is not inside one guest memory region", gpa,
		     len);
	return -EFAULT;
}

int pl_gpa_read(struct pl_sandbox *sb, uint64_t gpa, void *buf, size_t len)
{
	const void *src = pl_guestmem_check(&sb->mem, gpa, len, PL_ACC_READ);

	if (!src)
		return gpa_refused(sb, gpa, len, false);
	memcpy(buf, src, len);
	return 0;
}

int pl_gpa_write(struct pl_sandbox *sb, uint64_t gpa, const void *buf, size_t len)
{
	void *dst = pl_guestmem_check(&sb->mem, gpa, len, PL_ACC_WRITE);

	if (!dst)
		return gpa_refused(sb, gpa, len, true);
	memcpy(dst, buf, len);
	return 0;
}

void *pl_gpa_ptr(struct pl_sandbox *sb, uint64_t gpa, size_t len)
{
	void *p = pl_guestmem_check(&sb->mem, gpa, len, PL_ACC_WRITE);

	if (!p)
		gpa_refused(sb, gpa, len, true);
	return p;
}
