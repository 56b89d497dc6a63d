/*
 * status.h - how a run ends: a typed error with a one-line message, and
 * the exit status each kind maps to (porttop.8, EXIT STATUS).  Callers
 * decide by the code, never by the message's text.
 */
#ifndef PORTTOP_STATUS_H
#define PORTTOP_STATUS_H

enum pt_status {
	PT_OK = 0,
	/* before any packet was read: exit 2 */
	PT_ERR_USAGE,		/* options that cannot work together */
	PT_ERR_OPEN,		/* the file or device cannot be opened */
	PT_ERR_LINKTYPE,	/* no decoder for the link type */
	PT_ERR_FILTER,		/* the filter expression does not compile */
	PT_ERR_ATTRIB,		/* a forced --attrib cannot work */
	PT_ERR_PRIV,		/* -Z failed */
	PT_ERR_OUTPUT_OPEN,	/* -w or --events cannot be created */
	PT_ERR_NOMEM,		/* the flow table, a report, ... */
	PT_ERR_TERMINAL,	/* the view cannot use the terminal */
	/* mid-way, with a partial result written: exit 1 */
	PT_ERR_INPUT,		/* the file turned out damaged, or the
				   device failed or went away */
	PT_ERR_OUTPUT,		/* writing -w, a report or the events failed
				   while the capture went on */
};

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_DAMAGED = 1, EXIT_USAGE = 2 };

#define PT_MSG_MAX 512

/* An error: its kind and one line for the user, without the "porttop: "
 * prefix and without a newline ("" with PT_OK). */
struct pt_err {
	enum pt_status code;
	char msg[PT_MSG_MAX];
};

/* pt_fail: set *e to code with a printf-style message; returns code. */
__attribute__((format(printf, 3, 4)))
enum pt_status pt_fail(struct pt_err *e, enum pt_status code,
		       const char *fmt, ...);

/* pt_exit: the exit status of a run that ended with s. */
static inline int pt_exit(enum pt_status s)
{
	return s == PT_OK ? EXIT_OK : s >= PT_ERR_INPUT ? EXIT_DAMAGED :
							  EXIT_USAGE;
}

#endif
