// SPDX-License-Identifier: MIT
/*
 * Choosing the accelerator, and QEMU as a child process: its command line
 * (the PVH entry, COM1 and COM2 on sockets this runner owns, isa-debug-exit
 * at pagelab's exit port) and the kernel command line that carries the run.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <pagelab/abi.h>
#include <pagelab/serial_abi.h>

#include "cli.h"
#include "elfload.h"
#include "tcg.h"

#define CMDLINE_MAX		 (64 * 1024)
#define XEN_ELFNOTE_PHYS32_ENTRY 18
/* The fds QEMU finds its sockets and the initramfs at. */
#define CHILD_CON_FD	3
#define CHILD_HC_FD	4
#define CHILD_INITRD_FD 5

int accel_parse(const char *arg, enum accel *accel)
{
	static const char *const names[] = {
		[ACCEL_AUTO] = "auto", [ACCEL_KVM] = "kvm", [ACCEL_TCG] = "tcg"
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i])) {
			*accel = i;
			return 0;
		}
	cli_error("invalid --accel '%s' (auto, kvm or tcg)", arg);
	return -1;
}

bool accel_kvm_usable(char *reason, size_t len)
{
	const char *dev = getenv("PAGELAB_KVM_DEVICE");
	int fd, version;

	if (!dev || !dev[0])
		dev = "/dev/kvm";
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		snprintf(reason, len,
			 "no permission to open %s: add yourself to its group (sudo usermod -aG "
			 "kvm $USER, then log in again)",
			 dev);
		return false;
	}
	if (fd < 0) {
		snprintf(reason, len, "%s: %s", dev, strerror(errno));
		return false;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (version != KVM_API_VERSION) {
		snprintf(reason, len, "%s does not answer as KVM (API version %d)", dev, version);
		return false;
	}
	return true;
}

int accel_choose(enum accel requested, const char *kvm_only, enum accel *out)
{
	char why[300];

	*out = requested;
	if (requested == ACCEL_KVM)
		return 0;
	if (requested == ACCEL_TCG && kvm_only) {
		cli_error("%s needs KVM: it cannot be used with --accel tcg", kvm_only);
		return -1;
	}
	/* An option only the VMM honours keeps auto on KVM, whose errors then say why not. */
	if (requested == ACCEL_AUTO && (kvm_only || accel_kvm_usable(why, sizeof(why)))) {
		*out = ACCEL_KVM;
		return 0;
	}
	if (requested == ACCEL_AUTO)
		fprintf(stderr,
			"pagelab: KVM is not usable (%s): running under QEMU's TCG emulator, "
			"slower\n",
			why);
	*out = ACCEL_TCG;
	return 0;
}

bool accel_find_qemu(char *path, size_t len)
{
	const char *env = getenv("PAGELAB_QEMU"), *dirs = getenv("PATH");
	char *copy, *save = NULL;
	bool found = false;

	if (env && env[0]) {
		snprintf(path, len, "%s", env);
		return access(path, X_OK) == 0;
	}
	copy = strdup(dirs && dirs[0] ? dirs : "/usr/bin:/bin");
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/qemu-system-x86_64", d);
		found = access(path, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* Whether a PT_NOTE segment holds the Xen note with the PVH entry. */
static bool has_pvh_note(const struct pl_kernel_image *img, const Elf64_Phdr *ph)
{
	const uint8_t *p = img->data + ph->p_offset;
	uint64_t left = ph->p_filesz;

	while (left >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr n;
		uint64_t desc, next;

		memcpy(&n, p, sizeof(n));
		desc = (sizeof(n) + (uint64_t)n.n_namesz + 3) & ~3ULL;
		next = (desc + n.n_descsz + 3) & ~3ULL;
		if (desc > left || n.n_descsz > left - desc)
			return false;
		if (n.n_type == XEN_ELFNOTE_PHYS32_ENTRY && n.n_namesz == 4 &&
		    !memcmp(p + sizeof(n), "Xen", 4))
			return true;
		if (next >= left)
			break;
		p += next;
		left -= next;
	}
	return false;
}

/*
 * The VMM's checks of the kernel file (a pagelab kernel of this ABI), and
 * the PVH entry QEMU needs: the same one line and status 2 as under KVM.
 */
int tcg_check_kernel(const char *path)
{
	struct pl_kernel_image img;
	const Elf64_Ehdr *eh;
	bool found = false;

	if (pl_elf_read(path, &img)) {
		cli_error("%s", pl_error());
		return -1;
	}
	eh = (const Elf64_Ehdr *)img.data;
	for (unsigned i = 0; i < eh->e_phnum && !found; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img.data + eh->e_phoff) + i;

		found = ph->p_type == PT_NOTE && has_pvh_note(&img, ph);
	}
	pl_elf_free(&img);
	if (!found)
		cli_error("kernel %s has no PVH entry (ELF note Xen, type %d): QEMU cannot boot "
			  "it; --accel tcg needs a pagelab kernel with guest/arch/pvh_entry.S",
			  path, XEN_ELFNOTE_PHYS32_ENTRY);
	return found ? 0 : -1;
}

bool tcg_encode_word(const char *prefix, const char *s, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "%s", prefix);

	for (; *s && n + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > ' ' && c < 0x7f && c != '%')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, len - n, "%%%02X", c);
	}
	out[n] = '\0';
	return !*s && n < len;
}

