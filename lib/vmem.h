/*
 * vmem.h - large zeroed memory that costs address space until touched
 * (the flow table's records, the ports' distinct set): anonymous mmap(2)
 * on Linux (vmem_linux.c), VirtualAlloc on Windows (vmem_win.c).
 */
#ifndef PORTTOP_VMEM_H
#define PORTTOP_VMEM_H

#include <stddef.h>

/* vmem_alloc: len bytes of zeroes, or NULL.  On Linux, from 2 MiB on,
 * in transparent huge pages when the system allows (madvise): a table
 * read at random then misses the TLB far less. */
void *vmem_alloc(size_t len);

/* vmem_free: give back what vmem_alloc(len) gave (NULL is ignored). */
void vmem_free(void *p, size_t len);

#endif
