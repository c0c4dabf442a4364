// SPDX-License-Identifier: MIT
/*
 * mkcpio: build an initramfs (cpio newc) from host files with libpagelab's
 * builder, the same one `pagelab run` uses.
 *
 *   mkcpio OUT.cpio GUEST=HOST... DIR/ DIR/:MODE...
 *
 * GUEST=HOST puts the host file at GUEST (parents are created, 0755; the
 * host file's permission bits are kept). DIR/ adds an empty directory,
 * DIR/:1777 one with that octal mode. Files under /bin/ must be programs
 * the sandbox can run (static x86-64 ELF).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pagelab/initramfs.h>

static int add_dir(struct pl_cpio *c, char *arg)
{
	char *colon = strstr(arg, "/:");
	unsigned long mode = 0755;
	char *end;
	int err;

	if (colon) {
		*++colon = '\0';
		errno = 0;
		mode = strtoul(colon + 1, &end, 8);
		if (errno || *end || end == colon + 1 || mode > 07777) {
			fprintf(stderr, "mkcpio: bad mode '%s' for %s (octal, e.g. 1777)\n",
				colon + 1, arg);
			return -1;
		}
	}
	err = pl_cpio_add_dir(c, arg, mode);
	if (err) {
		fprintf(stderr, "mkcpio: cannot add directory %s: %s\n", arg, strerror(-err));
		return -1;
	}
	return 0;
}

static int add_file(struct pl_cpio *c, char *arg)
{
	char *eq = strchr(arg, '=');
	char err[512];

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "mkcpio: '%s' is not GUEST=HOST or DIR/\n", arg);
		return -1;
	}
	*eq = '\0';
	if (!strncmp(arg, "/bin/", 5) && pl_program_check(eq + 1, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (pl_cpio_add_host_file(c, arg, eq + 1, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int write_out(const char *out, const void *data, size_t len)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "mkcpio: cannot write %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, out)) {
		fprintf(stderr, "mkcpio: cannot create %s: %s\n", out, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pl_cpio *c;
	const void *data;
	size_t len;
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: mkcpio OUT.cpio GUEST=HOST... DIR/ DIR/:MODE...\n");
		return 2;
	}
	c = pl_cpio_new();
	if (!c) {
		fprintf(stderr, "mkcpio: out of memory\n");
		return 1;
	}
	for (int i = 2; i < argc && !rc; i++) {
		size_t n = strlen(argv[i]);

		if (strchr(argv[i], '='))
			rc = add_file(c, argv[i]);
		else if (n && (argv[i][n - 1] == '/' || strstr(argv[i], "/:")))
			rc = add_dir(c, argv[i]);
		else
			rc = add_file(c, argv[i]);
	}
	if (!rc && pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "mkcpio: out of memory\n");
		rc = -1;
	}
	if (!rc)
		rc = write_out(argv[1], data, len);
	pl_cpio_free(c);
	return rc ? 1 : 0;
}
