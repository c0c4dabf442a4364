// SPDX-License-Identifier: MIT
/*
 * pagelab run's command line: the options, their help, and every check of
 * them that needs no file or device, so that bad usage is one line and
 * status 2 before anything is opened.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run_opts.h"

enum {
	OPT_KERNEL = 256,
	OPT_GDB,
	OPT_TIMEOUT,
	OPT_APPEND,
	OPT_VERSION,
	OPT_STATS,
	OPT_FILE,
	OPT_INITRD,
	OPT_TRACE,
	OPT_INIT,
	OPT_ISOLATE,
	OPT_SECCOMP,
	OPT_USER,
	OPT_TRACE_OUTPUT,
	OPT_ACCEL,
	OPT_CHECKPOINTS,
	OPT_DIRTY_LOG,
	OPT_TRAP,
	OPT_ACCESS_LOG,
	OPT_MAP_SVG,
	OPT_CORE_DIR,
	OPT_ROM,
	OPT_VGA,
	OPT_STOP_ON_FAULT
};

static const struct option long_opts[] = {
	{ "memory", required_argument, NULL, 'm' },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "verbose", no_argument, NULL, 'v' },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "checkpoints", no_argument, NULL, OPT_CHECKPOINTS },
	{ "stop-on-fault", no_argument, NULL, OPT_STOP_ON_FAULT },
	{ "dirty-log", required_argument, NULL, OPT_DIRTY_LOG },
	{ "trap", required_argument, NULL, OPT_TRAP },
	{ "access-log", required_argument, NULL, OPT_ACCESS_LOG },
	{ "map-svg", required_argument, NULL, OPT_MAP_SVG },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "trace-syscalls", optional_argument, NULL, OPT_TRACE },
	{ "trace-output", required_argument, NULL, OPT_TRACE_OUTPUT },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "isolate", no_argument, NULL, OPT_ISOLATE },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "user", required_argument, NULL, OPT_USER },
	{ "accel", required_argument, NULL, OPT_ACCEL },
	{ "core-dir", required_argument, NULL, OPT_CORE_DIR },
	{ "rom", required_argument, NULL, OPT_ROM },
	{ "vga", required_argument, NULL, OPT_VGA },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	fputs(
	    "usage: pagelab run [options] [PROGRAM [ARGS...]]\n"
	    "Boot the pagelab kernel in a KVM sandbox and run PROGRAM (a static x86-64\n"
	    "Linux executable, e.g. built with musl-gcc -static) as /bin/NAME in it.\n"
	    "Options end at PROGRAM or at '--'. The exit status is the program's, or\n"
	    "110 guest panic, 111 triple fault, 112 KVM error, 113 bad guest, 114 halted,\n"
	    "115 host failure, 117 failed PAGELAB_ASSERT, 124 timeout, 2 bad usage.\n"
	    "\n"
	    "  -m, --memory SIZE      guest memory in MiB, or with a B/K/M/G/T suffix\n"
	    "                         (default 256M; -m 512 = -m 512M, as for QEMU)\n"
	    "      --kernel FILE      guest kernel ELF (default: $PAGELAB_KERNEL, else the one\n"
	    "                         next to pagelab, else the installed one)\n"
	    "      --timeout SECONDS  stop the guest after this long (exit status 124)\n"
	    "      --append OPTIONS   kernel options, e.g. \"selftest=native\" or\n"
	    "                         \"fault_around_bytes=4096\"\n"
	    "  -v, --verbose          describe the setup; the kernel gets 'verbose'\n"
	    "      --trace-syscalls[=LIST]  the kernel traces the program's system calls\n"
	    "                         as strace does; LIST: names and classes as strace -e\n"
	    "                         trace= takes them, e.g. open,mmap,%%memory\n"
	    "      --trace-output FILE  write the trace to FILE instead of stderr\n"
	    "      --file HOST[:GUEST]  add a host file to the guest (default /BASENAME)\n"
	    "      --initrd FILE      use a prebuilt cpio (newc) archive as the root\n"
	    "      --stats[=json]     print exit counts, device counters and events on stderr\n"
	    "                         (json: as one JSON object on one line)\n"
	    "      --checkpoints      print each checkpoint the program reaches (pagelab/guest.h)\n"
	    "                         on stderr, with the time since the run began\n"
	    "      --stop-on-fault    print on stderr each fault a program takes that becomes\n"
	    "                         SIGSEGV, SIGBUS, SIGILL or SIGFPE, then go on\n"
	    "      --dirty-log FILE   write to FILE the guest-physical pages written in each\n"
	    "                         interval between checkpoints (one line per interval)\n"
	    "      --trap GPA:SIZE    trap every guest access to that guest-physical range\n"
	    "                         (page-aligned RAM, or in the device window); repeatable\n"
	    "      --access-log FILE  write the trapped accesses to FILE, one per line\n"
	    "      --map-svg FILE     draw the guest-physical map and the program's mappings\n"
	    "                         at its last checkpoint into FILE (SVG)\n"
	    "      --init             PID 1 is the kernel's init, which adopts and reaps\n"
	    "                         orphans; the program runs as its child, PID 2\n"
	    "      --isolate          on kvm_pvm hosts, keep the kernel out of the program's\n"
	    "                         page tables (costs a CR3 load per kernel entry; on\n"
	    "                         VMX/SVM the kernel is out of reach anyway)\n"
	    "      --seccomp=MODE     confine the VMM once set up: on (default: a forbidden\n"
	    "                         system call ends it, status 115), log (allow and log\n"
	    "                         such calls in the kernel log), off\n"
	    "      --user NAME        when started as root, become NAME once /dev/kvm and\n"
	    "                         the files are open\n"
	    "      --accel MODE       kvm, tcg (QEMU's emulator, from Debian's\n"
	    "                         qemu-system-x86: slower, no /dev/kvm needed) or\n"
	    "                         auto (default: KVM where /dev/kvm is usable, else\n"
	    "                         TCG with a note); --isolate, --seccomp, --user and\n"
	    "                         the options of stops, logs and traps need KVM\n"
	    "      --core-dir DIR     a process killed by SIGSEGV, SIGABRT, ... leaves an\n"
	    "                         ELF core file DIR/NAME.core (for gdb)\n"
	    "      --rom FILE         a ROM image (up to 64 KiB) at 0xF0000 instead of the\n"
	    "                         identification string\n"
	    "      --vga FILE         write the VGA text screen (80x25 at 0xB8000) to FILE\n"
	    "                         as text when the run ends\n"
	    "      --gdb PORT         wait for gdb on 127.0.0.1:PORT (0: any free port) before\n"
	    "                         the program's first instruction and let it debug the\n"
	    "                         program (implies --seccomp=off)\n"
	    "  -s                     --gdb 1234, as QEMU's -s\n"
	    "  -S                     wait for gdb before the first instruction (--gdb\n"
	    "                         always does; alone, it listens on 1234 as -s)\n"
	    "  -h, --help             this help\n"
	    "      --version          print the version\n",
	    stdout);
}

static int parse_timeout(const char *arg, uint64_t *ms)
{
	char *end;
	double s = strtod(arg, &end);

	if (end == arg || *end || !isfinite(s) || s <= 0 || s > MAX_TIMEOUT_S) {
		cli_error("invalid timeout '%s' (seconds, e.g. 10 or 0.5)", arg);
		return -1;
	}
	/* Round up: 1e-9 s is still a limit (it used to round to 0, no limit at all). */
	*ms = (uint64_t)(s * 1000);
	if ((double)*ms < s * 1000)
		(*ms)++;
	return 0;
}

