/*
 * term_win.c - term.h on Windows: ncurses' Windows console driver, asked
 * for by name ("#win32con"): Windows has no terminfo, and TERM, when a
 * terminal (or wine) sets it, names one this build cannot read.  The
 * driver draws into a screen buffer of its own and makes the console's
 * first one active again on endwin, as the alternate screen does on
 * Linux.  It reads keys from the standard input handle, so when stdin is
 * a capture (-r -) that handle becomes CONIN$ (the C runtime's fd 0 stays
 * the capture).  It reports no resize: the console window's size is
 * polled instead.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "../core/sig.h"
#include "term.h"

static SCREEN *scr;
static int curses_on;
static HANDLE con_in = INVALID_HANDLE_VALUE;	/* CONIN$ for -r - */
static HANDLE first_out = INVALID_HANDLE_VALUE;	/* the shell's buffer */
static DWORD in_mode, out_mode;
static int modes_saved;

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
	if (con_in != INVALID_HANDLE_VALUE) {
		CloseHandle(con_in);
		con_in = INVALID_HANDLE_VALUE;
	}
}

/* A crash skips atexit (core/sig_win.c runs this from the unhandled-
 * exception filter): the console modes saved before curses and the
 * shell's screen buffer back, with plain console calls only. */
static void term_crash(void)
{
	if (!modes_saved)
		return;
	SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), in_mode);
	SetConsoleMode(first_out, out_mode);
	SetConsoleActiveScreenBuffer(first_out);
}

static void save_modes(void)
{
	first_out = GetStdHandle(STD_OUTPUT_HANDLE);
	modes_saved = GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE),
				     &in_mode) &&
		      GetConsoleMode(first_out, &out_mode);
	sig_on_fatal(term_crash);
}

int term_open(void)
{
	static int registered;
	DWORD mode;

	if (!registered) {
		atexit(term_close);
		registered = 1;
	}
	if (!GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mode)) {
		con_in = CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE,
				     FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
				     OPEN_EXISTING, 0, NULL);
		if (con_in == INVALID_HANDLE_VALUE)
			return -1;
		SetStdHandle(STD_INPUT_HANDLE, con_in);
	}
	save_modes();
	if (!(scr = newterm("#win32con", stdout, stdin))) {
		term_close();
		return -1;
	}
	curses_on = 1;
	return 0;
}

const char *term_name(void)
{
	return "#win32con";
}

int term_take_resize(void)
{
	CONSOLE_SCREEN_BUFFER_INFO bi;
	HANDLE out;
	int rows, cols;

	out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE,
			  FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			  OPEN_EXISTING, 0, NULL);
	if (out == INVALID_HANDLE_VALUE)
		return 0;
	int ok = GetConsoleScreenBufferInfo(out, &bi);
	CloseHandle(out);
	if (!ok)
		return 0;
	rows = bi.srWindow.Bottom - bi.srWindow.Top + 1;
	cols = bi.srWindow.Right - bi.srWindow.Left + 1;
	if (rows <= 0 || cols <= 0 || (rows == LINES && cols == COLS))
		return 0;
	resize_term(rows, cols);
	clearok(curscr, TRUE);
	return 1;
}
