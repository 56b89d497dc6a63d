/*
 * term.h - the view's terminal: curses started on the terminal the user
 * types at, and put back whatever the way out.  term_linux.c: terminfo
 * (TERM), the keyboard from /dev/tty when stdin is a capture (-r -),
 * SIGWINCH for sizes.  term_win.c: ncurses' Windows console driver
 * ("#win32con": no terminfo on Windows), the keyboard from CONIN$, the
 * console's size polled (the driver reports no resize).
 */
#ifndef PORTTOP_TERM_H
#define PORTTOP_TERM_H

/* term_open: curses on (newterm; cbreak, keypad and the rest are the
 * caller's), term_close registered with atexit and with the crash hook
 * (core/sig.h).  0, or -1 when there is no terminal (curses left again).
 * term_name says which terminal was asked for, for the message. */
int term_open(void);
const char *term_name(void);

/* term_close: leave curses and free it (idempotent). */
void term_close(void);

/* term_take_resize: 1 once after the terminal changed size, curses told
 * already (the caller redraws), else 0. */
int term_take_resize(void);

#endif
