// SPDX-License-Identifier: MIT
/*
 * Which guest pages were written: KVM's dirty-page log over every
 * writable KVM memory slot (KVM_MEM_LOG_DIRTY_PAGES). Each read returns the
 * pages written since the previous one. Where KVM offers
 * KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, KVM_GET_DIRTY_LOG only reads and
 * KVM_CLEAR_DIRTY_LOG re-protects just the pages that were dirty;
 * otherwise KVM_GET_DIRTY_LOG does both.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "error.h"
#include "sandbox.h"

static bool logged(const struct pl_kslot *s)
{
	return !(s->flags & KVM_MEM_READONLY);
}

static int refuse_confined(const char *what)
{
	pl_set_error(PL_ERR_CONFIG,
		     "%s the dirty log needs a memory-slot change, which the seccomp filter "
		     "forbids once a run has started: start it before the first step (or run "
		     "with seccomp off)",
		     what);
	return -EPERM;
}

static void free_bitmaps(struct pl_sandbox *sb)
{
	for (unsigned i = 0; i < PL_KSLOTS_MAX; i++) {
		free(sb->dirty_bitmap[i]);
		sb->dirty_bitmap[i] = NULL;
	}
}

int pl_dirty_log_start(struct pl_sandbox *sb)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
				      .args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE } };
	int err;

	if (sb->kvm.vm < 0) {
		pl_set_error(PL_ERR_CONFIG, "this sandbox has no VM");
		return -EINVAL;
	}
	if (sb->dirty_logging) {
		pl_set_error(PL_ERR_CONFIG, "the dirty log is already on");
		return -EBUSY;
	}
	if (pl_seccomp_confined() && sb->started)
		return refuse_confined("starting");
	for (unsigned i = 0; i < sb->kvm.nkslots; i++) {
		size_t words = (sb->kvm.kslot[i].size / 4096 + 63) / 64;

		if (logged(&sb->kvm.kslot[i]) && !(sb->dirty_bitmap[i] = calloc(words, 8))) {
			free_bitmaps(sb);
			pl_set_error(PL_ERR_HOST, "out of memory");
			return -ENOMEM;
		}
	}
	/* Before the slots get the flag: KVM takes the mode then. */
	if (!sb->dirty_manual &&
	    ioctl(sb->kvm.vm, KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) > 0)
		sb->dirty_manual = ioctl(sb->kvm.vm, KVM_ENABLE_CAP, &cap) == 0;
	err = pl_kvm_slots_flag(&sb->kvm, KVM_MEM_LOG_DIRTY_PAGES, true);
	if (err) {
		pl_kvm_slots_flag(&sb->kvm, KVM_MEM_LOG_DIRTY_PAGES, false);
		free_bitmaps(sb);
		return err;
	}
	sb->dirty_logging = true;
	return 0;
}

/* One slot's dirty pages: appended to gpas while there is room, counted always. */
static int read_slot(struct pl_sandbox *sb, unsigned i, uint64_t *gpas, size_t max, size_t *n)
{
	const struct pl_kslot *s = &sb->kvm.kslot[i];
	uint64_t *bitmap = sb->dirty_bitmap[i];
	uint64_t pages = s->size / 4096;
	struct kvm_dirty_log log = { .slot = i, .dirty_bitmap = bitmap };
	struct kvm_clear_dirty_log clear = { .slot = i,
					     .num_pages = (uint32_t)pages,
					     .dirty_bitmap = bitmap };

	if (ioctl(sb->kvm.vm, KVM_GET_DIRTY_LOG, &log) < 0 ||
	    (sb->dirty_manual && ioctl(sb->kvm.vm, KVM_CLEAR_DIRTY_LOG, &clear) < 0)) {
		pl_set_error(PL_ERR_HOST, "reading the dirty log: %s", strerror(errno));
		return -errno;
	}
	for (uint64_t w = 0; w < (pages + 63) / 64; w++)
		for (uint64_t bits = bitmap[w]; bits; bits &= bits - 1) {
			uint64_t page = w * 64 + (uint64_t)__builtin_ctzll(bits);

			if (*n < max)
				gpas[*n] = s->gpa + page * 4096;
			(*n)++;
		}
	return 0;
}

long pl_dirty_log_get(struct pl_sandbox *sb, uint64_t *gpas, size_t max)
{
	size_t n = 0;

	if (!sb->dirty_logging) {
		pl_set_error(PL_ERR_CONFIG, "the dirty log is off: pl_dirty_log_start first");
		return -EINVAL;
	}
	for (unsigned i = 0; i < sb->kvm.nkslots; i++) {
		int err = sb->dirty_bitmap[i] ? read_slot(sb, i, gpas, max, &n) : 0;

		if (err)
			return err;
	}
	return (long)n;
}

int pl_dirty_log_stop(struct pl_sandbox *sb)
{
	int err;

	if (!sb->dirty_logging) {
		pl_set_error(PL_ERR_CONFIG, "the dirty log is off");
		return -EINVAL;
	}
	if (pl_seccomp_confined() && sb->started)
		return refuse_confined("stopping");
	err = pl_kvm_slots_flag(&sb->kvm, KVM_MEM_LOG_DIRTY_PAGES, false);
	if (err)
		return err;
	free_bitmaps(sb);
	sb->dirty_logging = false;
	return 0;
}

void pl_dirty_log_release(struct pl_sandbox *sb)
{
	free_bitmaps(sb);
	sb->dirty_logging = false;
}
