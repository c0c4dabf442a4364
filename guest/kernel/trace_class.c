// SPDX-License-Identifier: MIT
/*
 * strace's classes of system calls, for --trace-syscalls=%file,...: the
 * host checks a filter with this file before boot and the kernel expands
 * it at boot, so both read the same lists. A pure module (no kernel
 * state), compiled for the host too.
 */
#include <kernel/string.h>
#include <kernel/trace_class.h>

struct trace_class {
	const char *name;
	const char *const *members;
};

/* Calls that take a file name, as strace's TRACE_FILE. */
static const char *const file_calls[] = {
	"open",	       "openat",    "creat",	 "stat",       "lstat",	       "newfstatat",
	"statx",       "access",    "faccessat", "faccessat2", "execve",       "execveat",
	"chdir",       "chroot",    "mkdir",	 "mkdirat",    "rmdir",	       "unlink",
	"unlinkat",    "rename",    "renameat",	 "renameat2",  "link",	       "linkat",
	"symlink",     "symlinkat", "readlink",	 "readlinkat", "chmod",	       "fchmodat",
	"chown",       "lchown",    "fchownat",	 "truncate",   "mknod",	       "mknodat",
	"utime",       "utimes",    "utimensat", "futimesat",  "statfs",       "mount",
	"umount2",     "swapon",    "swapoff",	 "getxattr",   "setxattr",     "listxattr",
	"removexattr", "lgetxattr", "lsetxattr", "llistxattr", "lremovexattr", "inotify_add_watch",
	"getcwd",      NULL,
};

/* Calls on file descriptors, as strace's TRACE_DESC. */
static const char *const desc_calls[] = {
	"read",
	"write",
	"open",
	"openat",
	"creat",
	"close",
	"fstat",
	"newfstatat",
	"lseek",
	"mmap",
	"pread64",
	"pwrite64",
	"readv",
	"writev",
	"preadv",
	"pwritev",
	"preadv2",
	"pwritev2",
	"pipe",
	"pipe2",
	"select",
	"pselect6",
	"poll",
	"ppoll",
	"dup",
	"dup2",
	"dup3",
	"fcntl",
	"flock",
	"fsync",
	"fdatasync",
	"ftruncate",
	"getdents64",
	"fchdir",
	"fchmod",
	"fchown",
	"ioctl",
	"sendfile",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	"eventfd",
	"eventfd2",
	"timerfd_create",
	"timerfd_settime",
	"timerfd_gettime",
	"signalfd4",
	"fstatfs",
	"fadvise64",
	"fallocate",
	"faccessat",
	"faccessat2",
	"fchmodat",
	"fchownat",
	"mkdirat",
	"mknodat",
	"unlinkat",
	"renameat",
	"renameat2",
	"linkat",
	"symlinkat",
	"readlinkat",
	"utimensat",
	"statx",
	"copy_file_range",
	"memfd_create",
	"execveat",
	NULL,
};

/* Memory mapping, as strace's TRACE_MEMORY. */
static const char *const memory_calls[] = {
	"mmap",
	"munmap",
	"mprotect",
	"mremap",
	"madvise",
	"brk",
	"msync",
	"mincore",
	"mlock",
	"mlock2",
	"munlock",
	"mlockall",
	"munlockall",
	"remap_file_pages",
	"mbind",
	"set_mempolicy",
	"get_mempolicy",
	"migrate_pages",
	"move_pages",
	"pkey_mprotect",
	"shmat",
	"shmdt",
	NULL,
};

/* Process lifetime, as strace's TRACE_PROCESS. */
static const char *const process_calls[] = {
	"fork",
	"vfork",
	"clone",
	"clone3",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"wait4",
	"waitid",
	"kill",
	"tkill",
	"tgkill",
	"rt_sigqueueinfo",
	"rt_tgsigqueueinfo",
	"pidfd_open",
	"pidfd_send_signal",
	"unshare",
	NULL,
};

/* Signals, as strace's TRACE_SIGNAL. */
static const char *const signal_calls[] = {
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"rt_sigpending",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_sigqueueinfo",
	"rt_tgsigqueueinfo",
	"sigaltstack",
	"kill",
	"tkill",
	"tgkill",
	"pause",
	"signalfd",
	"signalfd4",
	"pidfd_send_signal",
	NULL,
};

/* Credentials, as strace's TRACE_CREDS. */
static const char *const creds_calls[] = {
	"getuid",   "geteuid",	 "getgid",    "getegid",   "setuid",	"setgid",    "setreuid",
	"setregid", "setresuid", "setresgid", "getresuid", "getresgid", "setgroups", "getgroups",
	"setfsuid", "setfsgid",	 "capget",    "capset",	   NULL,
};

/* Clocks and timers, as strace's TRACE_CLOCK. */
static const char *const clock_calls[] = {
	"clock_gettime", "clock_settime", "clock_getres", "clock_nanosleep", "clock_adjtime",
	"gettimeofday",	 "settimeofday",  "time",	  "adjtimex",	     NULL,
};

static const struct trace_class classes[] = {
	{ "%file", file_calls },       { "%desc", desc_calls },	    { "%memory", memory_calls },
	{ "%process", process_calls }, { "%signal", signal_calls }, { "%creds", creds_calls },
	{ "%clock", clock_calls },
};

const char *const *trace_class_members(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (strlen(classes[i].name) == len && !strncmp(classes[i].name, name, len))
			return classes[i].members;
	return NULL;
}

const char *trace_class_list(void)
{
	return "%file %desc %memory %process %signal %creds %clock";
}
