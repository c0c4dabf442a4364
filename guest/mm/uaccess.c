// SPDX-License-Identifier: MIT
/*
 * Kernel access to user memory. The range check keeps user pointers out of
 * the kernel half; a missing page faults inside copy_user (entry.S), where
 * the page-fault handler either brings the page in or lets the exception
 * table turn the fault into -EFAULT.
 */
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/uaccess.h>

static bool user_range_ok(u64 uaddr, size_t len)
{
	return uaddr + len >= uaddr && uaddr + len <= USER_TOP;
}

int copy_to_user(u64 uaddr, const void *src, size_t len)
{
	if (!user_range_ok(uaddr, len))
		return -EFAULT;
	return copy_user((void *)uaddr, src, len);
}

int copy_from_user(void *dst, u64 uaddr, size_t len)
{
	if (!user_range_ok(uaddr, len))
		return -EFAULT;
	return copy_user(dst, (const void *)uaddr, len);
}

/* Byte by byte through copy_user: strings are short and faults are rare. */
long strncpy_from_user(char *dst, u64 uaddr, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (copy_from_user(&dst[i], uaddr + i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return -ENAMETOOLONG;
}