/*
 * The options the guest kernel reads (guest/kernel/main.c, syscall.c): a
 * word outside this list would be ignored or, for selftest, end in a
 * panic, so it is refused here, before boot.
 */
static const char *const kernel_options[] = { "verbose",
					      "trace",
					      "isolate",
					      "selftest=native",
					      "selftest=fault",
					      "selftest=spin",
					      "selftest=floor",
					      "selftest=memtype",
					      "selftest=dma",
					      "selftest=thp",
					      "init",
					      "noinit",
					      "gdb",
					      "transparent_hugepage=always",
					      "transparent_hugepage=madvise",
					      "transparent_hugepage=never" };

/*
 * Numeric options: the tunables Linux keeps in debugfs (guest/mm/
 * fault_around.c, procmm.c), with the same ranges.
 */
static const struct {
	const char *name;
	unsigned long max;
} numeric_options[] = {
	{ "fault_around_bytes=", 2UL << 20 },
	{ "tlb_single_page_flush_ceiling=", 64 },
};

/* 1: a numeric option with a good value; 0: not one; -1: a bad value (reported). */
static int check_numeric_option(const char *w)
{
	for (size_t i = 0; i < sizeof(numeric_options) / sizeof(numeric_options[0]); i++) {
		size_t n = strlen(numeric_options[i].name);
		char *end;
		unsigned long v;

		if (strncmp(w, numeric_options[i].name, n))
			continue;
		errno = 0;
		v = strtoul(w + n, &end, 10);
		if (errno || end == w + n || *end || w[n] == '-' || v > numeric_options[i].max) {
			cli_error("--append %s: the value must be a whole number from 0 to %lu", w,
				  numeric_options[i].max);
			return -1;
		}
		return 1;
	}
	return 0;
}

