// SPDX-License-Identifier: MIT
/*
 * uname: programs (and musl) look at sysname and machine. The release and
 * node name differ between the host and the sandbox and are not printed.
 */
#include <string.h>
#include <sys/utsname.h>

#include "tap.h"

int main(void)
{
	struct utsname u;

	tap_plan(4);
	if (!ok(uname(&u) == 0, "uname"))
		return tap_done();
	ok(!strcmp(u.sysname, "Linux"), "sysname is %s", u.sysname);
	ok(!strcmp(u.machine, "x86_64"), "machine is %s", u.machine);
	ok(u.release[0] >= '0' && u.release[0] <= '9', "the release starts with a digit");
	return tap_done();
}
