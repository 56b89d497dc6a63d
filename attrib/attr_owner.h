/*
 * attr_owner.h - who a Windows process is, for the rows of IP Helper's
 * tables (attr_iphlp_win.c): its name (its image's file name; for
 * svchost.exe, the services it hosts, EnumServicesStatusExW) and its user
 * (its token's SID, GetTokenInformation(TokenUser), as a uid by
 * iphlp_sid_uid, named by LookupAccountSidW for attr_user_name).
 * Windows only (attr_owner_win.c); internal to attrib/ but for
 * attr_user_name (attr.h) and the wine test (tests/windows/owner.c).
 */
#ifndef PORTTOP_ATTR_OWNER_H
#define PORTTOP_ATTR_OWNER_H

#include <stdint.h>

struct attr_owners;

/* attr_owners_new: an empty services list; NULL out of memory. */
struct attr_owners *attr_owners_new(void);
void attr_owners_free(struct attr_owners *o);

/* attr_owners_refresh: the running Win32 services and their processes,
 * read again (once per dump: services start and stop).  0, or Windows'
 * error (the list is then empty: svchost.exe keeps its own name). */
unsigned long attr_owners_refresh(struct attr_owners *o);

/* attr_owner: pid's name into comm (UTF-8, at most 15 bytes, as Linux's
 * comm; "?" when the process cannot be opened: another user's, without
 * privileges) and its user's uid into *uid ((uint32_t)-1 when its token
 * is out of reach or its SID has no uid).  0, or -1 when the process
 * could not be opened. */
int attr_owner(const struct attr_owners *o, int32_t pid, char comm[16],
	       uint32_t *uid);

#endif
