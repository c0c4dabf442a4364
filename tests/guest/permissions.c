// SPDX-License-Identifier: MIT
/*
 * File permissions: root prepares files and directories under a fresh
 * /tmp/pagelab-perm-XXXXXX, then a child that became nobody (65534) tries
 * them, so the kernel's owner/group/other checks, search permission on
 * the path, the sticky bit, chmod/chown rules, access(2) with real IDs and
 * the set-ID bits that writes and chown clear, and who may signal whom,
 * are compared with Linux's.
 */
#define _GNU_SOURCE /* setresuid */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define NOBODY	 65534
#define SHM_NAME "/pagelab-perm-test"

static char top[64];
static char path_buf[4][256];

/* name under top; a few buffers in turn, so that one call may take two paths. */
static const char *at(const char *name)
{
	static int next;
	char *buf = path_buf[next++ % 4];

	snprintf(buf, sizeof(path_buf[0]), "%s/%s", top, name);
	return buf;
}

static bool fails_with(long rc, int err)
{
	return rc == -1 && errno == err;
}

static unsigned mode_of(const char *name)
{
	struct stat st;

	return stat(at(name), &st) ? 0xffffffff : st.st_mode & 07777;
}

/* A root-owned file with this mode and group. */
static void make_file(const char *name, mode_t mode, gid_t gid)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, "data\n", 5) != 5 || fchown(fd, 0, gid) || fchmod(fd, mode))
		printf("# could not prepare %s: %s\n", name, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void make_dir(const char *name, mode_t mode)
{
	if (mkdir(at(name), 0700) || chmod(at(name), mode))
		printf("# could not prepare %s/: %s\n", name, strerror(errno));
}

static void remove_tree(const char *dir)
{
	char sub[512];
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (unlink(sub))
			remove_tree(sub);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Run fn in a child with these IDs (real, effective and saved), as Linux does after setuid. */
static void as_ids(uid_t ruid, uid_t euid, const gid_t *groups, int ngroups, void (*fn)(void))
{
	pid_t pid = tap_fork();
	int status;

	if (pid == 0) {
		if (setgroups(ngroups, groups) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(ruid, euid, euid)) {
			printf("# cannot drop privileges: %s\n", strerror(errno));
			_exit(1);
		}
		fn();
		tap_child_exit();
	}
	waitpid(pid, &status, 0);
	tap_child_reaped(status);
}

static void as_nobody(void (*fn)(void))
{
	as_ids(NOBODY, NOBODY, NULL, 0, fn);
}

static void test_root(void)
{
	struct passwd *pw = getpwnam("nobody");
	struct group *gr = getgrgid(NOBODY);
	struct stat st;
	int fd;

	ok(pw && pw->pw_uid == NOBODY && pw->pw_gid == NOBODY,
	   "/etc/passwd names a second user, nobody (65534)");
	ok(gr && !strcmp(gr->gr_name, "nogroup"), "/etc/group names its group, nogroup");
	ok(!stat("/etc/passwd", &st) && st.st_uid == 0 && (st.st_mode & 022) == 0,
	   "/etc/passwd is root's and only root may write it");
	ok(!stat("/tmp", &st) && (st.st_mode & 07777) == 01777 && !stat("/dev/shm", &st) &&
	       (st.st_mode & 07777) == 01777,
	   "/tmp and /dev/shm are sticky and world-writable (1777)");
	umask(027);
	ok(umask(022) == 027, "umask returns the previous mask");
	fd = open(at("created"), O_RDWR | O_CREAT | O_EXCL, 0666);
	ok(fd >= 0 && mode_of("created") == 0644, "a new file's mode goes through the umask");
	ok(!fstat(fd, &st) && st.st_uid == 0 && st.st_gid == 0, "root's new file is root's");
	close(fd);
	make_file("locked", 0000, 0);
	fd = open(at("locked"), O_RDWR);
	ok(fd >= 0, "root opens a mode-0000 file for reading and writing");
	close(fd);
	ok(!access(at("locked"), R_OK | W_OK) && fails_with(access(at("locked"), X_OK), EACCES),
	   "access: root may read and write it, not execute it without an x bit");
	ok(!chmod(at("locked"), 0100) && !access(at("locked"), X_OK),
	   "one x bit anywhere lets root execute");
	ok(fails_with(execve(at("locked"), (char *[]){ "x", NULL }, (char *[]){ NULL }), ENOEXEC),
	   "root's execve of an executable that is not a program: ENOEXEC");
	make_file("suid", 04755, 0);
	ok(!chown(at("suid"), NOBODY, NOBODY) && mode_of("suid") == 0755,
	   "chown by root clears set-user-ID");
	ok(!stat(at("suid"), &st) && st.st_uid == NOBODY && st.st_gid == NOBODY,
	   "chown by root gives the file away");
	make_file("sgid", 02755, 0);
	ok(!chown(at("sgid"), -1, -1) && mode_of("sgid") == 0755,
	   "chown clears set-group-ID when group execute is set");
	ok(!chmod(at("sgid"), 06777) && mode_of("sgid") == 06777,
	   "chmod sets set-ID and permission bits");
	ok(fails_with(chmod(at("nothing"), 0644), ENOENT), "chmod of a missing file: ENOENT");
	ok(fails_with(fchmod(-1, 0644), EBADF) && fails_with(fchown(-1, 0, 0), EBADF),
	   "fchmod and fchown of a bad descriptor: EBADF");
	ok(!fchmodat(AT_FDCWD, at("sgid"), 0700, 0) && mode_of("sgid") == 0700 &&
	       !fchownat(AT_FDCWD, at("sgid"), 1, 2, 0) && !lchown(at("sgid"), 3, -1),
	   "fchmodat, fchownat and lchown");
}

static void test_nobody_files(void)
{
	int fd;

	ok(getuid() == NOBODY && geteuid() == NOBODY && getgid() == NOBODY,
	   "the child is nobody now");
	ok(fails_with(open(at("r600"), O_RDONLY), EACCES), "nobody cannot read root's 0600 file");
	fd = open(at("r644"), O_RDONLY);
	ok(fd >= 0, "nobody reads root's 0644 file");
	close(fd);
	ok(fails_with(open(at("r644"), O_WRONLY), EACCES) &&
	       fails_with(open(at("r644"), O_RDONLY | O_TRUNC), EACCES),
	   "but may not write or truncate it: EACCES");
	fd = open(at("r606"), O_RDWR);
	ok(fd >= 0, "others' rw bits let nobody read and write");
	close(fd);
	fd = open(at("g060"), O_RDWR);
	ok(fd >= 0, "the group's rw bits let a member of the file's group read and write");
	close(fd);
	ok(fails_with(open(at("g604"), O_RDONLY), EACCES),
	   "a group member gets the group's bits, not the others'");
	ok(fails_with(open(at("n066"), O_RDONLY), EACCES),
	   "the owner gets the owner's bits, not the group's or the others'");
	ok(fails_with(truncate(at("r644"), 0), EACCES), "truncate needs write permission");
	ok(fails_with(truncate(at("priv"), 0), EISDIR), "truncate of a directory: EISDIR first");
	ok(fails_with(chmod(at("r644"), 0666), EPERM), "chmod of someone else's file: EPERM");
	ok(fails_with(chown(at("r644"), NOBODY, -1), EPERM), "chown of someone else's file: EPERM");
	ok(fails_with(execve(at("r700"), (char *[]){ "x", NULL }, (char *[]){ NULL }), EACCES),
	   "execve of root's 0700 file: EACCES");
	ok(fails_with(access(at("r600"), R_OK), EACCES) && !access(at("r644"), R_OK) &&
	       fails_with(access(at("r644"), W_OK), EACCES) &&
	       fails_with(access(at("r644"), X_OK), EACCES) && !access(at("r644"), F_OK),
	   "access answers with nobody's permissions");
}

static void test_nobody_dirs(void)
{
	struct stat st;
	int fd;

	ok(fails_with(stat(at("priv/inner"), &st), EACCES),
	   "a file below a 0700 directory cannot even be looked at");
	ok(fails_with(open(at("priv/inner"), O_RDONLY), EACCES) &&
	       fails_with(chdir(at("priv")), EACCES),
	   "nor opened; chdir into the directory: EACCES");
	ok(fails_with(open(at("search"), O_RDONLY | O_DIRECTORY), EACCES),
	   "a 0711 directory cannot be listed");
	fd = open(at("search/inner"), O_RDONLY);
	ok(fd >= 0, "but what is in it can be opened by name");
	close(fd);
	ok(fails_with(open(at("ro/new"), O_RDWR | O_CREAT, 0644), EACCES) &&
	       fails_with(mkdir(at("ro/new"), 0755), EACCES) &&
	       fails_with(mkfifo(at("ro/fifo"), 0644), EACCES),
	   "no new names in a directory nobody may not write: EACCES");
	ok(fails_with(mkdir(at("ro/inner"), 0755), EEXIST),
	   "mkdir of a name that exists there: EEXIST before EACCES");
	ok(fails_with(unlink(at("ro/inner")), EACCES) &&
	       fails_with(rename(at("ro/inner"), at("open/moved")), EACCES),
	   "unlink or rename out of it: EACCES");
	ok(!unlink(at("open/roots")), "root's file in a world-writable directory can be removed");
	fd = open(at("sticky/mine"), O_RDWR | O_CREAT, 0640);
	ok(fd >= 0 && !fstat(fd, &st) && st.st_uid == NOBODY && st.st_gid == NOBODY,
	   "nobody's new file is nobody's");
	close(fd);
	ok(fails_with(unlink(at("sticky/roots")), EPERM) &&
	       fails_with(rename(at("sticky/roots"), at("sticky/x")), EPERM),
	   "in a sticky directory, someone else's file cannot be removed or renamed: EPERM");
	ok(!rename(at("sticky/mine"), at("sticky/mine2")) && !unlink(at("sticky/mine2")),
	   "but one's own can");
	ok(fails_with(link(at("r644"), at("sticky/l")), EPERM),
	   "no hard link to someone else's file one cannot write (protected_hardlinks)");
	ok(!link(at("r606"), at("sticky/l")), "a link to one that nobody can write is fine");
	ok(fails_with(mknod(at("sticky/null"), S_IFCHR | 0666, makedev(1, 3)), EPERM) &&
	       !mkfifo(at("sticky/fifo"), 0600),
	   "mknod of a device needs root: EPERM; a FIFO does not");
}

static void test_nobody_own(void)
{
	int fd = open(at("sticky/own"), O_RDWR | O_CREAT, 0644);

	ok(!fchmod(fd, 04777) && mode_of("sticky/own") == 04777,
	   "the owner may set set-user-ID on its file");
	ok(write(fd, "x", 1) == 1 && mode_of("sticky/own") == 0777,
	   "a write by anyone but root clears set-user-ID");
	ok(fails_with(fchown(fd, 0, -1), EPERM), "only root gives a file away: EPERM");
	ok(fails_with(fchown(fd, -1, 0), EPERM),
	   "the owner cannot give it to a group it is not in: EPERM");
	ok(!fchown(fd, NOBODY, NOBODY), "chown to its own IDs is allowed");
	ok(!fchmod(fd, 02755) && mode_of("sticky/own") == 02755,
	   "set-group-ID stays for a member of the file's group");
	close(fd);
	ok(fails_with(shm_open(SHM_NAME, O_RDWR, 0), EACCES),
	   "root's 0600 shared memory object cannot be opened");
	ok(fails_with(shm_unlink(SHM_NAME), EPERM), "nor removed from the sticky /dev/shm: EPERM");
}

/* Effective root, real nobody: open goes by the first, access by the second. */
static void test_real_ids(void)
{
	int fd = open(at("r600"), O_RDONLY);

	ok(fd >= 0 && geteuid() == 0 && getuid() == NOBODY,
	   "effective root opens root's 0600 file");
	close(fd);
	ok(fails_with(access(at("r600"), R_OK), EACCES), "access checks the real user: EACCES");
	ok(!faccessat(AT_FDCWD, at("r600"), R_OK, AT_EACCESS),
	   "faccessat with AT_EACCESS checks the effective one");
	ok(fails_with(faccessat(AT_FDCWD, at("r600"), R_OK, 0x4000), EINVAL),
	   "faccessat with an unknown flag: EINVAL");
}

/* kill(2)'s rule: a process signals only what runs as its own user, root excepted. */
static void test_nobody_signals(void)
{
	pid_t root_parent = getppid();
	union sigval v = { 0 };

	ok(fails_with(kill(root_parent, 0), EPERM),
	   "nobody cannot signal root's process, even with signal 0: EPERM");
	ok(fails_with(kill(root_parent, SIGUSR1), EPERM) &&
	       fails_with(sigqueue(root_parent, SIGUSR1, v), EPERM),
	   "nor with kill or sigqueue: EPERM");
	ok(!kill(root_parent, SIGCONT), "SIGCONT may go to any process of the same session");
	ok(!kill(0, 0), "kill of its group succeeds when one member (itself) may be signalled");
}

/* With effective root, a process may signal anyone. */
static void test_root_signals(void)
{
	ok(!kill(getppid(), 0), "effective root may signal any process");
}

static void test_groups(void)
{
	gid_t list[4] = { 0 };
	int fd = open(at("g4242"), O_RDONLY);

	ok(fd >= 0, "a supplementary group's bits apply");
	close(fd);
	ok(getgroups(0, NULL) == 1 && getgroups(4, list) == 1 && list[0] == 4242,
	   "getgroups lists it");
	ok(fails_with(setgroups(0, NULL), EPERM), "only root sets the groups: EPERM");
}

static void prepare(void)
{
	make_file("r600", 0600, 0);
	make_file("r644", 0644, 0);
	make_file("r606", 0606, 0);
	make_file("r700", 0700, 0);
	make_file("g060", 0060, NOBODY);
	make_file("g604", 0604, NOBODY);
	make_file("g4242", 0040, 4242);
	make_file("n066", 0066, NOBODY);
	if (chown(at("n066"), NOBODY, NOBODY))
		printf("# chown: %s\n", strerror(errno));
	make_dir("priv", 0700);
	make_file("priv/inner", 0644, 0);
	make_dir("search", 0711);
	make_file("search/inner", 0644, 0);
	make_dir("ro", 0755);
	make_dir("ro/inner", 0755);
	make_dir("open", 0777);
	make_file("open/roots", 0644, 0);
	make_dir("sticky", 01777);
	make_file("sticky/roots", 0644, 0);
	int fd = shm_open(SHM_NAME, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		printf("# shm_open: %s\n", strerror(errno));
	close(fd);
}

int main(void)
{
	static const gid_t extra[] = { 4242 };

	tap_plan(66);
	strcpy(top, "/tmp/pagelab-perm-XXXXXX");
	if (!mkdtemp(top) || chmod(top, 0755)) {
		printf("Bail out! cannot make %s\n", top);
		return 1;
	}
	shm_unlink(SHM_NAME);
	test_root();
	prepare();
	as_nobody(test_nobody_files);
	as_nobody(test_nobody_dirs);
	as_nobody(test_nobody_own);
	as_nobody(test_nobody_signals);
	as_ids(NOBODY, 0, NULL, 0, test_real_ids);
	as_ids(NOBODY, 0, NULL, 0, test_root_signals);
	as_ids(NOBODY, NOBODY, extra, 1, test_groups);
	shm_unlink(SHM_NAME);
	remove_tree(top);
	return tap_done();
}
