/*
 * Standard streams and the run's status: one line to stdout, one to
 * stderr, stdin copied to stdout with a prefix, then exit with argv[1]
 * (default 0). "nosys" first calls a syscall the sandbox does not
 * implement, so the run's report of unimplemented calls can be checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	char line[256];

	if (argc > 2 && !strcmp(argv[2], "nosys"))
		syscall(SYS_io_setup, 0, NULL);
	printf("to stdout\n");
	fflush(stdout);
	fprintf(stderr, "to stderr\n");
	while (fgets(line, sizeof(line), stdin))
		printf("stdin: %s", line);
	return argc > 1 ? atoi(argv[1]) : 0;
}
