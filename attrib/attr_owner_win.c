/*
 * attr_owner_win.c - see attr_owner.h.  The SID and service mappings are
 * attr_iphlp.c's (bytes and lists, tested on Linux); this file asks
 * Windows.  Not GetOwnerModuleFromTcpEntry for services: wine 8 has no
 * such function (calling it ends the process), and the services list
 * gives the same names for every socket of a process at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include "attr.h"
#include "attr_iphlp.h"
#include "attr_owner.h"

struct attr_owners {
	struct iphlp_svc *svc;
	size_t n;
};

/* The users seen (uid -> account name), for attr_user_name: the UI
 * thread reads what the attribution thread writes. */
#define USERS 64
static struct { uint32_t uid; char name[32]; } users[USERS];
static unsigned nusers;
static SRWLOCK users_lock = SRWLOCK_INIT;

/* This machine's account domain SID (LookupAccountNameW of the computer
 * name), once; len 0 when it cannot be read. */
static BYTE machine[SECURITY_MAX_SID_SIZE];
static DWORD machine_len;
static INIT_ONCE machine_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK read_machine(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
	wchar_t host[MAX_COMPUTERNAME_LENGTH + 1], dom[256];
	DWORD hl = MAX_COMPUTERNAME_LENGTH + 1, dl = 256;
	DWORD len = sizeof(machine);
	SID_NAME_USE use;

	(void)once, (void)arg, (void)ctx;
	if (GetComputerNameW(host, &hl) &&
	    LookupAccountNameW(NULL, host, machine, &len, dom, &dl, &use) &&
	    use == SidTypeDomain)
		machine_len = len;
	return TRUE;
}

/* w in UTF-8 into out (size bytes), cut before a character that would
 * not fit whole (Linux's comm is cut at 15 bytes too).  0 when w cannot
 * be converted. */
static int utf8_cut(const wchar_t *w, char *out, size_t size)
{
	char tmp[1024];
	size_t n;

	if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, tmp, sizeof(tmp), NULL,
				 NULL))
		return 0;
	n = strlen(tmp);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && (tmp[n] & 0xc0) == 0x80)
			n--;	/* tmp[n] starts the character cut off */
	}
	memcpy(out, tmp, n);
	out[n] = '\0';
	return 1;
}

struct attr_owners *attr_owners_new(void)
{
	return calloc(1, sizeof(struct attr_owners));
}

void attr_owners_free(struct attr_owners *o)
{
	if (o)
		free(o->svc);
	free(o);
}

/* The services of the list into o->svc (n of them). */
static void take_services(struct attr_owners *o,
			  const ENUM_SERVICE_STATUS_PROCESSW *e, DWORD n)
{
	struct iphlp_svc *v = realloc(o->svc, (n ? n : 1) * sizeof(*v));

	o->n = 0;
	if (!v)
		return;
	o->svc = v;
	for (DWORD i = 0; i < n; i++) {
		v[o->n].pid = (int32_t)e[i].ServiceStatusProcess.dwProcessId;
		if (v[o->n].pid > 0 && utf8_cut(e[i].lpServiceName,
						   v[o->n].name,
						   sizeof(v->name)))
			o->n++;
	}
	iphlp_svc_sort(o->svc, o->n);
}

unsigned long attr_owners_refresh(struct attr_owners *o)
{
	SC_HANDLE sc = OpenSCManagerW(NULL, NULL,
				      SC_MANAGER_ENUMERATE_SERVICE);
	DWORD need = 0, n = 0, resume = 0, size = 64 * 1024, err = 0;
	BYTE *buf = NULL;

	o->n = 0;
	if (!sc)
		return GetLastError();
	for (int tries = 0; tries < 3; tries++) {
		BYTE *b = realloc(buf, size);

		if (!b) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		buf = b;
		resume = 0;
		if (EnumServicesStatusExW(sc, SC_ENUM_PROCESS_INFO,
					  SERVICE_WIN32, SERVICE_ACTIVE, buf,
					  size, &need, &n, &resume, NULL)) {
			take_services(o, (void *)buf, n);
			err = 0;
			break;
		}
		err = GetLastError();
		if (err != ERROR_MORE_DATA)
			break;
		size += need;	/* bytes still needed for the rest */
	}
	free(buf);
	CloseServiceHandle(sc);
	return err;
}

/* uid's account name, remembered for attr_user_name (first come). */
static void remember(uint32_t uid, PSID sid)
{
	wchar_t name[256], dom[256];
	DWORD nl = 256, dl = 256;
	SID_NAME_USE use;
	int known = 0;

	AcquireSRWLockShared(&users_lock);
	for (unsigned i = 0; i < nusers && i < USERS && !known; i++)
		known = users[i].uid == uid;
	ReleaseSRWLockShared(&users_lock);
	if (known || !LookupAccountSidW(NULL, sid, name, &nl, dom, &dl, &use))
		return;
	AcquireSRWLockExclusive(&users_lock);
	users[nusers % USERS].uid = uid;
	if (!utf8_cut(name, users[nusers % USERS].name, sizeof(users[0].name)))
		users[nusers % USERS].name[0] = '\0';
	nusers++;
	ReleaseSRWLockExclusive(&users_lock);
}

/* The user of process h: its token's SID as a uid. */
static uint32_t token_uid(HANDLE h)
{
	union { TOKEN_USER tu; BYTE b[sizeof(TOKEN_USER) +
				     SECURITY_MAX_SID_SIZE]; } u;
	HANDLE t;
	DWORD n = 0;
	uint32_t uid = (uint32_t)-1;

	if (!OpenProcessToken(h, TOKEN_QUERY, &t))
		return uid;
	if (GetTokenInformation(t, TokenUser, &u, sizeof(u), &n) &&
	    IsValidSid(u.tu.User.Sid)) {
		InitOnceExecuteOnce(&machine_once, read_machine, NULL, NULL);
		uid = iphlp_sid_uid(u.tu.User.Sid,
				    GetLengthSid(u.tu.User.Sid), machine,
				    machine_len);
		if (uid != (uint32_t)-1)
			remember(uid, u.tu.User.Sid);
	}
	CloseHandle(t);
	return uid;
}

int attr_owner(const struct attr_owners *o, int32_t pid, char comm[16],
	       uint32_t *uid)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
			       (DWORD)pid);
	wchar_t path[MAX_PATH];
	DWORD n = MAX_PATH;
	const wchar_t *base;
	int ok;

	*uid = (uint32_t)-1;
	strcpy(comm, "?");
	if (!h)
		return -1;
	ok = QueryFullProcessImageNameW(h, 0, path, &n);
	*uid = token_uid(h);
	CloseHandle(h);
	if (!ok)
		return 0;	/* its user, if not its name */
	base = wcsrchr(path, L'\\') ? wcsrchr(path, L'\\') + 1 : path;
	if (_wcsicmp(base, L"svchost.exe") == 0 &&
	    iphlp_svc_comm(o->svc, o->n, pid, comm))
		return 0;
	if (!utf8_cut(base, comm, 16))
		strcpy(comm, "?");
	return 0;
}

int attr_user_name(uint32_t uid, char *buf, size_t len)
{
	int rc = -1;

	AcquireSRWLockShared(&users_lock);
	for (unsigned i = 0; i < nusers && i < USERS && rc; i++)
		if (users[i].uid == uid && users[i].name[0]) {
			snprintf(buf, len, "%s", users[i].name);
			rc = 0;
		}
	ReleaseSRWLockShared(&users_lock);
	return rc;
}