static int check_kernel_options(const char *arg)
{
	char words[512], *save = NULL;

	snprintf(words, sizeof(words), "%s", arg);
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		bool known = false;
		char why[512];
		int numeric = check_numeric_option(w);

		if (numeric < 0)
			return -1;
		if (numeric)
			continue;

		if (!strncmp(w, "trace=", 6)) {
			if (pl_trace_filter_check(w + 6, why, sizeof(why)) == 0)
				continue;
			cli_error("--trace-syscalls: %s", why);
			return -1;
		}
		for (size_t i = 0; i < sizeof(kernel_options) / sizeof(kernel_options[0]); i++)
			known |= strcmp(w, kernel_options[i]) == 0;
		if (!known) {
			cli_error("unknown kernel option '%s' for --append (known: verbose, trace, "
				  "trace=LIST, isolate, init, noinit, gdb, "
				  "transparent_hugepage=always|madvise|never, "
				  "selftest=native|fault|spin|floor|memtype|dma|thp, "
				  "fault_around_bytes=N, "
				  "tlb_single_page_flush_ceiling=N)",
				  w);
			return -1;
		}
	}
	return 0;
}

static int parse_seccomp(const char *arg, enum pl_seccomp *mode)
{
	static const char *const names[] = {
		[PL_SECCOMP_ON] = "on", [PL_SECCOMP_LOG] = "log", [PL_SECCOMP_OFF] = "off"
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i])) {
			*mode = i;
			return 0;
		}
	cli_error("invalid --seccomp mode '%s' (on, log or off)", arg);
	return -1;
}

static int parse_trap(struct run_opts *o, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *end;
	uint64_t gpa, size;

	errno = 0;
	gpa = strtoull(arg, &end, 0);
	if (!colon || end != colon || errno || arg[0] == '-' || pl_parse_size(colon + 1, &size) ||
	    !size) {
		cli_error("invalid --trap '%s' (GPA:SIZE, e.g. 0x800000:4K)", arg);
		return -1;
	}
	if (o->ntraps == MAX_TRAPS) {
		cli_error("too many --trap options (at most %d)", MAX_TRAPS);
		return -1;
	}
	o->trap[o->ntraps].gpa = gpa;
	o->trap[o->ntraps++].size = size;
	return 0;
}

static int add_bootarg(struct run_opts *o, const char *arg)
{
	size_t n = strlen(o->bootargs);

	if (check_kernel_options(arg))
		return -1;
	if (n + 1 + strlen(arg) >= sizeof(o->bootargs)) {
		cli_error("kernel options are too long");
		return -1;
	}
	snprintf(o->bootargs + n, sizeof(o->bootargs) - n, "%s%s", n ? " " : "", arg);
	return 0;
}

/* --trace-syscalls[=LIST]: the kernel option "trace" or "trace=LIST", once. */
static int add_trace(struct run_opts *o, const char *list)
{
	char word[1024];

	if (strstr(o->bootargs, "trace")) {
		cli_error("--trace-syscalls: give it once (one LIST, names separated by commas)");
		return -1;
	}
	if (!list)
		return add_bootarg(o, "trace");
	if (strchr(list, ' ')) {
		cli_error("--trace-syscalls: separate the names in '%s' with commas", list);
		return -1;
	}
	snprintf(word, sizeof(word), "trace=%s", list);
	return add_bootarg(o, word);
}

static int bad_option(char **argv, int c)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		cli_error("run: option '%s' needs a value", arg);
	else if (optopt && optopt < 256)
		cli_error("run: unknown option '-%c' (see pagelab run --help)", optopt);
	else
		cli_error("run: unknown option '%s' (see pagelab run --help)", arg);
	return -1;
}

/* Notes the first option only the VMM honours: --accel tcg refuses it, auto keeps KVM. */
static int needs_kvm(struct run_opts *o, const char *option)
{
	if (!o->kvm_only)
		o->kvm_only = option;
	return 0;
}

/* --stats or --stats=text: the lines for people; --stats=json: one object for programs. */
static int parse_stats(const char *arg, struct run_opts *o)
{
	if (!arg || !strcmp(arg, "text")) {
		o->stats = STATS_TEXT;
	} else if (!strcmp(arg, "json")) {
		o->stats = STATS_JSON;
		return needs_kvm(o, "--stats=json");
	} else {
		cli_error("invalid --stats format '%s' (text or json)", arg);
		return -1;
	}
	return 0;
}

/* Returns 0 to go on, 1 when done (help/version), -1 on bad usage. */
/* --gdb PORT, -s, -S: the kernel stops before the program's first instruction. */
static int gdb_option(struct run_opts *o, const char *port)
{
	char *end;
	long v = port ? strtol(port, &end, 10) : 1234;

	if (port && (end == port || *end || v < 0 || v > 65535)) {
		cli_error("invalid --gdb port '%s' (0 to 65535)", port);
		return -1;
	}
	if (o->gdb_port < 0 && add_bootarg(o, "gdb"))
		return -1;
	if (port || o->gdb_port < 0)
		o->gdb_port = (int)v;
	return needs_kvm(o, port ? "--gdb" : "-s");
}

