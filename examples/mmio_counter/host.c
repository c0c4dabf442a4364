// SPDX-License-Identifier: MIT
/*
 * examples/mmio_counter: a device of the host program's own, driven by a
 * user-space driver in the guest. The device is a counter with four 64-bit
 * registers in one page of the device window; the guest program maps that
 * page with QNX's mmap_device_memory() (MAP_PHYS of the window) and every
 * load or store it makes there exits to this program's callbacks.
 *
 *	host KERNEL GUEST_PROGRAM
 *
 *	0x00 VALUE  read: the count; write: set it
 *	0x08 STEP   write: what TICK adds
 *	0x10 TICK   write: VALUE += STEP
 *	0x18 READS  read: how many reads of VALUE so far
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#define COUNTER_BASE (PL_MMIO_BASE + 0x100000)

enum { REG_VALUE = 0x00, REG_STEP = 0x08, REG_TICK = 0x10, REG_READS = 0x18 };

struct counter {
	uint64_t value, step, reads;
};

/*
 * A register is read or written whole (the callback returns the bytes it
 * handled); any other size is the guest driver's error, a bus error for it.
 */
static int counter_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
			unsigned len)
{
	struct counter *c = dev->opaque;
	uint64_t v;

	(void)window;
	if (len != 8)
		return -EINVAL;
	if (offset == REG_VALUE) {
		v = c->value;
		c->reads++;
	} else if (offset == REG_READS) {
		v = c->reads;
	} else {
		v = 0;
	}
	memcpy(data, &v, 8);
	return 8;
}

static int counter_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
			 unsigned len)
{
	struct counter *c = dev->opaque;
	uint64_t v;

	(void)window;
	if (len != 8)
		return -EINVAL;
	memcpy(&v, data, 8);
	if (offset == REG_VALUE)
		c->value = v;
	else if (offset == REG_STEP)
		c->step = v;
	else if (offset == REG_TICK)
		c->value += c->step;
	return 8;
}

static struct pl_sandbox *create(const char *kernel, const char *program, struct pl_cpio *c)
{
	char base[32];
	const char *argv[] = { "/bin/counter_driver", base, NULL };
	struct pl_config cfg = { .memory = 64 << 20, .kernel = kernel, .argv = argv };
	const void *data;
	size_t len;
	char err[256];

	snprintf(base, sizeof(base), "0x%llx", (unsigned long long)COUNTER_BASE);
	if (pl_cpio_add_host_file(c, argv[0], program, err, sizeof(err)) ||
	    pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "mmio_counter: %s\n", err);
		return NULL;
	}
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	return pl_sandbox_create(&cfg);
}

int main(int argc, char **argv)
{
	static struct counter state;
	static struct pl_device dev = {
		.name = "counter",
		.compatible = "pagelab,example-counter",
		.window = { { PL_SPACE_MMIO, COUNTER_BASE, 0x1000 } },
		.nwindows = 1,
		.read = counter_read,
		.write = counter_write,
		.opaque = &state,
	};
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_result res;
	int status;

	if (argc != 3 || !c) {
		fprintf(stderr, "usage: %s KERNEL GUEST_PROGRAM\n", argv[0]);
		return 2;
	}
	sb = create(argv[1], argv[2], c);
	if (!sb || pl_sandbox_add_device(sb, &dev)) {
		fprintf(stderr, "mmio_counter: %s\n", pl_error());
		return 1;
	}
	fflush(stdout);
	status = pl_sandbox_run(sb, &res);
	printf("host: the counter device saw %" PRIu64 " reads and %" PRIu64
	       " writes; its value is %" PRIu64 "\n",
	       dev.reads, dev.writes, state.value);
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	return status;
}
