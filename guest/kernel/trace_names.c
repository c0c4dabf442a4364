// SPDX-License-Identifier: MIT
/*
 * The names --trace-syscalls prints for numbers, as strace prints them:
 * errno values with their messages, signals, and the constants of the
 * calls it decodes. Values are Linux's x86-64 ABI.
 */
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/signo.h>
#include <kernel/trace_names.h>

struct errno_text {
	const char *name, *text;
};

static const struct errno_text errnos[] = {
	[EPERM] = { "EPERM", "Operation not permitted" },
	[ENOENT] = { "ENOENT", "No such file or directory" },
	[ESRCH] = { "ESRCH", "No such process" },
	[EINTR] = { "EINTR", "Interrupted system call" },
	[EIO] = { "EIO", "Input/output error" },
	[ENXIO] = { "ENXIO", "No such device or address" },
	[E2BIG] = { "E2BIG", "Argument list too long" },
	[ENOEXEC] = { "ENOEXEC", "Exec format error" },
	[EBADF] = { "EBADF", "Bad file descriptor" },
	[ECHILD] = { "ECHILD", "No child processes" },
	[EAGAIN] = { "EAGAIN", "Resource temporarily unavailable" },
	[ENOMEM] = { "ENOMEM", "Cannot allocate memory" },
	[EACCES] = { "EACCES", "Permission denied" },
	[EFAULT] = { "EFAULT", "Bad address" },
	[EBUSY] = { "EBUSY", "Device or resource busy" },
	[EEXIST] = { "EEXIST", "File exists" },
	[EXDEV] = { "EXDEV", "Invalid cross-device link" },
	[ENODEV] = { "ENODEV", "No such device" },
	[ENOTDIR] = { "ENOTDIR", "Not a directory" },
	[EISDIR] = { "EISDIR", "Is a directory" },
	[EINVAL] = { "EINVAL", "Invalid argument" },
	[ENFILE] = { "ENFILE", "Too many open files in system" },
	[EMFILE] = { "EMFILE", "Too many open files" },
	[ENOTTY] = { "ENOTTY", "Inappropriate ioctl for device" },
	[EFBIG] = { "EFBIG", "File too large" },
	[ENOSPC] = { "ENOSPC", "No space left on device" },
	[ESPIPE] = { "ESPIPE", "Illegal seek" },
	[EROFS] = { "EROFS", "Read-only file system" },
	[EPIPE] = { "EPIPE", "Broken pipe" },
	[ERANGE] = { "ERANGE", "Numerical result out of range" },
	[EDEADLK] = { "EDEADLK", "Resource deadlock avoided" },
	[ENAMETOOLONG] = { "ENAMETOOLONG", "File name too long" },
	[ENOSYS] = { "ENOSYS", "Function not implemented" },
	[ENOTEMPTY] = { "ENOTEMPTY", "Directory not empty" },
	[EOVERFLOW] = { "EOVERFLOW", "Value too large for defined data type" },
	[EOPNOTSUPP] = { "EOPNOTSUPP", "Operation not supported" },
};

