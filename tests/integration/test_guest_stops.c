// SPDX-License-Identifier: MIT
/*
 * The guest side of stops, with the real kernel: a program's
 * pagelab_checkpoint and PAGELAB_ASSERT (include/pagelab/guest.h) reach a
 * host program through libpagelab, one exit each, and `pagelab run
 * --checkpoints` prints them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>
#include <pagelab/inspect.h>

#include "common.h"

#define PROGRAMS "build/tests/"

struct guest {
	struct pl_sandbox *sb;
	struct pl_cpio *cpio;
	FILE *out, *report;
	char *out_text, *report_text;
	size_t out_len, report_len;
};

/* A sandbox running build/tests/PATH as /bin/NAME [ARG], its stdout and report captured. */
static void guest_start_arg(struct guest *g, const char *path, const char *arg)
{
	const char *name = strrchr(path, '/') + 1;
	char guest_path[64], err[256];
	const char *argv[] = { guest_path, arg, NULL };
	const void *data;
	size_t len;
	struct pl_config cfg = {
		.memory = 64 << 20,
		.kernel = guest_kernel(),
		.argv = argv,
		.no_stdin = true,
		.seccomp = PL_SECCOMP_OFF, /* cmocka goes on in this thread */
		.timeout_ms = 60000,
	};

	memset(g, 0, sizeof(*g));
	snprintf(guest_path, sizeof(guest_path), "/bin/%s", name);
	g->cpio = pl_cpio_new();
	assert_non_null(g->cpio);
	if (pl_cpio_add_host_file(g->cpio, guest_path, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(g->cpio, &data, &len), 0);
	g->out = open_memstream(&g->out_text, &g->out_len);
	g->report = open_memstream(&g->report_text, &g->report_len);
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	cfg.out = g->out;
	cfg.err = g->report;
	cfg.console = g->report;
	cfg.report = g->report;
	g->sb = pl_sandbox_create(&cfg);
	if (!g->sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
}

static void guest_start(struct guest *g, const char *path)
{
	guest_start_arg(g, path, NULL);
}

static void guest_end(struct guest *g)
{
	pl_sandbox_destroy(g->sb);
	pl_cpio_free(g->cpio);
	fclose(g->out);
	fclose(g->report);
	free(g->out_text);
	free(g->report_text);
}

static void step(struct guest *g, struct pl_stop *stop, enum pl_stop_kind want)
{
	int err = pl_sandbox_step(g->sb, stop);

	if (err)
		fail_msg("pl_sandbox_step: %d, %s", err, pl_error());
	if (stop->kind != want) {
		fflush(g->report);
		fail_msg("stop kind %d, expected %d; report:\n%s", stop->kind, want,
			 g->report_text);
	}
}

/*
 * The stop's frame is the process's at a checkpoint; its FPU state and
 * bases are published; values the guest's CPU would refuse are refused.
 */
static void look_at_state(struct guest *g)
{
	struct pl_user_regs regs, stop_regs;
	struct pl_user_fpregs fp, bad;
	uint32_t mxcsr;

	assert_int_equal(pl_process_regs(g->sb, 0, &regs), 0);
	assert_int_equal(pl_stop_regs(g->sb, &stop_regs), 0);
	assert_memory_equal(&regs, &stop_regs, sizeof(regs));
	stop_regs.rip = 0xffffffff80000000ULL; /* a kernel address in a user frame */
	assert_int_equal(pl_stop_set_regs(g->sb, &stop_regs), -EINVAL);
	assert_int_equal(pl_process_fpregs(g->sb, 0, &fp), 0);
	memcpy(&mxcsr, fp.fxsave + 24, 4);
	assert_int_equal(mxcsr, 0x1f80); /* the program's: all SSE exceptions masked */
	assert_true(fp.fs_base != 0);	 /* musl's thread pointer */
	assert_int_equal(pl_process_set_fpregs(g->sb, 0, &fp), 0); /* unchanged: accepted */
	bad = fp;
	bad.fxsave[27] = 0x80; /* a reserved MXCSR bit */
	assert_int_equal(pl_process_set_fpregs(g->sb, 0, &bad), -EINVAL);
	bad = fp;
	bad.fs_base = PL_USER_TOP;
	assert_int_equal(pl_process_set_fpregs(g->sb, 0, &bad), -EINVAL);
	assert_int_equal(pl_process_fpregs(g->sb, 4242, &fp), -ESRCH);
	assert_int_equal(pl_process_fpregs(g->sb, 0, &bad), 0);
	assert_memory_equal(&bad, &fp, sizeof(fp)); /* the refused writes left nothing */
}

/* At checkpoint 1 the buffer is mapped but not touched: nothing behind it yet. */
static void look_before_touch(struct guest *g, uint64_t buf)
{
	struct pl_gva_info info;
	struct pl_process procs[8];
	struct pl_user_regs regs;
	struct pl_vcpu_regs vregs;
	int n = pl_processes(g->sb, procs, 8);

	assert_int_equal(n, 1);
	assert_string_equal(procs[0].comm, "checkpoints");
	assert_int_equal(pl_gva_to_gpa(g->sb, 0, buf, NULL, &info), -EFAULT);
	has(pl_error(), "is not mapped in process");
	assert_int_equal(pl_gva_to_gpa(g->sb, 4242, buf, NULL, &info), -ESRCH);
	has(pl_error(), "no process 4242");
	assert_int_equal(pl_gva_to_gpa(g->sb, 0, 0x0000900000000000ULL, NULL, &info), -EINVAL);
	/* The registers of its system call: number, id, value. */
	assert_int_equal(pl_process_regs(g->sb, 0, &regs), 0);
	assert_true(regs.rax == PL_SYS_CHECKPOINT && regs.rdi == 1 && regs.rsi == buf);
	assert_true(regs.rip != 0 && regs.rip < PL_USER_TOP);
	regs.rip = PL_USER_TOP;
	assert_int_equal(pl_process_set_regs(g->sb, 0, &regs), -EINVAL);
	assert_int_equal(pl_vcpu_regs(g->sb, &vregs), 0);
	assert_true(vregs.cr3 != 0);
	assert_int_equal(pl_map_svg(g->sb, 4242, stdout), -ESRCH);
	look_at_state(g);
}

/* At checkpoint 2 every page is written: present, writable, dirty, and its bytes readable. */
static void look_after_touch(struct guest *g, uint64_t buf)
{
	static char data[4 * 4096];
	struct pl_gva_info info;
	struct pl_user_regs regs;
	uint64_t gpa, b = 0;
	char z = 'Z';

	for (int i = 0; i < 4; i++) {
		assert_int_equal(pl_gva_to_gpa(g->sb, 0, buf + i * 4096 + 5, &gpa, &info), 0);
		assert_true(info.present && info.writable && info.user && info.nx && info.dirty);
		assert_true(info.page_size == 4096 && gpa % 4096 == 5);
		assert_int_equal(info.memtype, PL_MT_WB);
		assert_int_equal(pl_gpa_read(g->sb, gpa, &b, 1), 0);
		assert_int_equal((char)b, 'a' + i);
	}
	/* Across the four pages at once, wherever they are physically. */
	assert_int_equal(pl_gva_read(g->sb, 0, buf, data, sizeof(data)), 0);
	for (int i = 0; i < 4; i++)
		assert_true(data[i * 4096] == 'a' + i && data[i * 4096 + 4095] == 'a' + i);
	/* The program sees the host's write when it resumes. */
	assert_int_equal(pl_gva_write(g->sb, 0, buf + 1, &z, 1), 0);
	/* Its code is read-only. */
	assert_int_equal(pl_process_regs(g->sb, 0, &regs), 0);
	assert_int_equal(pl_gva_write(g->sb, 0, regs.rip, &z, 1), -EACCES);
	assert_int_equal(pl_gva_read(g->sb, 0, regs.rip, &z, 1), 0);
}

static void test_checkpoints_reach_the_host(void **state)
{
	struct guest g;
	struct pl_stop stop;
	struct pl_result res;
	uint64_t buf, n;
	int pid;

	(void)state;
	guest_start(&g, PROGRAMS "guest/checkpoints");
	step(&g, &stop, PL_STOP_CHECKPOINT);
	assert_true(stop.id == 1);
	buf = stop.value;
	pid = stop.pid;
	assert_true(buf != 0 && buf < PL_USER_TOP && buf % 4096 == 0);
	assert_true(pid > 0);
	assert_true(stop.cr3 != 0 && stop.cr3 % 4096 == 0);
	look_before_touch(&g, buf);
	step(&g, &stop, PL_STOP_CHECKPOINT);
	assert_true(stop.id == 2 && stop.value == buf);
	assert_int_equal(stop.pid, pid);
	look_after_touch(&g, buf);
	step(&g, &stop, PL_STOP_CHECKPOINT);
	assert_true(stop.id == 3 && stop.value == 0);
	step(&g, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	pl_sandbox_result(g.sb, &res);
	assert_true(res.stops == 3);
	/* One exit per checkpoint: the one hypercall that reports it. */
	assert_int_equal(pl_result_counter(&res, "hypercall", "stop", &n), 0);
	assert_true(n == 3);
	fflush(g.out);
	/* 'Z': the host's write of buf[1] at checkpoint 2. */
	assert_string_equal(g.out_text, "1..4\nok 1 - checkpoint 1\nok 2 - checkpoint 2\n"
					"ok 3 - byte 1 is Z, last byte d\nok 4 - checkpoint 3\n");
	guest_end(&g);
}

/* pl_process_maps() at this stop against what the program printed since *seen. */
static void maps_match_printed(struct guest *g, size_t *seen, const char *before)
{
	char maps[16384], small[8];
	int n = pl_process_maps(g->sb, 0, maps, sizeof(maps));

	if (n < 0)
		fail_msg("pl_process_maps: %d, %s", n, pl_error());
	assert_true((size_t)n == strlen(maps));
	fflush(g->out);
	assert_true(strncmp(g->out_text + *seen, before, strlen(before)) == 0);
	assert_string_equal(g->out_text + *seen + strlen(before), maps);
	*seen = g->out_len;
	/* Too little room: the start of the text, terminated, and the length it needs. */
	assert_int_equal(pl_process_maps(g->sb, 0, small, sizeof(small)), n);
	assert_true(strlen(small) == sizeof(small) - 1 && strncmp(small, maps, 7) == 0);
}

static void test_maps_from_outside(void **state)
{
	struct guest g;
	struct pl_stop stop;
	size_t seen = 0, first;
	char maps[16384];

	(void)state;
	guest_start(&g, PROGRAMS "sandbox/maps_probe");
	step(&g, &stop, PL_STOP_CHECKPOINT);
	maps_match_printed(&g, &seen, "");
	has(g.out_text, " rw-p 00000000 00:00 0 \n"); /* anonymous memory */
	has(g.out_text, " r--s 00000000 00:01 ");     /* the file */
	has(g.out_text, "/tmp/before/data\n");
	has(g.out_text, "[phys contiguous]\n"); /* MAP_PHYS: the physical address as its offset */
	assert_int_equal(pl_process_maps(g.sb, 4242, maps, sizeof(maps)), -ESRCH);
	has(pl_error(), "no process 4242");
	/* The directory is renamed: the path the kernel remembered is stale. */
	first = seen;
	step(&g, &stop, PL_STOP_CHECKPOINT);
	maps_match_printed(&g, &seen, "--\n");
	has(g.out_text + first, "/tmp/after/data\n");
	assert_null(strstr(g.out_text + first, "/tmp/before"));
	first = seen;
	step(&g, &stop, PL_STOP_CHECKPOINT);
	maps_match_printed(&g, &seen, "--\n");
	has(g.out_text + first, "/tmp/after/data\n");
	step(&g, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	guest_end(&g);
}

/*
 * One section of maps_children's output ("== pid N buf 0xADDR", the maps,
 * "== end"): the pid, the address, and the maps text in a malloc'd string.
 */
static const char *next_section(const char *at, int *pid, uint64_t *buf, char **maps)
{
	const char *end;
	void *p = NULL;

	at = strstr(at, "== pid ");
	if (!at)
		return NULL;
	assert_true(sscanf(at, "== pid %d buf %p", pid, &p) >= 1);
	*buf = (uint64_t)(uintptr_t)p;
	at = strchr(at, '\n') + 1;
	end = strstr(at, "== end\n");
	assert_non_null(end);
	*maps = strndup(at, (size_t)(end - at));
	return end + 7;
}

/* Every live process's map at a stop, not only the stopping one's. */
static void test_maps_of_every_process(void **state)
{
	struct guest g;
	struct pl_stop stop;
	struct pl_process procs[8];
	const char *at;
	char *printed, got[16384], want[32];
	int pid, sections = 0, others = 0;
	uint64_t buf;

	(void)state;
	guest_start(&g, PROGRAMS "sandbox/maps_children");
	step(&g, &stop, PL_STOP_CHECKPOINT);
	assert_int_equal(pl_processes(g.sb, procs, 8), 4);
	fflush(g.out);
	for (at = g.out_text; (at = next_section(at, &pid, &buf, &printed)); sections++) {
		int n = pl_process_maps(g.sb, pid, got, sizeof(got));

		if (n < 0)
			fail_msg("pl_process_maps(%d): %d, %s", pid, n, pl_error());
		assert_string_equal(got, printed);
		free(printed);
		if (pid == stop.pid)
			continue;
		/* Each child's buffer, read through its own page tables. */
		others++;
		snprintf(want, sizeof(want), "child %d", pid);
		assert_int_equal(pl_gva_read(g.sb, pid, buf, got, strlen(want) + 1), 0);
		assert_string_equal(got, want);
	}
	assert_int_equal(sections, 4);
	assert_int_equal(others, 3);
	/* What differs between the children shows from outside. */
	has(g.out_text, " r--p 00000000 00:00 0 \n"); /* the mprotect split */
	has(g.out_text, "/tmp/child1\n");
	has(g.out_text, "[phys contiguous]\n");
	step(&g, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	guest_end(&g);
}

/* The step thread's output callback: pauses the guest at the child's line. */
static void pause_on_output(void *opaque, enum pl_stream stream, const char *buf, size_t len)
{
	struct pl_sandbox **sb = opaque;

	if (stream == PL_STREAM_STDOUT && len >= 8 && !memcmp(buf, "spinning", 8))
		pl_sandbox_interrupt(*sb);
}

/* A pause names the process the guest was running, here not the one of the last stop. */
static void test_pause_names_the_running_process(void **state)
{
	struct pl_sandbox *sb = NULL;
	struct pl_cpio *cpio = pl_cpio_new();
	FILE *devnull = fopen("/dev/null", "w");
	const char *argv[] = { "/bin/pause_child", NULL };
	struct pl_user_regs regs;
	struct pl_stop stop;
	const void *data;
	char err[256];
	size_t len;
	int child;
	struct pl_config cfg = {
		.memory = 64 << 20,
		.kernel = guest_kernel(),
		.argv = argv,
		.no_stdin = true,
		.seccomp = PL_SECCOMP_OFF,
		.timeout_ms = 60000,
		.output = pause_on_output,
		.output_opaque = &sb,
		.report = devnull,
	};

	(void)state;
	assert_non_null(cpio);
	assert_non_null(devnull);
	if (pl_cpio_add_host_file(cpio, argv[0], PROGRAMS "sandbox/pause_child", err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(cpio, &data, &len), 0);
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	sb = pl_sandbox_create(&cfg);
	assert_non_null(sb);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_CHECKPOINT);
	child = (int)stop.value;
	assert_true(child > 0 && child != stop.pid);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_PAUSE);
	assert_int_equal(stop.pid, child);
	/* No frame describes where a pause caught the vCPU; the child's saved one is there. */
	assert_int_equal(pl_stop_regs(sb, &regs), -ENOENT);
	assert_int_equal(pl_process_regs(sb, child, &regs), 0);
	assert_true(regs.rip != 0 && regs.rip < PL_USER_TOP);
	pl_sandbox_destroy(sb);
	pl_cpio_free(cpio);
	fclose(devnull);
}

/* Before any stop there is no process table to look at. */
static void test_no_table_before_a_stop(void **state)
{
	struct guest g;
	struct pl_process procs[1];

	(void)state;
	guest_start(&g, PROGRAMS "guest/checkpoints");
	assert_int_equal(pl_processes(g.sb, procs, 1), -ENOENT);
	assert_int_equal(pl_gva_to_gpa(g.sb, 1, 0x400000, NULL, NULL), -ENOENT);
	has(pl_error(), "no process table yet");
	assert_int_equal(pl_process_maps(g.sb, 0, NULL, 0), -ENOENT);
	assert_int_equal(pl_stop_regs(g.sb, &(struct pl_user_regs){ 0 }), -ENOENT);
	guest_end(&g);
}

static void test_failed_assertion_ends_the_run(void **state)
{
	struct guest g;
	struct pl_stop stop;

	(void)state;
	guest_start(&g, PROGRAMS "sandbox/assert_fail");
	step(&g, &stop, PL_STOP_ASSERT);
	has(stop.assertion.file, "assert_fail.c");
	assert_true(stop.assertion.line == 13);
	assert_string_equal(stop.assertion.expr, "four == 5");
	assert_int_equal(stop.assertion.nvalues, 2);
	assert_true(stop.assertion.a == 4 && stop.assertion.b == 5);
	assert_true(stop.pid > 0);
	step(&g, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, PL_EXIT_GUEST_ASSERT);
	fflush(g.out);
	fflush(g.report);
	/* What the program printed before the assertion came out first. */
	assert_string_equal(g.out_text, "before the assertion\n");
	has(g.report_text, "failed an assertion at tests/sandbox/assert_fail.c:13: four == 5 "
			   "(0x4 vs 0x5)");
	guest_end(&g);
}

static void test_cli_prints_checkpoints(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--checkpoints", "--stats", PROGRAMS "guest/checkpoints",
		    NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "ok 3 - byte 1 is a, last byte d\n");
	has(r.err, "pagelab: checkpoint 1 value ");
	has(r.err, "pagelab: checkpoint 2 value ");
	has(r.err, "pagelab: checkpoint 3 value 0 (0x0) pid ");
	has(r.err, ", stop 3"); /* --stats: the hypercall device's count */
	has(r.err, "; stops 3;");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--map-svg", "/dev/stdout", PROGRAMS "guest/checkpoints",
		    NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	has(r.out, "ram 255M, 0x100000-0xfffffff");
	has(r.out, "process 1 (checkpoints): ");
	has(r.out, " rw- 4K -&gt; 0x");
	has(r.out, "</svg>\n");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--stop-on-fault", PROGRAMS "guest/signal_death", "caught",
		    NULL);
	assert_int_equal(r.status, 139);
	has(r.out, "# caught signal 11 code 1 at 0x1008\n");
	has(r.err, "pagelab: fault pid 1 signal 11 code 1 addr 0x1008 rip 0x");
	has(r.err, "pagelab: fault pid 1 signal 11 code 1 addr 0x2010 rip 0x");
	run_free(&r);
	run_pagelab(&r, NULL, "run", PROGRAMS "sandbox/assert_fail", NULL);
	assert_int_equal(r.status, PL_EXIT_GUEST_ASSERT);
	has(r.err, "failed an assertion at tests/sandbox/assert_fail.c:13: four == 5");
	run_free(&r);
}

/* One PL_STOP_FAULT: a SIGSEGV from a page fault at addr, its RIP where the process stands. */
static void fault_seen(struct guest *g, struct pl_stop *stop, uint64_t addr)
{
	struct pl_user_regs regs;
	unsigned char insn;

	step(g, stop, PL_STOP_FAULT);
	assert_true(stop->pid > 0);
	assert_int_equal(stop->fault.signo, 11);
	assert_int_equal(stop->fault.code, 1); /* SEGV_MAPERR */
	assert_true(stop->fault.addr == addr);
	assert_int_equal(stop->fault.trapno, 14);
	assert_true(stop->fault.error & 4); /* from user mode */
	assert_int_equal(pl_process_regs(g->sb, 0, &regs), 0);
	assert_true(regs.rip == stop->fault.rip && regs.rip != 0 && regs.rip < PL_USER_TOP);
	/* The faulting instruction is there to read. */
	assert_int_equal(pl_gva_read(g->sb, 0, regs.rip, &insn, 1), 0);
}

static void test_faults_stop_before_their_signal(void **state)
{
	struct guest g;
	struct pl_stop stop;

	(void)state;
	guest_start_arg(&g, PROGRAMS "guest/signal_death", "caught");
	assert_int_equal(pl_sandbox_watch_faults(g.sb, true), 0);
	fault_seen(&g, &stop, 0x1008);
	/* Stopped before the signal: its handler has not run yet. */
	fflush(g.out);
	assert_null(strstr(g.out_text, "# caught"));
	fault_seen(&g, &stop, 0x2010);
	step(&g, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 139);
	assert_int_equal(pl_sandbox_watch_faults(g.sb, false), -EBUSY);
	fflush(g.out);
	assert_string_equal(g.out_text, "1..1\nok 1 - about to die by caught\n"
					"# caught signal 11 code 1 at 0x1008\n");
	guest_end(&g);
	/* Not watching: the same run, no stop on the way. */
	guest_start_arg(&g, PROGRAMS "guest/signal_death", "caught");
	step(&g, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 139);
	guest_end(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_checkpoints_reach_the_host, setup_kvm_kernel),
		cmocka_unit_test_setup(test_maps_from_outside, setup_kvm_kernel),
		cmocka_unit_test_setup(test_maps_of_every_process, setup_kvm_kernel),
		cmocka_unit_test_setup(test_pause_names_the_running_process, setup_kvm_kernel),
		cmocka_unit_test_setup(test_no_table_before_a_stop, setup_kvm_kernel),
		cmocka_unit_test_setup(test_failed_assertion_ends_the_run, setup_kvm_kernel),
		cmocka_unit_test_setup(test_cli_prints_checkpoints, setup_kvm_kernel),
		cmocka_unit_test_setup(test_faults_stop_before_their_signal, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
