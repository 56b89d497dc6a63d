/* vmem_linux.c - see vmem.h. */
#include <sys/mman.h>

#include "vmem.h"

void *vmem_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (len >= (2u << 20))
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void vmem_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}
