// SPDX-License-Identifier: MIT
/*
 * Dropping root: a VMM started as root needs it only to open /dev/kvm
 * and the files it reads, so once those are open the process becomes an
 * ordinary user (its primary group, no supplementary groups, hence no
 * capabilities). The open descriptors keep working: KVM, the guest's
 * memory and the output streams are checked when opened, not when used.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "sandbox.h"

int pl_user_lookup(const char *name, struct pl_user *u)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	int err = getpwnam_r(name, &pw, buf, sizeof(buf), &found);

	if (!found) {
		pl_set_error(PL_ERR_CONFIG, "user '%s' %s", name,
			     err ? strerror(err) : "does not exist (give a name from /etc/passwd)");
		return -1;
	}
	*u = (struct pl_user){ .name = name, .uid = pw.pw_uid, .gid = pw.pw_gid };
	if (geteuid() != 0 && (u->uid != geteuid() || u->gid != getegid())) {
		pl_set_error(PL_ERR_CONFIG,
			     "only root can switch to user '%s' (this process runs as uid %u)",
			     name, (unsigned)geteuid());
		return -1;
	}
	return 0;
}

int pl_user_become(const struct pl_user *u)
{
	if (geteuid() != 0)
		return 0; /* pl_user_lookup made sure we already are this user */
	/* Groups first: after setuid there is no right left to change them. */
	if (setgroups(0, NULL) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0) {
		pl_set_error(PL_ERR_HOST, "cannot switch to user '%s': %s", u->name,
			     strerror(errno));
		return -1;
	}
	/* Make sure root is really gone, not just the effective uid. */
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		pl_set_error(PL_ERR_HOST, "switched to user '%s' but could become root again",
			     u->name);
		return -1;
	}
	return 0;
}
