/*
 * vmem.h - large zeroed memory that costs address space until touched
 * (the flow table's records): anonymous mmap(2) on Linux (vmem_linux.c),
 * VirtualAlloc on Windows (vmem_win.c).
 */
#ifndef PORTTOP_VMEM_H
#define PORTTOP_VMEM_H

#include <stddef.h>

/* vmem_alloc: len bytes of zeroes, or NULL. */
void *vmem_alloc(size_t len);

/* vmem_free: give back what vmem_alloc(len) gave (NULL is ignored). */
void vmem_free(void *p, size_t len);

#endif
