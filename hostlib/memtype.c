// SPDX-License-Identifier: MIT
/*
 * Does this host honour the memory types in a guest's page tables? KVM's
 * answer (KVM_X86_QUIRK_IGNORE_GUEST_PAT offered or not) says what it
 * promises; a tiny run of the kernel's selftest=memtype measures what
 * happens: loads through a write-back leaf against loads through an
 * uncached (PCD|PWT) one.
 *
 * The run is confined by seccomp like any other, and the filter stays with
 * its thread, so it runs in a thread of its own: the caller's thread can
 * go on creating sandboxes.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "error.h"
#include "kvmvm.h"
#include "sandbox.h"

struct probe {
	const char *kernel;
	struct pl_memtype_report *out;
	int status;
	char error[256];
};

static void *probe_thread(void *arg)
{
	struct probe *p = arg;
	struct pl_config cfg = { .memory = 16 << 20,
				 .kernel = p->kernel,
				 .bootargs = "selftest=memtype",
				 .no_stdin = true };
	struct pl_sandbox *sb;
	struct pl_result res;
	FILE *quiet = fopen("/dev/null", "w");

	cfg.console = cfg.out = cfg.err = cfg.report = quiet;
	sb = quiet ? pl_sandbox_create(&cfg) : NULL;
	p->status = -1;
	if (sb && pl_sandbox_run(sb, &res) == 0) {
		for (size_t i = 0; i < res.nevents; i++) {
			if (res.events[i].kind == PL_EVENT_PROBE_CACHED_PS)
				p->out->cached_ps = res.events[i].value;
			if (res.events[i].kind == PL_EVENT_PROBE_UNCACHED_PS)
				p->out->uncached_ps = res.events[i].value;
		}
		p->status = p->out->cached_ps && p->out->uncached_ps ? 0 : -1;
		if (p->status)
			snprintf(p->error, sizeof(p->error), "the kernel reported no measurement");
	} else {
		snprintf(p->error, sizeof(p->error), "%s",
			 sb ? "the memtype self-test failed" : pl_error());
	}
	pl_sandbox_destroy(sb);
	if (quiet)
		fclose(quiet);
	return NULL;
}

static bool quirk_offered(void)
{
	int sys = pl_kvm_open_dev(), vm = -1;
	bool offered = false;

	if (sys >= 0) {
		do
			vm = ioctl(sys, KVM_CREATE_VM, 0);
		while (vm < 0 && errno == EINTR);
	}
	if (vm >= 0) {
		offered = pl_kvm_pat_quirk_offered(vm);
		close(vm);
	}
	if (sys >= 0)
		close(sys);
	return offered;
}

int pl_memtype_probe(const char *kernel, struct pl_memtype_report *out)
{
	struct probe p = { .kernel = kernel, .out = out };
	pthread_t t;
	int err;

	memset(out, 0, sizeof(*out));
	if (pl_seccomp_confined()) {
		pl_set_error(PL_ERR_CONFIG, "this thread ran a sandbox under seccomp and stays "
					    "confined: probe from another thread");
		return -1;
	}
	out->pat_quirk_offered = quirk_offered();
	err = pthread_create(&t, NULL, probe_thread, &p);
	if (err) {
		pl_set_error(PL_ERR_HOST, "cannot start the probe's thread: %s", strerror(err));
		return -1;
	}
	pthread_join(t, NULL);
	if (p.status)
		pl_set_error(PL_ERR_HOST, "memory type probe: %s", p.error);
	return p.status;
}
