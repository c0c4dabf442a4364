// SPDX-License-Identifier: MIT
/*
 * A randomized differential test of VFIO, the IOMMU and the DMA engine
 * against a small reference model: random map, unmap, copy, fill and
 * detach/attach steps from a seeded generator. After every step the DMA
 * buffer must equal the model's image byte for byte, and each fault the
 * model predicts must come as the engine's error, as SIGBUS with that IOVA,
 * and (checkpoint 2, value = the IOVA) as the newest entry of the host's
 * fault log, which tests/integration/test_vfio.c compares.
 *
 *	vfio_diff [SEED [STEPS]]     TAP on stdout
 */
#define _GNU_SOURCE
#include <linux/vfio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <pagelab/dma_engine.h>
#include <pagelab/guest.h>
#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define DEVICE	    "d0001000.dma"
#define NBUF	    32 /* buffer pages the random steps map */
#define NIOVA	    64 /* IOVA pages they use, from IOVA_BASE */
#define IOVA_BASE   0x1000000UL
#define RING_IOVA   0x100000UL
#define MAX_LEN	    (3 * PG)
#define CHECK_FAULT 2

struct mapping {
	bool used;
	unsigned iova_pg, buf_pg, n, perm; /* perm: 1 read, 2 write */
};

static struct mapping maps[NIOVA];
static uint8_t *buf, *model, *ring, *bounce;
static int container, group, device;
static volatile uint64_t *regs;
static unsigned tail;
static uint64_t rng;
static volatile sig_atomic_t sigbus_seen;
static volatile uint64_t sigbus_addr;
static unsigned faults, transfers, steps_failed;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	sigbus_addr = (uintptr_t)si->si_addr;
	sigbus_seen = 1;
}

/* The mapping holding IOVA page pg, or NULL. */
static struct mapping *covering(unsigned pg)
{
	for (int i = 0; i < NIOVA; i++)
		if (maps[i].used && pg >= maps[i].iova_pg && pg < maps[i].iova_pg + maps[i].n)
			return &maps[i];
	return NULL;
}

static void attach(void)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = 3,
					      .iova = RING_IOVA,
					      .vaddr = (uintptr_t)ring,
					      .size = PG };

	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) ||
	    ioctl(container, VFIO_IOMMU_MAP_DMA, &m))
		bail("attach");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, DEVICE);
	regs =
	    device < 0 ? MAP_FAILED : mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, device, 0);
	if (regs == MAP_FAILED)
		bail("the device");
	regs[PL_DMA_REG_RING_BASE / 8] = RING_IOVA;
	regs[PL_DMA_REG_RING_SIZE / 8] = 16;
	regs[PL_DMA_REG_CTRL / 8] = PL_DMA_CTRL_ENABLE;
	tail = 0;
}

static void detach(void)
{
	munmap((void *)regs, PG);
	close(device);
	if (ioctl(group, VFIO_GROUP_UNSET_CONTAINER))
		bail("VFIO_GROUP_UNSET_CONTAINER");
	memset(maps, 0, sizeof(maps));
}

static bool step_map(void)
{
	unsigned n = 1 + next() % 4, pg = next() % (NIOVA - n + 1), b = next() % (NBUF - n + 1);
	unsigned perm = next() % 4 ? 3 : 1 + next() % 2; /* mostly read-write */
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = perm,
					      .vaddr = (uintptr_t)(buf + b * PG),
					      .iova = IOVA_BASE + pg * PG,
					      .size = n * PG };
	bool overlap = false;
	int r = ioctl(container, VFIO_IOMMU_MAP_DMA, &m), err = errno;

	for (unsigned i = pg; i < pg + n; i++)
		overlap |= covering(i) != NULL;
	if (overlap)
		return r == -1 && err == EEXIST;
	if (r)
		return false;
	for (int i = 0; i < NIOVA; i++)
		if (!maps[i].used) {
			maps[i] = (struct mapping){ true, pg, b, n, perm };
			break;
		}
	return true;
}

static bool step_unmap(void)
{
	unsigned n = 1 + next() % 8, pg = next() % (NIOVA - n + 1);
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u),
						.iova = IOVA_BASE + pg * PG,
						.size = n * PG };
	struct mapping *first = covering(pg), *last = covering(pg + n - 1);
	uint64_t want = 0;
	int r = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u), err = errno;

	if ((first && first->iova_pg != pg) || (last && last->iova_pg + last->n != pg + n))
		return r == -1 && err == EINVAL; /* type1v2 does not split */
	for (int i = 0; i < NIOVA; i++)
		if (maps[i].used && maps[i].iova_pg >= pg &&
		    maps[i].iova_pg + maps[i].n <= pg + n) {
			want += maps[i].n * PG;
			maps[i].used = false;
		}
	return r == 0 && u.size == want;
}

/* The model's check of [iova, iova + len) for perm: 0, or the first IOVA it refuses. */
static uint64_t model_fault(uint64_t iova, uint64_t len, unsigned perm)
{
	for (uint64_t a = iova & ~(PG - 1); a < iova + len; a += PG) {
		struct mapping *m = covering((a - IOVA_BASE) / PG);

		if (a < IOVA_BASE || !m || !(m->perm & perm))
			return a < iova ? iova : a;
	}
	return 0;
}

