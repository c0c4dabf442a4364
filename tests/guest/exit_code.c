// SPDX-License-Identifier: MIT
/*
 * The run's exit status is the program's: exit_code N [how] exits with N
 * (the status keeps its low 8 bits, so 256 -> 0, 300 -> 44). how is
 * "exit" (default: atexit handlers run and stdio is flushed), "return"
 * (from main) or "_exit" (straight to exit_group, nothing flushed).
 */
#include <string.h>
#include <unistd.h>

#include "tap.h"

static void at_exit_handler(void)
{
	/* Runs on exit() and return only: its line shows that it did. */
	printf(" and the atexit handler ran\n");
}

int main(int argc, char **argv)
{
	const char *how = argc > 2 ? argv[2] : "exit";
	int code;

	tap_plan(1);
	if (argc < 2) {
		ok(false, "usage: exit_code N [exit|return|_exit]");
		return 2;
	}
	code = atoi(argv[1]);
	ok(atexit(at_exit_handler) == 0, "exiting with %d by %s", code, how);
	/* An unfinished line stays in stdio's buffer: exit() must flush it. */
	printf("# this line ends at exit");
	if (!strcmp(how, "_exit")) {
		printf(" (flushed by hand)\n");
		_exit(code);
	}
	if (!strcmp(how, "return"))
		return code;
	exit(code);
}
