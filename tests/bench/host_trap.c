// SPDX-License-Identifier: MIT
/*
 * host_trap KERNEL: what a trapped access costs, beside a bare MMIO exit.
 * Prints
 *   trap_ns N        one access to a trapped page (the trapmem test kernel's
 *                    70,004 accesses, less the same run without the trap)
 *   mmio_floor_ns N  one MMIO exit with nothing done: a real-mode guest on
 *                    raw KVM writing to an address outside its memory, the
 *                    host going straight back in
 * each the median of a few runs. KERNEL is build/tests/fixtures/trapmem.elf.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pagelab/hostlib.h>

#define RUNS	 7
#define ACCESSES 70004
#define FLOOR_N	 60000
#define MEM_SIZE 0x4000
#define CODE	 0x1000
#define TRAP	 0x800000ULL

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The run's time inside the library, with or without the trap. */
static double pagelab_run_ns(const char *kernel, bool trap)
{
	FILE *quiet = fopen("/dev/null", "w");
	struct pl_config cfg = { .memory = 16 << 20,
				 .kernel = kernel,
				 .console = quiet,
				 .report = quiet,
				 .no_stdin = true,
				 .seccomp = PL_SECCOMP_OFF };
	struct pl_sandbox *sb = pl_sandbox_create(&cfg);
	struct pl_result res;

	if (!sb || (trap && pl_sandbox_add_trap(sb, TRAP, 4096, NULL, NULL)) ||
	    pl_sandbox_run(sb, &res) != 0x42) {
		fprintf(stderr, "host_trap: %s\n", pl_error());
		exit(1);
	}
	pl_sandbox_destroy(sb);
	fclose(quiet);
	return (double)res.run_ns;
}

static int fail(const char *what)
{
	perror(what);
	exit(1);
}

/* Real mode: mov cx, N; 1: mov [0x8000], ax; loop 1b; hlt. 0x8000 has no memory. */
static double floor_ns(void)
{
	static const unsigned char code[] = { 0xb9, FLOOR_N & 0xff, FLOOR_N >> 8, 0xa3, 0x00,
					      0x80, 0xe2,	    0xfb,	  0xf4 };
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };
	struct kvm_regs regs = { .rip = CODE, .rflags = 2 };
	struct kvm_sregs sregs;
	struct kvm_run *run;
	unsigned long exits = 0;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, vcpu, size;
	unsigned char *mem;
	double t0;

	if (kvm < 0 || (vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
		fail("KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap");
	memcpy(mem + CODE, code, sizeof(code));
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0 ||
	    (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 ||
	    (size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0)
		fail("KVM setup");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		fail("kvm_run");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		fail("KVM_SET_SREGS/REGS");
	t0 = now_ns();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			fail("KVM_RUN");
		if (run->exit_reason != KVM_EXIT_MMIO)
			break;
		exits++;
	}
	t0 = now_ns() - t0;
	if (run->exit_reason != KVM_EXIT_HLT || exits != FLOOR_N) {
		fprintf(stderr, "host_trap: floor guest ended with %u after %lu exits\n",
			run->exit_reason, exits);
		exit(1);
	}
	munmap(run, size);
	munmap(mem, MEM_SIZE);
	close(vcpu);
	close(vm);
	close(kvm);
	return t0 / FLOOR_N;
}

int main(int argc, char **argv)
{
	double trap[RUNS], fl[RUNS];

	if (argc != 2) {
		fprintf(stderr, "usage: host_trap TRAPMEM_KERNEL\n");
		return 2;
	}
	for (int i = 0; i < RUNS; i++) {
		double with = pagelab_run_ns(argv[1], true),
		       without = pagelab_run_ns(argv[1], false);

		trap[i] = (with - without) / ACCESSES;
		fl[i] = floor_ns();
	}
	qsort(trap, RUNS, sizeof(double), cmp);
	qsort(fl, RUNS, sizeof(double), cmp);
	printf("trap_ns %.1f\nmmio_floor_ns %.1f\n", trap[RUNS / 2], fl[RUNS / 2]);
	return 0;
}
