/*
 * Writes "y" lines until a write fails. With no argument it keeps SIGPIPE's
 * default, so a closed reader kills it (status 141); with "ignore" it
 * ignores SIGPIPE and exits 3 when a write fails with EPIPE.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "ignore") == 0)
		signal(SIGPIPE, SIG_IGN);
	for (;;)
		if (write(1, "y\n", 2) < 0)
			return errno == EPIPE ? 3 : 4;
}
