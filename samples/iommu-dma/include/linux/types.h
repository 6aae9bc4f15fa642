/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types of the sample library. The library is freestanding: it uses no
 * libc header, only what the compiler itself defines.
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

typedef __SIZE_TYPE__ size_t;

/* CPU physical and device (bus) addresses: one word on every supported target. */
typedef unsigned long phys_addr_t;
typedef unsigned long dma_addr_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

#define BITS_PER_LONG (__SIZEOF_LONG__ * 8)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* _LINUX_TYPES_H */
