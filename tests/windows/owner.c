/*
 * owner.c - attrib/attr_owner_win.c on wine's real APIs (run by
 * tests/windows/run.sh).  Wine's IP Helper tables give every socket pid
 * 0, so porttop.exe's own rows never reach the owner code under wine;
 * this program calls it for processes it can name independently:
 *   - itself: its image's file name (GetModuleFileNameW), and its user,
 *     whose name attr_user_name gives for the uid and GetUserNameW gives
 *     for the thread (wine: S-1-5-21-0-0-0-1000, the Unix user);
 *   - each running Win32 service's process (its own
 *     EnumServicesStatusExW): for svchost.exe, the name of a service it
 *     hosts ("+N" when it hosts more), else its image's file name (wine
 *     runs Eventlog in svchost.exe);
 *   - a pid no process has: "?" and -1.
 * Prints "ok N - what", "not ok N - what" or "# SKIP"; exits 1 when one
 * is not ok.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include "../../attrib/attr.h"
#include "../../attrib/attr_owner.h"

static int failed, n;

static void ok(int cond, const char *what, const char *got)
{
	printf("%sok %d - %s (%s)\n", cond ? "" : "not ", ++n, what, got);
	failed |= !cond;
}

/* The file name of a path, UTF-8, cut as comm is (15 bytes, ASCII here). */
static void base(const wchar_t *path, char out[16])
{
	const wchar_t *b = wcsrchr(path, L'\\') ? wcsrchr(path, L'\\') + 1 :
			   path;

	snprintf(out, 16, "%ls", b);
}

static void self(const struct attr_owners *o)
{
	wchar_t path[MAX_PATH], user[256];
	DWORD ul = 256;
	char want[16], comm[16], name[64] = "", wuser[256];
	uint32_t uid;

	GetModuleFileNameW(NULL, path, MAX_PATH);
	base(path, want);
	ok(attr_owner(o, (int32_t)GetCurrentProcessId(), comm, &uid) == 0 &&
	   strcmp(comm, want) == 0, "its own process's name", comm);
	GetUserNameW(user, &ul);
	snprintf(wuser, sizeof(wuser), "%ls", user);
	ok(uid != (uint32_t)-1 && attr_user_name(uid, name, sizeof(name)) == 0
	   && strcmp(name, wuser) == 0, "its user's uid names GetUserNameW's "
	   "user", name);
	printf("# uid %u\n", uid);
}

/* pid's image file name into want; 0, or -1 when it cannot be read. */
static int image(DWORD pid, char want[16])
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	wchar_t path[MAX_PATH];
	DWORD len = MAX_PATH;
	int rc = h && QueryFullProcessImageNameW(h, 0, path, &len) ? 0 : -1;

	if (h)
		CloseHandle(h);
	if (!rc)
		base(path, want);
	return rc;
}

/* Whether comm names svchost.exe process pid as attr_owner.h says: one
 * of its services' names (e[0..cnt) lists them), cut to 15 bytes, with
 * "+N" when it hosts N more. */
static int svc_named(const char *comm, DWORD pid,
		     const ENUM_SERVICE_STATUS_PROCESSW *e, DWORD cnt)
{
	const char *plus = strchr(comm, '+');
	size_t hl = plus ? (size_t)(plus - comm) : strlen(comm);
	unsigned more = plus ? (unsigned)atoi(plus + 1) : 0, count = 0;
	int head = 0;

	for (DWORD i = 0; i < cnt; i++) {
		char svc[64];

		if (e[i].ServiceStatusProcess.dwProcessId != pid)
			continue;
		count++;
		snprintf(svc, sizeof(svc), "%ls", e[i].lpServiceName);
		head |= hl > 0 && strncmp(svc, comm, hl) == 0 &&
			(svc[hl] == '\0' || hl == 15 - (plus ? strlen(plus) :
							 0));
	}
	return head && count == more + 1;
}

static void services(const struct attr_owners *o)
{
	static BYTE buf[1 << 16];
	SC_HANDLE sc = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
	DWORD need = 0, cnt = 0, resume = 0;
	ENUM_SERVICE_STATUS_PROCESSW *e = (void *)buf;
	int hosted = 0;

	if (!sc || !EnumServicesStatusExW(sc, SC_ENUM_PROCESS_INFO,
					  SERVICE_WIN32, SERVICE_ACTIVE, buf,
					  sizeof(buf), &need, &cnt, &resume,
					  NULL)) {
		printf("# SKIP services: the service manager cannot be read\n");
		return;
	}
	for (DWORD i = 0; i < cnt; i++) {
		DWORD pid = e[i].ServiceStatusProcess.dwProcessId;
		char img[16], comm[16], what[128];
		uint32_t uid;

		if (!pid || image(pid, img) < 0)
			continue;
		attr_owner(o, (int32_t)pid, comm, &uid);
		snprintf(what, sizeof(what), "service %ls's process (%s)",
			 e[i].lpServiceName, img);
		if (_stricmp(img, "svchost.exe") != 0) {
			ok(strcmp(comm, img) == 0, what, comm);
			continue;
		}
		hosted++;
		ok(svc_named(comm, pid, e, cnt), what, comm);
	}
	if (!hosted)
		printf("# SKIP svchost: no running service is hosted by "
		       "svchost.exe here\n");
	CloseServiceHandle(sc);
}

int main(void)
{
	struct attr_owners *o = attr_owners_new();
	char comm[16];
	uint32_t uid;

	if (!o)
		return 1;
	ok(attr_owners_refresh(o) == 0, "EnumServicesStatusExW read", "");
	self(o);
	services(o);
	ok(attr_owner(o, 0x7ffffff0, comm, &uid) == -1 && strcmp(comm, "?") ==
	   0 && uid == (uint32_t)-1, "a pid no process has", comm);
	attr_owners_free(o);
	return failed;
}