static int parse_one(struct run_opts *o, int c, char **argv)
{
	switch (c) {
	case 'm':
		return cli_parse_memory(optarg, &o->memory);
	case OPT_KERNEL:
		o->kernel = optarg;
		return 0;
	case OPT_TIMEOUT:
		return parse_timeout(optarg, &o->timeout_ms);
	case OPT_APPEND:
		return add_bootarg(o, optarg);
	case 'v':
		o->verbose = true;
		return add_bootarg(o, "verbose");
	case OPT_TRACE:
		return add_trace(o, optarg);
	case OPT_TRACE_OUTPUT:
		o->trace_output = optarg;
		return 0;
	case OPT_INIT:
		return add_bootarg(o, "init");
	case OPT_ISOLATE:
		needs_kvm(o, "--isolate");
		return add_bootarg(o, "isolate");
	case OPT_ACCEL:
		return accel_parse(optarg, &o->accel);
	case OPT_STATS:
		return parse_stats(optarg, o);
	case OPT_CHECKPOINTS:
		o->checkpoints = true;
		return needs_kvm(o, "--checkpoints");
	case OPT_STOP_ON_FAULT:
		o->stop_on_fault = true;
		return needs_kvm(o, "--stop-on-fault");
	case OPT_DIRTY_LOG:
		o->dirty_log = optarg;
		return needs_kvm(o, "--dirty-log");
	case OPT_TRAP:
		return parse_trap(o, optarg) ? -1 : needs_kvm(o, "--trap");
	case OPT_ACCESS_LOG:
		o->access_log = optarg;
		return needs_kvm(o, "--access-log");
	case OPT_MAP_SVG:
		o->map_svg = optarg;
		return needs_kvm(o, "--map-svg");
	case OPT_SECCOMP:
		needs_kvm(o, "--seccomp");
		o->seccomp_given = true;
		return parse_seccomp(optarg, &o->seccomp);
	case OPT_USER:
		o->user = optarg;
		return needs_kvm(o, "--user");
	case OPT_CORE_DIR:
		o->core_dir = optarg;
		return needs_kvm(o, "--core-dir");
	case OPT_ROM:
		o->rom = optarg;
		return needs_kvm(o, "--rom");
	case OPT_VGA:
		o->vga = optarg;
		return needs_kvm(o, "--vga");
	case OPT_FILE:
		if (o->rd.nfiles == MAX_FILES) {
			cli_error("too many --file options (at most %d)", MAX_FILES);
			return -1;
		}
		o->files[o->rd.nfiles++] = optarg;
		return 0;
	case OPT_INITRD:
		o->rd.prebuilt = optarg;
		return 0;
	case OPT_GDB:
	case 's':
	case 'S':
		return gdb_option(o, c == OPT_GDB ? optarg : NULL);
	case 'h':
		help();
		return 1;
	case OPT_VERSION:
		printf("pagelab %s\n", PAGELAB_VERSION);
		return 1;
	default:
		return bad_option(argv, c);
	}
}

static int parse(struct run_opts *o, int argc, char **argv)
{
	int c, r;

	o->memory = PL_DEFAULT_MEMORY;
	o->rd.files = o->files;
	optind = 1;
	opterr = 0;
	/* '+': stop at PROGRAM, whose own options are its business. */
	o->gdb_port = -1;
	while ((c = getopt_long(argc, argv, "+:m:vhsS", long_opts, NULL)) != -1)
		if ((r = parse_one(o, c, argv)) != 0)
			return r;
	if (optind < argc) {
		o->prog_argv = argv + optind;
		o->rd.program = argv[optind];
	}
	return 0;
}

/* gdb's socket is outside what the seccomp filter allows; the logs are written between stops gdb owns. */
static int gdb_check(struct run_opts *o)
{
	if (o->seccomp_given && o->seccomp != PL_SECCOMP_OFF) {
		cli_error("--gdb needs --seccomp=off (its default)");
		return -1;
	}
	if (o->checkpoints || o->stop_on_fault || o->dirty_log || o->access_log || o->map_svg) {
		cli_error(
		    "--gdb cannot be combined with --checkpoints, --stop-on-fault, --dirty-log, "
		    "--access-log or --map-svg");
		return -1;
	}
	o->seccomp = PL_SECCOMP_OFF;
	return 0;
}

int run_opts_parse(struct run_opts *o, int argc, char **argv)
{
	int r = parse(o, argc, argv);

	if (r)
		return r;
	if (o->trace_output && !strstr(o->bootargs, "trace") && add_trace(o, NULL))
		return -1;
	if (o->gdb_port >= 0 && gdb_check(o))
		return -1;
	return 0;
}
