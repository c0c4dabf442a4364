/*
 * Keeps a sandbox running while a test looks at the VMM from outside
 * (its /proc files, signals): prints "ready", then
 *   (no argument)  reads standard input until end of file and exits 0
 *   flood          writes numbered lines to stdout for ever
 * Never run natively: "flood" only ends when its reader goes away.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[256];

	puts("ready");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "flood"))
		for (unsigned long i = 0;; i++)
			printf("line %lu\n", i);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
