/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;

#define __aligned(x)			__attribute__((aligned(x)))
#define __noreturn			__attribute__((noreturn))
#define __noinline			__attribute__((noinline))
#define __packed			__attribute__((packed))
#define __section(s)			__attribute__((section(s)))
#define __printf(a, b)			__attribute__((format(printf, a, b)))
#define likely(x)			__builtin_expect(!!(x), 1)
#define unlikely(x)			__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)			(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)			(((x) + (a)-1) & ~((u64)(a)-1))
#define ALIGN_DOWN(x, a)		((x) & ~((u64)(a)-1))
#define MIN(a, b)			((a) < (b) ? (a) : (b))
#define MAX(a, b)			((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#endif
