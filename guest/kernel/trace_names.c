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
	[EMSGSIZE] = { "EMSGSIZE", "Message too long" },
	[EOPNOTSUPP] = { "EOPNOTSUPP", "Operation not supported" },
	[ETIMEDOUT] = { "ETIMEDOUT", "Connection timed out" },
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

/* In strace's order: its lines read the same as ours. */
const struct flag_name open_flags[] = {
	{ 00000100, "O_CREAT" },    { 00000200, "O_EXCL" },	 { 00000400, "O_NOCTTY" },
	{ 00001000, "O_TRUNC" },    { 00002000, "O_APPEND" },	 { 00004000, "O_NONBLOCK" },
	{ 04010000, "O_SYNC" },	    { 00010000, "O_DSYNC" },	 { 00020000, "O_ASYNC" },
	{ 00040000, "O_DIRECT" },   { 00100000, "O_LARGEFILE" }, { 00400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },  { 02000000, "O_CLOEXEC" },	 { 010000000, "O_PATH" },
	{ 020200000, "O_TMPFILE" }, { 00200000, "O_DIRECTORY" }, { 0, NULL },
};

const struct flag_name prot_flags[] = {
	{ 0x1, "PROT_READ" },		{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },		{ 0x8, "PROT_SEM" },
	{ 0x800, "PROT_NOCACHE" },	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" }, { 0, NULL },
};

/* Linux's, and pagelab's QNX/BSD ones (include/pagelab/mman.h) by their names. */
const struct flag_name map_flags[] = {
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x200, "MAP_PHYS" },
	{ 0x400, "MAP_LAZY" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x200000, "MAP_NOSYNC" },
	{ 0x400000, "MAP_NOCORE" },
	{ 0x800000, "MAP_INHERIT" },
	{ 0x1000000, "MAP_BELOW16M" },
	{ 0x2000000, "MAP_NOX64K" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
	{ 0, NULL },
};

const struct flag_name at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },	  { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },	  { 0, NULL },
};

const struct flag_name mremap_flags[] = {
	{ 1, "MREMAP_MAYMOVE" },
	{ 2, "MREMAP_FIXED" },
	{ 4, "MREMAP_DONTUNMAP" },
	{ 0, NULL },
};

const struct flag_name msync_flags[] = {
	{ 4, "MS_SYNC" },
	{ 1, "MS_ASYNC" },
	{ 2, "MS_INVALIDATE" },
	{ 0, NULL },
};

const struct flag_name access_modes[] = {
	{ 4, "R_OK" },
	{ 2, "W_OK" },
	{ 1, "X_OK" },
	{ 0, NULL },
};

const struct flag_name wait_options[] = {
	{ 1, "WNOHANG" },	  { 2, "WUNTRACED" },	      { 4, "WEXITED" },
	{ 8, "WCONTINUED" },	  { 0x01000000, "WNOWAIT" },  { 0x20000000, "__WNOTHREAD" },
	{ 0x40000000, "__WALL" }, { 0x80000000, "__WCLONE" }, { 0, NULL },
};

const struct flag_name sa_flags[] = {
	{ 0x04000000, "SA_RESTORER" }, { 0x08000000, "SA_ONSTACK" },   { 0x10000000, "SA_RESTART" },
	{ 0x40000000, "SA_NODEFER" },  { 0x80000000, "SA_RESETHAND" }, { 4, "SA_SIGINFO" },
	{ 1, "SA_NOCLDSTOP" },	       { 2, "SA_NOCLDWAIT" },	       { 0, NULL },
};

const struct flag_name fd_flags[] = {
	{ 1, "FD_CLOEXEC" },
	{ 0, NULL },
};

/* eventfd2's, in strace's order. */
const struct flag_name efd_flags[] = {
	{ 1, "EFD_SEMAPHORE" },
	{ 02000000, "EFD_CLOEXEC" },
	{ 04000, "EFD_NONBLOCK" },
	{ 0, NULL },
};

const char *name_of(const struct name_value *t, u64 v)
{
	for (; t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

const struct name_value itimer_whiches[] = {
	{ 0, "ITIMER_REAL" },
	{ 1, "ITIMER_VIRTUAL" },
	{ 2, "ITIMER_PROF" },
	{ 0, NULL },
};

const struct flag_name tfd_flags[] = {
	{ 02000000, "TFD_CLOEXEC" },
	{ 04000, "TFD_NONBLOCK" },
	{ 0, NULL },
};

const struct flag_name timer_flags[] = {
	{ 1, "TIMER_ABSTIME" },
	{ 0, NULL },
};

const struct flag_name tfd_settime_flags[] = {
	{ 1, "TFD_TIMER_ABSTIME" },
	{ 2, "TFD_TIMER_CANCEL_ON_SET" },
	{ 0, NULL },
};