/*
 * Under TCG the guest's TSC is the host's (QEMU reads it for rdtsc), so
 * its rate is measured here, against CLOCK_MONOTONIC, over 20 ms.
 */
static uint64_t host_tsc_khz(void)
{
	struct timespec a, b, pause = { 0, 20000000 };
	uint64_t t0, t1, ns;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = __rdtsc();
	nanosleep(&pause, NULL);
	t1 = __rdtsc();
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000ULL + (uint64_t)b.tv_nsec -
	     (uint64_t)a.tv_nsec;
	return ns ? (t1 - t0) * 1000000ULL / ns : 0;
}

static bool append_word(char *cmd, size_t *n, const char *prefix, const char *s)
{
	char word[8192];

	if (!tcg_encode_word(prefix, s, word, sizeof(word)) || *n + strlen(word) + 2 >= CMDLINE_MAX)
		return false;
	*n += (size_t)snprintf(cmd + *n, CMDLINE_MAX - *n, "%s%s", *n ? " " : "", word);
	return true;
}

/* Whether a string list fits what the kernel keeps of it (pvh_fdt.c). */
static bool fits_kernel(const char *const *v)
{
	size_t total = 0;

	for (; v && *v; v++)
		total += strlen(*v) + 1;
	return total < PL_PVH_STRINGS_MAX - 1;
}

/* The run as PVH command-line words (include/pagelab/serial_abi.h). */
static char *kernel_cmdline(const struct tcg_params *p)
{
	char *cmd = malloc(CMDLINE_MAX), num[32];
	struct timespec now;
	size_t n = 0;
	bool ok = fits_kernel(p->argv) && fits_kernel(p->argv ? p->envp : NULL);

	if (!cmd) {
		cli_error("no memory for the kernel command line");
		return NULL;
	}
	cmd[0] = '\0';
	if (p->bootargs && p->bootargs[0])
		n = (size_t)snprintf(cmd, CMDLINE_MAX, "%s", p->bootargs);
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)host_tsc_khz());
	ok &= append_word(cmd, &n, PL_PVH_ARG_TSC_KHZ, num);
	snprintf(num, sizeof(num), "%llu",
		 (unsigned long long)now.tv_sec * 1000000000ULL + (unsigned long long)now.tv_nsec);
	ok &= append_word(cmd, &n, PL_PVH_ARG_EPOCH, num);
	for (const char *const *a = p->argv; a && *a && ok; a++)
		ok &= append_word(cmd, &n, PL_PVH_ARG_ARGV, *a);
	for (const char *const *e = p->envp; p->argv && e && *e && ok; e++)
		ok &= append_word(cmd, &n, PL_PVH_ARG_ENVP, *e);
	if (!ok) {
		cli_error("the program's arguments are too long for --accel tcg (at most %d "
			  "bytes, or %d once encoded)",
			  PL_PVH_STRINGS_MAX - 2, CMDLINE_MAX);
		free(cmd);
		return NULL;
	}
	return cmd;
}