/* strace's ERESTART* names, for a call a signal interrupted before it is restarted. */
static const struct errno_text restarts[] = {
	{ "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	{ "ERESTARTNOINTR", "To be restarted" },
	{ "ERESTARTNOHAND", "To be restarted if no handler" },
	{ "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
};

bool errno_describe(long e, const char **name, const char **text)
{
	if (e >= 512 && e <= 516 && e != 515) {
		int i = e == 516 ? 3 : (int)e - 512;

		*name = restarts[i].name;
		*text = restarts[i].text;
		return true;
	}
	if (e <= 0 || e >= (long)ARRAY_SIZE(errnos) || !errnos[e].name)
		return false;
	*name = errnos[e].name;
	*text = errnos[e].text;
	return true;
}

static const char *const signals[NSIG + 1] = {
	[SIGHUP] = "HUP",   [SIGINT] = "INT",	    [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",	    [SIGBUS] = "BUS",	[SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1",	    [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",	    [SIGTERM] = "TERM", [16] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT",	    [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",	    [SIGURG] = "URG",	[SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO",	    [SIGPWR] = "PWR",	    [SIGSYS] = "SYS",	[32] = "RTMIN",
};

/* "INT", "RTMIN" (32), "RT_5" (37): strace's names without the SIG prefix; NULL past NSIG. */
const char *signal_short_name(int sig, char *buf, size_t size)
{
	if (sig <= 0 || sig > NSIG)
		return NULL;
	if (signals[sig])
		return signals[sig];
	ksnprintf(buf, size, "RT_%d", sig - 32);
	return buf;
}

const struct name_value arch_prctl_codes[] = {
	{ 0x1001, "ARCH_SET_GS" },
	{ 0x1002, "ARCH_SET_FS" },
	{ 0x1003, "ARCH_GET_FS" },
	{ 0x1004, "ARCH_GET_GS" },
	{ 0x1011, "ARCH_GET_CPUID" },
	{ 0x1012, "ARCH_SET_CPUID" },
	{ 0, NULL },
};

const struct name_value seek_whences[] = {
	{ 0, "SEEK_SET" },  { 1, "SEEK_CUR" },	{ 2, "SEEK_END" },
	{ 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" }, { 0, NULL },
};

/* The terminal requests of <asm-generic/ioctls.h> programs make most. */
const struct name_value ioctl_requests[] = {
	{ 0x5401, "TCGETS" },	    { 0x5402, "TCSETS" },	  { 0x5403, "TCSETSW" },
	{ 0x5404, "TCSETSF" },	    { 0x540b, "TCFLSH" },	  { 0x540e, "TIOCSCTTY" },
	{ 0x540f, "TIOCGPGRP" },    { 0x5410, "TIOCSPGRP" },	  { 0x5411, "TIOCOUTQ" },
	{ 0x5413, "TIOCGWINSZ" },   { 0x5414, "TIOCSWINSZ" },	  { 0x541b, "FIONREAD" },
	{ 0x5421, "FIONBIO" },	    { 0x5422, "TIOCNOTTY" },	  { 0x5429, "TIOCGSID" },
	{ 0x5450, "FIONCLEX" },	    { 0x5451, "FIOCLEX" },	  { 0x5452, "FIOASYNC" },
	{ 0x80045430, "TIOCGPTN" }, { 0x40045431, "TIOCSPTLCK" }, { 0, NULL },
};

const struct name_value clock_ids[] = {
	{ 0, "CLOCK_REALTIME" },
	{ 1, "CLOCK_MONOTONIC" },
	{ 2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 4, "CLOCK_MONOTONIC_RAW" },
	{ 5, "CLOCK_REALTIME_COARSE" },
	{ 6, "CLOCK_MONOTONIC_COARSE" },
	{ 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" },
	{ 9, "CLOCK_BOOTTIME_ALARM" },
	{ 11, "CLOCK_TAI" },
	{ 0, NULL },
};

const struct name_value sigprocmask_hows[] = {
	{ 0, "SIG_BLOCK" },
	{ 1, "SIG_UNBLOCK" },
	{ 2, "SIG_SETMASK" },
	{ 0, NULL },
};

const struct name_value fcntl_cmds[] = {
	{ 0, "F_DUPFD" },
	{ 1, "F_GETFD" },
	{ 2, "F_SETFD" },
	{ 3, "F_GETFL" },
	{ 4, "F_SETFL" },
	{ 5, "F_GETLK" },
	{ 6, "F_SETLK" },
	{ 7, "F_SETLKW" },
	{ 8, "F_SETOWN" },
	{ 9, "F_GETOWN" },
	{ 1024, "F_SETLEASE" },
	{ 1025, "F_GETLEASE" },
	{ 1030, "F_DUPFD_CLOEXEC" },
	{ 1031, "F_SETPIPE_SZ" },
	{ 1032, "F_GETPIPE_SZ" },
	{ 0, NULL },
};

const struct name_value madvise_advice[] = {
	{ 0, "MADV_NORMAL" },
	{ 1, "MADV_RANDOM" },
	{ 2, "MADV_SEQUENTIAL" },
	{ 3, "MADV_WILLNEED" },
	{ 4, "MADV_DONTNEED" },
	{ 8, "MADV_FREE" },
	{ 9, "MADV_REMOVE" },
	{ 10, "MADV_DONTFORK" },
	{ 11, "MADV_DOFORK" },
	{ 12, "MADV_MERGEABLE" },
	{ 13, "MADV_UNMERGEABLE" },
	{ 14, "MADV_HUGEPAGE" },
	{ 15, "MADV_NOHUGEPAGE" },
	{ 16, "MADV_DONTDUMP" },
	{ 17, "MADV_DODUMP" },
	{ 18, "MADV_WIPEONFORK" },
	{ 19, "MADV_KEEPONFORK" },
	{ 20, "MADV_COLD" },
	{ 21, "MADV_PAGEOUT" },
	{ 22, "MADV_POPULATE_READ" },
	{ 23, "MADV_POPULATE_WRITE" },
	{ 100, "MADV_HWPOISON" },
	{ 0, NULL },
};

const char *name_of(const struct name_value *t, u64 v)
{
	for (; t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}
