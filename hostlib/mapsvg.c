// SPDX-License-Identifier: MIT
/*
 * A picture of where things are: the guest-physical map on the left (one
 * band per region, its height growing with the log of its size, so 640 KiB
 * of low RAM and 3 GiB of RAM are both readable), a process's virtual
 * mappings on the right (runs of present leaves from its page tables), and
 * a band from each mapping to the physical memory behind it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "pagewalk.h"
#include "sandbox.h"

#define WIDTH	   960
#define PHYS_X	   40
#define PHYS_W	   300
#define VIRT_X	   620
#define VIRT_W	   300
#define TOP	   60
#define MAX_RUNS   96
#define BAND_MIN   22.0
#define BAND_SCALE 7.0

struct band {
	uint64_t base, size;
	double y, h;
};

struct picture {
	struct band phys[PL_MEMMAP_MAX];
	unsigned nphys;
	struct pl_mapping run[MAX_RUNS];
	unsigned nruns, more;
	double height;
};

/* Grows with the number of bits in the page count: a log scale without libm. */
static double band_height(uint64_t size)
{
	uint64_t pages = size / 4096;

	return BAND_MIN + BAND_SCALE * (pages > 1 ? 63 - __builtin_clzll(pages) : 0);
}

static const char *color(enum pl_region_kind kind)
{
	static const char *const c[] = { [PL_REGION_RAM] = "#cfe8cf",
					 [PL_REGION_VGA] = "#f3e3b5",
					 [PL_REGION_ROM] = "#e6d3f0",
					 [PL_REGION_MMIO] = "#f5c6c6",
					 [PL_REGION_RESERVED] = "#e0e0e0" };

	return (unsigned)kind < sizeof(c) / sizeof(c[0]) ? c[kind] : "#ffffff";
}

static void size_text(uint64_t size, char *buf, size_t len)
{
	pl_format_size(size, buf, len);
}

static void layout(struct pl_sandbox *sb, struct picture *p)
{
	double y = TOP, v = TOP;

	for (unsigned i = 0; i < sb->map.n; i++) {
		const struct pl_region *r = &sb->map.region[i];

		p->phys[p->nphys] = (struct band){ r->base, r->size, y, band_height(r->size) };
		y += p->phys[p->nphys++].h;
	}
	for (unsigned i = 0; i < p->nruns; i++)
		v += 10 + band_height(p->run[i].size) / 2;
	p->height = (y > v ? y : v) + 20;
}

static void physical(struct pl_sandbox *sb, struct picture *p, FILE *f)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">guest-physical</text>\n", PHYS_X,
		TOP - 12);
	for (unsigned i = 0; i < sb->map.n; i++) {
		const struct pl_region *r = &sb->map.region[i];
		const struct band *b = &p->phys[i];
		double y = b->y;
		char size[32];

		size_text(r->size, size, sizeof(size));
		fprintf(f,
			"<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\" "
			"stroke=\"#555\"/>\n",
			PHYS_X, y, PHYS_W, b->h, color(r->kind));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s %s, 0x%" PRIx64 "-0x%" PRIx64 "</text>\n",
			PHYS_X + 6, y + 15, r->name, size, r->base, r->base + r->size - 1);
	}
}

static int keep_run(void *arg, const struct pl_mapping *m)
{
	struct picture *p = arg;

	if (p->nruns < MAX_RUNS)
		p->run[p->nruns++] = *m;
	else
		p->more++;
	return 0;
}

/* Where gpa falls on the left: -1 outside the map. */
static double gpa_y(const struct picture *p, uint64_t gpa)
{
	for (unsigned i = 0; i < p->nphys; i++) {
		const struct band *b = &p->phys[i];

		if (gpa >= b->base && gpa - b->base <= b->size)
			return b->y + b->h * (double)(gpa - b->base) / (double)b->size;
	}
	return -1;
}

