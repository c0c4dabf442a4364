// SPDX-License-Identifier: MIT
/*
 * Everything a guest can send the host through its devices, without KVM:
 * port I/O (UART, hypercall port, exit port, unassigned ports), MMIO (the
 * ROM, unassigned addresses) and hypercall blocks anywhere in guest memory
 * with any number and arguments (hostlib/hypercall.c, platform.c, uart.c),
 * then the report the host writes about how the run ended (report.c). Each
 * input is a list of operations; the guest's stdin is /dev/zero, so reads
 * fill what they may. Every byte the host hands the output stream is
 * touched, so a buffer the validation let through wrongly is an ASan
 * report; a run that ended stays ended.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "fuzz_ops.h"
#include "devices.h"
#include "sandbox.h"

#define MEMORY (8ULL << 20)

static struct pl_sandbox sb;
static struct pl_config cfg;
static struct pl_memmap map;
static struct pl_guestmem mem;
static volatile uint8_t sink;

static void output(void *opaque, enum pl_stream stream, const char *buf, size_t len)
{
	uint8_t sum = 0;

	(void)opaque;
	CHECK(stream <= PL_STREAM_CONSOLE && len <= PL_HC_MAX_LEN);
	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)buf[i];
	sink = sum;
}

static void setup(void)
{
	if (mem.nslots)
		return;
	cfg.output = output;
	cfg.stdin_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	CHECK(cfg.stdin_fd >= 0);
	CHECK(pl_memmap(MEMORY, &map) == 0);
	CHECK(pl_guestmem_map(&mem, &map) == 0);
}

/*
 * What the harness wrote into guest memory, zeroed again before the next
 * input so that each input runs on zeroed memory and a crash reproduces
 * from its input alone. (The host itself writes only zeros, from
 * /dev/zero, and return values into blocks the harness wrote.)
 */
#define MAX_DIRTY 1024
static struct {
	void *p;
	size_t len;
} dirty[MAX_DIRTY];
static unsigned ndirty;
static bool all_dirty;

static void *written(void *p, size_t len)
{
	if (ndirty == MAX_DIRTY) {
		all_dirty = true;
		return p;
	}
	dirty[ndirty].p = p;
	dirty[ndirty].len = len;
	ndirty++;
	return p;
}

/* A fresh sandbox over the same, zeroed guest memory. */
static void reset(void)
{
	if (all_dirty)
		for (unsigned i = 0; i < mem.nslots; i++)
			if (!(mem.slot[i].flags & PL_SLOT_READONLY))
				memset(mem.slot[i].hva, 0, mem.slot[i].size);
	for (unsigned i = 0; i < ndirty && !all_dirty; i++)
		memset(dirty[i].p, 0, dirty[i].len);
	ndirty = 0;
	all_dirty = false;
	free(sb.events);
	pl_devices_release(&sb);
	if (pl_sandbox_init(&sb, &cfg))
		abort();
	sb.map = map;
	sb.mem = mem;
}

/* Raw bytes into guest memory, where the guest may write. */
static void poke(struct fuzz_in *in)
{
	uint64_t gpa = in_u32(in) % MEMORY;
	size_t len;
	const uint8_t *b = in_bytes(in, &len);
	void *dst = pl_guestmem_check(&sb.mem, gpa, len, PL_ACC_WRITE);

	if (dst)
		memcpy(written(dst, len), b, len);
}

static void hcall(struct fuzz_in *in)
{
	uint32_t gpa = in_u32(in);
	uint8_t nr = in_u8(in);
	/* Mostly the numbers that exist, sometimes any. */
	struct pl_hcall hc = { .nr = nr < 0xf0 ? nr % (PL_HC_COUNTERS + 1) : in_u32(in) };
	struct pl_hcall *block = pl_guestmem_check(&sb.mem, gpa, sizeof(hc), PL_ACC_WRITE);

	for (int i = 0; i < 4; i++)
		hc.arg[i] = in_u64(in);
	if (block)
		memcpy(written(block, sizeof(hc)), &hc, sizeof(hc));
	pl_pio_dispatch(&sb, PL_PORT_HYPERCALL, &gpa, 4, true);
}

static void pio(struct fuzz_in *in)
{
	uint16_t port = in_u16(in);
	uint8_t how = in_u8(in);
	uint64_t data = in_u64(in);

	pl_pio_dispatch(&sb, port, &data, 1 + (how & 7), how & DEV_HOW_WRITE);
}

static void mmio(struct fuzz_in *in)
{
	uint64_t addr = in_u64(in);
	uint8_t how = in_u8(in);
	uint64_t data = in_u64(in);

	if (how & DEV_HOW_ROM) /* near the ROM, where a device is */
		addr = PL_ROM_BASE + addr % (PL_ROM_SIZE + 16);
	pl_mmio_dispatch(&sb, addr, &data, 1 + (how & 7), how & DEV_HOW_WRITE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	setup();
	reset();
	while (in.left && !sb.ended) {
		switch (in_u8(&in) % NR_DEVICE_OPS) {
		case DEV_POKE:
			poke(&in);
			break;
		case DEV_HCALL:
			hcall(&in);
			break;
		case DEV_PIO:
			pio(&in);
			break;
		default:
			mmio(&in);
			break;
		}
	}
	CHECK(!sb.ended || sb.res.end != PL_END_NONE);
	pl_console_flush(&sb.con);
	pl_report_build(&sb);
	CHECK(memchr(sb.res.report, '\0', sizeof(sb.res.report)));
	if (sb.ended && sb.res.end != PL_END_EXIT)
		CHECK(!strncmp(sb.res.report, "pagelab: ", 9));
	return 0;
}
