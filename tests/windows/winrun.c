/*
 * winrun.c - run many porttop.exe commands in one wine start (tests/windows
 * /run.sh): wine takes about a second to start a process from Linux, a few
 * milliseconds to start one from a Windows process.  Reads a manifest:
 *
 *   @ NAME STDIN STDOUT STDERR     (paths; "-" for no standard input)
 *   ARG                            (one line per argument, argv[0] first)
 *   .
 *
 * and for each record runs the command with those files as its standard
 * streams, then appends "NAME EXITCODE" to the results file.  Arguments
 * are quoted for the C runtime's parser (CommandLineToArgvW's rules).
 * Usage: winrun MANIFEST RESULTS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define MAX_CMD 32768

/* Append one argument to cmd, quoted so that the child's argv gets it. */
static void quote(char *cmd, size_t *n, const char *a)
{
	size_t bs = 0;

	if (*n)
		cmd[(*n)++] = ' ';
	cmd[(*n)++] = '"';
	for (; *a && *n < MAX_CMD - 8; a++) {
		if (*a == '\\') {
			bs++;
			cmd[(*n)++] = '\\';
			continue;
		}
		if (*a == '"') {	/* double the backslashes before it */
			for (size_t i = 0; i < bs + 1; i++)
				cmd[(*n)++] = '\\';
		}
		bs = 0;
		cmd[(*n)++] = *a;
	}
	for (size_t i = 0; i < bs; i++)		/* before the closing quote */
		cmd[(*n)++] = '\\';
	cmd[(*n)++] = '"';
	cmd[*n] = '\0';
}

static HANDLE open_std(const char *path, int out)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };

	if (!out && !strcmp(path, "-"))
		path = "NUL";
	return CreateFileA(path, out ? GENERIC_WRITE : GENERIC_READ,
			   FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
			   out ? CREATE_ALWAYS : OPEN_EXISTING,
			   FILE_ATTRIBUTE_NORMAL, NULL);
}

static DWORD run(char *cmd, const char *in, const char *out, const char *err)
{
	STARTUPINFOA si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES };
	PROCESS_INFORMATION pi;
	DWORD code = 255;
	BOOL made = FALSE;

	si.hStdInput = open_std(in, 0);
	si.hStdOutput = open_std(out, 1);
	si.hStdError = open_std(err, 1);
	/* wine on a loaded host now and then fails to start a process: try
	 * again (a harness failure is not porttop's exit status), and say
	 * so in wine.log when it never starts */
	for (int i = 0; i < 5 && !made; i++) {
		if (i)
			Sleep(200);
		made = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL,
				      &si, &pi);
	}
	if (!made)
		fprintf(stderr, "winrun: CreateProcess failed (error %lu): %s\n",
			(unsigned long)GetLastError(), cmd);
	if (made) {
		WaitForSingleObject(pi.hProcess, INFINITE);
		GetExitCodeProcess(pi.hProcess, &code);
		CloseHandle(pi.hProcess);
		CloseHandle(pi.hThread);
	}
	CloseHandle(si.hStdInput);
	CloseHandle(si.hStdOutput);
	CloseHandle(si.hStdError);
	return code;
}

int main(int argc, char **argv)
{
	static char line[MAX_CMD], cmd[MAX_CMD];
	char name[256], in[1024], out[1024], err[1024];
	FILE *m, *r;
	size_t n = 0;

	if (argc != 3 || !(m = fopen(argv[1], "r")) ||
	    !(r = fopen(argv[2], "wb"))) {
		fprintf(stderr, "usage: winrun MANIFEST RESULTS\n");
		return 2;
	}
	while (fgets(line, sizeof(line), m)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '@') {
			sscanf(line, "@ %255s %1023s %1023s %1023s", name, in,
			       out, err);
			n = 0;
			cmd[0] = '\0';
		} else if (!strcmp(line, ".")) {
			fprintf(r, "%s %lu\n", name,
				(unsigned long)run(cmd, in, out, err));
			fflush(r);
		} else {
			quote(cmd, &n, line);
		}
	}
	fclose(m);
	fclose(r);
	return 0;
}
