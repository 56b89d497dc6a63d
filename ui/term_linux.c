/*
 * term_linux.c - term.h on Linux and the other POSIX systems: terminfo
 * by TERM; SIGWINCH (core/sig_linux.c) for a new size, read from the
 * terminal itself.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

#include "../core/sig.h"
#include "term.h"

static SCREEN *scr;
static FILE *tty_in;	/* the keyboard when stdin is not a terminal (-r -) */
static int curses_on;

void term_close(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
	if (scr) {
		delscreen(scr);
		scr = NULL;
	}
	if (tty_in) {
		fclose(tty_in);
		tty_in = NULL;
	}
}

#if !defined(__SANITIZE_ADDRESS__)
/* A fatal signal (a crash) skips atexit: put the terminal back with
 * async-signal-safe calls only (the modes saved before curses, leave the
 * alternate screen, reset attributes); core/sig_linux.c then lets the signal
 * kill the process as usual. */
static struct termios saved_tio;
static int saved_fd = -1;

static void term_crash(void)
{
	static const char reset[] = "\033[?1049l\033[0m\033[?25h\r\n";

	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_tio);
	/* nothing more to try if this fails */
	ssize_t n = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
	(void)n;
}

static void on_crash(void)
{
	int fd = isatty(STDIN_FILENO) ? STDIN_FILENO : STDOUT_FILENO;

	if (tcgetattr(fd, &saved_tio) == 0)
		saved_fd = fd;
	sig_on_fatal(term_crash);
}
#endif

int term_open(void)
{
	static int registered;
	FILE *in = stdin;

	if (!registered) {
		atexit(term_close);
#if defined(__SANITIZE_ADDRESS__)
		/* a sanitizer's report ends in _exit(), not exit() */
		__sanitizer_set_death_callback(term_close);
#endif
		registered = 1;
	}
#if !defined(__SANITIZE_ADDRESS__)
	on_crash();	/* a sanitizer reports crashes itself (see above) */
#endif
	if (!isatty(STDIN_FILENO) && !(in = tty_in = fopen("/dev/tty", "r")))
		return -1;
	if (!(scr = newterm(NULL, stdout, in))) {
		term_close();
		return -1;
	}
	curses_on = 1;
	return 0;
}

const char *term_name(void)
{
	return getenv("TERM") ? getenv("TERM") : "";
}

int term_take_resize(void)
{
	struct winsize ws;

	if (!sig_take_winch())
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row &&
	    ws.ws_col) {
		resizeterm(ws.ws_row, ws.ws_col);
	} else {
		endwin();
		refresh();
	}
	clearok(curscr, TRUE);
	return 1;
}
