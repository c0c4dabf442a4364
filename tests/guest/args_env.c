// SPDX-License-Identifier: MIT
/*
 * The initial process image: argc/argv, the environment and the auxiliary
 * vector the kernel leaves on the stack (what musl's startup reads).
 * Run as: args_env alpha "beta gamma" ""
 */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "tap.h"

extern char **environ;
extern char _start[];		      /* musl's crt1 entry point: AT_ENTRY must name it */
extern const Elf64_Ehdr __ehdr_start; /* the linker's name for our own ELF header */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool has_env(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return true;
	return false;
}

/* AT_PHDR must point at this program's own program headers. */
static bool phdrs_ok(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	int loads = 0;

	if ((const char *)ph != (const char *)&__ehdr_start + __ehdr_start.e_phoff)
		return false;
	if (n != __ehdr_start.e_phnum || getauxval(AT_PHENT) != sizeof(Elf64_Phdr))
		return false;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD)
			loads++;
	return loads > 0;
}

int main(int argc, char **argv, char **envp)
{
	const unsigned char *rnd;
	const char *execfn;
	int sum = 0;

	tap_plan(16);
	ok(argc == 4, "argc is 4");
	ok(argc == 4 && !strcmp(argv[1], "alpha"), "argv[1] is \"alpha\"");
	ok(argc == 4 && !strcmp(argv[2], "beta gamma"), "argv[2] keeps its space");
	ok(argc == 4 && !strcmp(argv[3], ""), "argv[3] is empty");
	ok(argv[argc] == NULL, "argv[argc] is NULL");
	ok(!strncmp(base_name(argv[0]), "args_env", 8), "argv[0] names the program");
	ok(envp == environ, "main's envp is environ");
	ok(has_env(envp, "PATH") && has_env(envp, "HOME"), "the environment has PATH and HOME");
	ok(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ is 4096");
	ok(phdrs_ok(), "AT_PHDR/AT_PHENT/AT_PHNUM describe the program headers");
	ok(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY is _start");
	rnd = (const unsigned char *)getauxval(AT_RANDOM);
	for (int i = 0; rnd && i < 16; i++)
		sum += rnd[i];
	ok(rnd != NULL, "AT_RANDOM points at 16 readable bytes");
	diag("AT_RANDOM bytes are%s all zero", rnd && sum == 0 ? "" : " not");
	ok(getauxval(AT_SECURE) == 0, "AT_SECURE is 0");
	ok(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
	       getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(),
	   "AT_UID/EUID/GID/EGID match the ids");
	execfn = (const char *)getauxval(AT_EXECFN);
	ok(execfn && !strcmp(base_name(execfn), base_name(argv[0])), "AT_EXECFN names the program");
	ok(getauxval(AT_BASE) == 0, "no interpreter: AT_BASE is 0");
	return tap_done();
}