static int initrd_memfd(const struct tcg_params *p)
{
	int fd = memfd_create("pagelab-initramfs", MFD_CLOEXEC);
	const char *d = p->initrd;
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < p->initrd_size) {
		ssize_t w = write(fd, d + done, p->initrd_size - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	return fd;
}

/* Moves fd to want in the child (where nothing else matters any more). */
static void child_fd(int fd, int want)
{
	if (fd != want)
		dup2(fd, want);
	fcntl(want, F_SETFD, 0);
}

static __attribute__((noreturn)) void child(const char *qemu, char **argv, const int fds[4],
					    pid_t parent)
{
	int hi[4], null = open("/dev/null", O_RDONLY);

	/*
	 * QEMU must not outlive pagelab (killed, say, by a test's time limit):
	 * its guest would poll COM2 for an answer forever.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	/* Out of the way of 0..5 first, so that no dup2 overwrites another. */
	for (int i = 0; i < 4; i++)
		hi[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD, 10) : -1;
	dup2(null, 0);
	child_fd(hi[3], 1);
	child_fd(hi[3], 2);
	child_fd(hi[0], CHILD_CON_FD);
	child_fd(hi[1], CHILD_HC_FD);
	if (hi[2] >= 0)
		child_fd(hi[2], CHILD_INITRD_FD);
	close_range(CHILD_INITRD_FD + 1, ~0U, 0);
	execv(qemu, argv);
	fprintf(stderr, "cannot run %s: %s\n", qemu, strerror(errno));
	_exit(127);
}

/* Fixed but for the memory, the kernel and its command line. */
static void qemu_argv(const char *qemu, const struct tcg_params *p, char *cmdline, char *mem,
		      size_t mem_len, const char **argv)
{
	const char *fixed[] = { "-accel",
				"tcg",
				"-cpu",
				"max",
				"-smp",
				"1",
				"-m",
				mem,
				"-nodefaults",
				"-no-user-config",
				"-display",
				"none",
				"-no-reboot",
				"-chardev",
				"socket,id=plcon,fd=3",
				"-chardev",
				"socket,id=plhc,fd=4",
				"-serial",
				"chardev:plcon",
				"-serial",
				"chardev:plhc",
				"-device",
				"isa-debug-exit,iobase=0x504,iosize=4",
				"-kernel",
				p->kernel,
				"-append",
				cmdline,
				NULL };
	int n = 0;

	snprintf(mem, mem_len, "%lluM", (unsigned long long)((p->memory + (1 << 20) - 1) >> 20));
	argv[n++] = qemu;
	for (int i = 0; fixed[i]; i++)
		argv[n++] = fixed[i];
	if (p->initrd_size) {
		argv[n++] = "-initrd";
		argv[n++] = "/proc/self/fd/5";
	}
	argv[n] = NULL;
}

static int socket_pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
}

int tcg_spawn(const char *qemu, const struct tcg_params *p, struct tcg_child *c)
{
	int con[2] = { -1, -1 }, hc[2] = { -1, -1 }, err[2] = { -1, -1 }, rd = -1, fds[4];
	const char *argv[40];
	char mem[32], *cmdline = kernel_cmdline(p);
	pid_t parent;
	int r = -1;

	if (!cmdline)
		return -2;
	if (socket_pair(con) || socket_pair(hc) || pipe2(err, O_CLOEXEC) ||
	    (p->initrd_size && (rd = initrd_memfd(p)) < 0)) {
		cli_error("cannot set up QEMU's devices: %s", strerror(errno));
		goto out;
	}
	qemu_argv(qemu, p, cmdline, mem, sizeof(mem), argv);
	fds[0] = con[1];
	fds[1] = hc[1];
	fds[2] = rd;
	fds[3] = err[1];
	fflush(NULL);
	parent = getpid();
	c->pid = fork();
	if (c->pid < 0) {
		cli_error("cannot start QEMU: %s", strerror(errno));
		goto out;
	}
	if (c->pid == 0)
		child(qemu, (char **)argv, fds, parent);
	c->console_fd = con[0];
	c->hc_fd = hc[0];
	c->err_fd = err[0];
	con[0] = hc[0] = err[0] = -1;
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (con[i] >= 0)
			close(con[i]);
		if (hc[i] >= 0)
			close(hc[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (rd >= 0)
		close(rd);
	free(cmdline);
	return r;
}
