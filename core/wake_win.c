/* wake_win.c - see wake.h: a manual-reset event set by the capture thread
 * at its end, waited for with sig_win.c's stop event. */
#include <stdlib.h>
#include <windows.h>

#include "sig.h"
#include "sig_win.h"
#include "wake.h"

struct wake {
	HANDLE ev;
};

int wake_open(struct wake **out)
{
	struct wake *w = malloc(sizeof(*w));

	*out = NULL;
	if (!w)
		return -1;
	if (!(w->ev = CreateEventW(NULL, TRUE, FALSE, NULL))) {
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void wake_post(struct wake *w)
{
	SetEvent(w->ev);
}

void wake_wait(struct wake *w, int timeout_ms)
{
	HANDLE h[2] = { w->ev, sig_stop_event() };
	DWORD n = sig_stopped() || !h[1] ? 1 : 2;

	WaitForMultipleObjects(n, h, FALSE,
			       timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
}

void wake_close(struct wake *w)
{
	if (!w)
		return;
	CloseHandle(w->ev);
	free(w);
}
