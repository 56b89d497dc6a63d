/* vmem_win.c - see vmem.h.  Committed pages are zero and take no RAM
 * until first touched, as with mmap. */
#include <windows.h>

#include "vmem.h"

void *vmem_alloc(size_t len)
{
	return VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT,
			    PAGE_READWRITE);
}

void vmem_free(void *p, size_t len)
{
	(void)len;
	if (p)
		VirtualFree(p, 0, MEM_RELEASE);
}