static void run_box(const struct picture *p, const struct pl_mapping *m, double y, double h,
		    FILE *f)
{
	double y0 = gpa_y(p, m->gpa), y1 = gpa_y(p, m->gpa + m->size);
	char size[32];

	size_text(m->size, size, sizeof(size));
	if (y0 >= 0 && y1 >= 0)
		fprintf(f,
			"<polygon points=\"%d,%.1f %d,%.1f %d,%.1f %d,%.1f\" fill=\"#6a8fd8\" "
			"fill-opacity=\"0.25\" stroke=\"#6a8fd8\" stroke-opacity=\"0.6\"/>\n",
			PHYS_X + PHYS_W, y0, VIRT_X, y, VIRT_X, y + h, PHYS_X + PHYS_W,
			y1 > y0 + 1 ? y1 : y0 + 1);
	fprintf(f,
		"<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\" "
		"stroke=\"#555\"/>\n",
		VIRT_X, y, VIRT_W, h, m->writable ? "#cddcf7" : "#e8eef9");
	fprintf(f, "<text x=\"%d\" y=\"%.1f\">0x%" PRIx64 " %c%c%c %s -&gt; 0x%" PRIx64 "</text>\n",
		VIRT_X + 6, y + 14, m->va, 'r', m->writable ? 'w' : '-', m->nx ? '-' : 'x', size,
		m->gpa);
}

static void virtual(const struct picture *p, int pid, const char *comm, FILE *f)
{
	double y = TOP;

	fprintf(
	    f,
	    "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">process %d (%s): %u mappings%s</text>\n",
	    VIRT_X, TOP - 12, pid, comm, p->nruns + p->more, p->more ? ", first ones shown" : "");
	for (unsigned i = 0; i < p->nruns; i++) {
		double h = 8 + band_height(p->run[i].size) / 2;

		run_box(p, &p->run[i], y, h, f);
		y += h + 2;
	}
}

static void comm_of(struct pl_sandbox *sb, int pid, char *comm, size_t len)
{
	struct pl_process procs[PL_PROCTAB_MAX];
	int n = pl_processes(sb, procs, PL_PROCTAB_MAX);

	snprintf(comm, len, "?");
	for (int i = 0; i < n && i < PL_PROCTAB_MAX; i++)
		if (procs[i].pid == pid)
			for (size_t j = 0; j < len && (j == 0 || comm[j - 1]); j++)
				comm[j] = strchr("<>&\"", procs[i].comm[j]) && procs[i].comm[j]
					      ? '?'
					      : procs[i].comm[j];
	comm[len - 1] = '\0';
}

static int read_entry(void *ctx, uint64_t gpa, uint64_t *entry)
{
	const void *p = pl_guestmem_check(ctx, gpa, sizeof(*entry), PL_ACC_READ);

	if (!p)
		return -1;
	memcpy(entry, p, sizeof(*entry));
	return 0;
}

int pl_map_svg(struct pl_sandbox *sb, int pid, FILE *f)
{
	struct picture pic, *p = &pic;
	struct pl_process procs[PL_PROCTAB_MAX];
	uint64_t cr3 = 0;
	char comm[16] = "";

	memset(p, 0, sizeof(*p));
	if (pid >= 0) {
		int n = pl_processes(sb, procs, PL_PROCTAB_MAX), want = pid ? pid : sb->stop.pid;

		if (n < 0)
			return n;
		for (int i = 0; i < n && i < PL_PROCTAB_MAX; i++)
			if (procs[i].pid == want)
				cr3 = procs[i].cr3;
		if (!cr3) {
			pl_set_error(PL_ERR_CONFIG, "no process %d in the guest at the last stop",
				     want);
			return -ESRCH;
		}
		pid = want;
		comm_of(sb, pid, comm, sizeof(comm));
		/* A walk that gave up (-E2BIG) still drew what it found first. */
		pl_walk_mappings(cr3, 0, PL_USER_TOP, read_entry, &sb->mem, 0, keep_run, p);
	}
	layout(sb, p);
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"font-family=\"monospace\" font-size=\"11\">\n",
		WIDTH, p->height);
	fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"14\">pagelab %s: guest memory%s</text>\n",
		PHYS_X, PAGELAB_VERSION, pid >= 0 ? " and a process's mappings" : "");
	physical(sb, p, f);
	if (pid >= 0)
		virtual(p, pid, comm, f);
	fprintf(f, "</svg>\n");
	if (fflush(f) || ferror(f)) {
		pl_set_error(PL_ERR_HOST, "cannot write the picture");
		return -EIO;
	}
	return 0;
}