static uint8_t *model_byte(uint64_t iova)
{
	struct mapping *m = covering((iova - IOVA_BASE) / PG);

	return model + (m->buf_pg + ((iova - IOVA_BASE) / PG - m->iova_pg)) * PG + iova % PG;
}

static bool fault_matches(uint64_t iova, uint32_t status, uint32_t want)
{
	for (int i = 0; i < 200000 && !sigbus_seen; i++)
		sched_yield();
	if (status != want || regs[PL_DMA_REG_ERROR_IOVA / 8] != iova || !sigbus_seen ||
	    sigbus_addr != iova) {
		diag("fault at %#lx: status %u (want %u), engine IOVA %#llx, SIGBUS %d at %#llx",
		     (unsigned long)iova, status, want,
		     (unsigned long long)regs[PL_DMA_REG_ERROR_IOVA / 8], sigbus_seen,
		     (unsigned long long)sigbus_addr);
		return false;
	}
	sigbus_seen = 0;
	faults++;
	pagelab_checkpoint(CHECK_FAULT, iova);
	regs[PL_DMA_REG_CTRL / 8] = PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_RESUME;
	return true;
}

/*
 * Mostly an IOVA inside a mapping (so that most transfers succeed), else
 * anywhere in the window; len bytes from there stay in the window.
 */
static uint64_t pick_iova(uint64_t len)
{
	uint64_t span = NIOVA * PG - len, at = next() % span;
	int i = next() % NIOVA;

	if (next() % 4 == 0)
		return IOVA_BASE + at;
	for (int k = 0; k < NIOVA; k++, i = (i + 1) % NIOVA)
		if (maps[i].used) {
			at = maps[i].iova_pg * PG + next() % (maps[i].n * PG);
			return IOVA_BASE + (at < span ? at : span);
		}
	return IOVA_BASE + at;
}

static bool step_dma(bool fill)
{
	uint64_t len = 1 + next() % (next() % 2 ? MAX_LEN : 256);
	uint64_t src = pick_iova(len), dst = pick_iova(len);
	uint64_t pattern = next(), bad;
	struct pl_dma_desc *d = (struct pl_dma_desc *)ring + tail;

	*d = (struct pl_dma_desc){ .op = fill ? PL_DMA_OP_FILL : PL_DMA_OP_COPY,
				   .src = src,
				   .dst = dst,
				   .len = len,
				   .pattern = pattern };
	tail = (tail + 1) % 16;
	regs[PL_DMA_REG_TAIL / 8] = tail;
	asm volatile("" ::: "memory"); /* the engine wrote the ring and the buffer */
	bad = fill ? 0 : model_fault(src, len, 1);
	if (bad)
		return fault_matches(bad, d->status, PL_DMA_DS_READ_FAULT);
	bad = model_fault(dst, len, 2);
	if (bad)
		return fault_matches(bad, d->status, PL_DMA_DS_WRITE_FAULT);
	for (uint64_t i = 0; i < len; i++)
		bounce[i] = fill ? (uint8_t)(pattern >> (i % 8 * 8)) : *model_byte(src + i);
	for (uint64_t i = 0; i < len; i++)
		*model_byte(dst + i) = bounce[i];
	transfers++;
	return d->status == PL_DMA_DS_DONE;
}

static bool step(unsigned kind)
{
	if (kind < 30)
		return step_map();
	if (kind < 50)
		return step_unmap();
	if (kind < 97)
		return step_dma(kind >= 85);
	detach();
	attach();
	return true;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	unsigned seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 12345;
	unsigned steps = argc > 2 ? strtoul(argv[2], NULL, 0) : 400;

	tap_plan(4);
	rng = seed * 2654435761ULL + 1;
	sigaction(SIGBUS, &sa, NULL);
	buf = mmap(NULL, (NBUF + 1) * PG, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON | MAP_SHARED,
		   NOFD, 0);
	model = malloc(NBUF * PG);
	bounce = malloc(MAX_LEN);
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open("/dev/vfio/0", O_RDWR);
	if (buf == MAP_FAILED || !model || !bounce || container < 0 || group < 0)
		bail("setup");
	ring = buf + NBUF * PG;
	for (unsigned i = 0; i < NBUF * PG; i++)
		buf[i] = model[i] = (uint8_t)next();
	attach();
	for (unsigned s = 0; s < steps; s++) {
		unsigned kind = next() % 100;

		if (!step(kind) || memcmp(buf, model, NBUF * PG)) {
			diag("seed %u: step %u (kind %u) differs from the model", seed, s, kind);
			steps_failed++;
			break;
		}
	}
	ok(!steps_failed, "%u random steps (seed %u): the buffer equals the model after each",
	   steps, seed);
	ok(faults > 0, "the steps provoked faults (%u), each as the model predicted", faults);
	ok(transfers > 0, "and transfers (%u) that moved what the model moved", transfers);
	ok(!strncmp(slurp("/proc/pagelab/iommu"), "device " DEVICE " endpoint 1 group 0\n", 38),
	   "/proc/pagelab/iommu lists the device");
	printf("# faults %u\n", faults);
	return tap_done();
}
