/* os_linux.c - see os.h. */
#include "os.h"

void os_init(void)
{
}
