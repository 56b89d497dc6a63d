/* wake_linux.c - see wake.h: a pipe the capture thread writes one byte
 * to at its end, polled with sig.h's wake pipe. */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "sig.h"
#include "wake.h"

struct wake {
	int fd[2];
};

int wake_open(struct wake **out)
{
	struct wake *w = malloc(sizeof(*w));

	*out = NULL;
	if (!w)
		return -1;
	if (pipe2(w->fd, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void wake_post(struct wake *w)
{
	char b = 1;

	if (write(w->fd[1], &b, 1) < 0) {
		/* the caller sees its own flag within its slice */
	}
}

void wake_wait(struct wake *w, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = w->fd[0], .events = POLLIN },
			       { .fd = sig_wake_fd(), .events = POLLIN } };

	/* once stopped by a signal, wait for the thread's end only: the
	 * wake pipe stays readable */
	poll(p, sig_stopped() || p[1].fd < 0 ? 1 : 2, timeout_ms);
}

void wake_close(struct wake *w)
{
	if (!w)
		return;
	close(w->fd[0]);
	close(w->fd[1]);
	free(w);
}
