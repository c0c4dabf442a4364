// SPDX-License-Identifier: MIT
/* pagelab info [-m SIZE]: the guest's memory map and what this host's KVM offers. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include <pagelab/hostlib.h>

#include "cli.h"
#include "tcg.h"

static const struct option long_opts[] = {
	{ "memory", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int print_kvm(void)
{
	struct pl_kvm_cap caps[32];
	const char *module;
	int n = pl_kvm_caps(caps, sizeof(caps) / sizeof(caps[0]), &module);

	if (n < 0) {
		cli_error("%s", pl_error());
		return PL_EXIT_USAGE;
	}
	printf("KVM on this host (module %s):\n", module);
	for (int i = 0; i < n; i++) {
		char v[24];

		snprintf(v, sizeof(v), "%ld", caps[i].value);
		printf("  %-28s %-6s %s\n", caps[i].name,
		       caps[i].value == 1 ? "yes"
		       : caps[i].value	  ? v
					  : "no",
		       caps[i].use);
	}
	return 0;
}

/* Which --accel modes can run here; true when KVM's capabilities can be listed. */
static bool print_accels(void)
{
	char why[300], qemu[4096];
	bool kvm = accel_kvm_usable(why, sizeof(why));

	printf("accelerators (pagelab run --accel):\n");
	printf("  kvm  %s%s\n", kvm ? "usable" : "not usable: ", kvm ? "" : why);
	if (accel_find_qemu(qemu, sizeof(qemu)))
		printf("  tcg  usable: %s\n", qemu);
	else
		printf(
		    "  tcg  not usable: no qemu-system-x86_64 (Debian package qemu-system-x86)\n");
	return kvm;
}

/* What the page tables' memory types do on this host: KVM's promise and a measurement. */
static void print_memtype(void)
{
	char kernel[PATH_MAX];
	struct pl_memtype_report m;

	printf("Guest memory types (PAT, PCD/PWT):\n");
	if (cli_find_kernel_quiet(kernel, sizeof(kernel)) || pl_memtype_probe(kernel, &m)) {
		printf("  not measured: %s\n", cli_find_kernel_quiet(kernel, sizeof(kernel))
						   ? "no guest kernel found"
						   : pl_error());
		return;
	}
	printf("  KVM_X86_QUIRK_IGNORE_GUEST_PAT %s\n",
	       m.pat_quirk_offered ? "offered and turned off: KVM honours guest PAT"
				   : "not offered: KVM maps guest RAM write-back whatever "
				     "the guest asks");
	printf("  measured: %.3f ns per cached load, %.3f ns per uncached load: "
	       "uncached/cached %.2f\n",
	       m.cached_ps / 1e3, m.uncached_ps / 1e3, (double)m.uncached_ps / m.cached_ps);
	printf("  %s\n", m.uncached_ps > 2 * m.cached_ps
			     ? "uncached mappings are uncached here"
			     : "uncached mappings behave as cached here");
}

int cmd_info(int argc, char **argv)
{
	uint64_t memory = PL_DEFAULT_MEMORY;
	struct pl_memmap map;
	char sz[32];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:m:h", long_opts, NULL)) != -1) {
		if (c == 'm') {
			if (cli_parse_memory(optarg, &memory))
				return PL_EXIT_USAGE;
		} else if (c == 'h') {
			puts("usage: pagelab info [-m SIZE]\n"
			     "Print the guest-physical memory map for SIZE (MiB, or with a "
			     "B/K/M/G/T\n"
			     "suffix; default 256M), the accelerators usable here (kvm, tcg) and\n"
			     "the KVM capabilities this host offers.");
			return 0;
		} else {
			cli_error("info: %s '%s' (see pagelab info --help)",
				  c == ':' ? "option needs a value:" : "unknown option",
				  argv[optind - 1]);
			return PL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("info: unexpected argument '%s'", argv[optind]);
		return PL_EXIT_USAGE;
	}
	if (pl_memmap(memory, &map)) {
		cli_error("%s", pl_error());
		return PL_EXIT_USAGE;
	}
	printf("pagelab %s: guest-physical memory map for -m %s\n", PAGELAB_VERSION,
	       pl_format_size(memory, sz, sizeof(sz)));
	pl_memmap_print(&map, stdout);
	if (!print_accels())
		return 0;
	if ((c = print_kvm()) != 0)
		return c;
	print_memtype();
	return 0;
}
