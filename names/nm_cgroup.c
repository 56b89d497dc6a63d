/*
 * nm_cgroup.c - what a cgroup path says: a container and its runtime, a
 * pod, a systemd unit (see nm_who.h for the forms).  Text only, no I/O.
 *
 * Sources: cgroups(7) (/proc/PID/cgroup); systemd.unit(5), systemd.scope
 * and systemd.slice (unit names; '-' in a slice name is its path);
 * moby's daemon/cgroups and runc's libcontainer/cgroups/systemd (the
 * docker-ID.scope and "slice:prefix:name" forms); Podman's
 * libpod-ID.scope and libpod_parent; the kubelet's cgroup_manager_linux
 * (kubepods[-QOS]-podUID.slice with '_' for '-', or kubepods/QOS/podUID);
 * containerd's cri-containerd-ID.scope (and /k8s.io/ID, its CRI
 * namespace, for a pod given no cgroup parent); CRI-O's crio-ID.scope (and
 * crio-conmon-ID.scope, its monitor: not the container).
 */
#include <stdio.h>
#include <string.h>

#include "nm_who.h"

/* s has n lower-case hex digits exactly up to its end or a '.' */
static int hex_id(const char *s, size_t len)
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static const struct {
	const char *prefix;
	int rt;
} scopes[] = {
	{ "docker-", NM_RT_DOCKER }, { "libpod-", NM_RT_PODMAN },
	{ "cri-containerd-", NM_RT_CONTAINERD }, { "crio-", NM_RT_CRIO },
};

/* A container in one path component [c, c + len): "PREFIX-ID[.scope]",
 * "SLICE:PREFIX:ID", or a bare ID under parent "docker" or a pod. */
static int component(const char *c, size_t len, const char *parent,
		     size_t plen, int in_pod, struct nm_cg *cg)
{
	const char *colon = memchr(c, ':', len);
	size_t idlen = len;

	if (len > 6 && !memcmp(c + len - 6, ".scope", 6))
		idlen -= 6;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix);

		if (idlen > pl && !memcmp(c, scopes[i].prefix, pl) &&
		    hex_id(c + pl, idlen - pl)) {
			cg->rt = (uint8_t)scopes[i].rt;
			memcpy(cg->id, c + pl, 64);
			return 1;
		}
	}
	if (colon && len - (size_t)(colon - c) > 65) {	/* slice:prefix:ID */
		const char *id = c + len - 64;

		if (id[-1] == ':' && hex_id(id, 64)) {
			cg->rt = !memcmp(colon + 1, "cri-containerd:", 15) ?
				 NM_RT_CONTAINERD :
				 !memcmp(colon + 1, "crio:", 5) ? NM_RT_CRIO :
				 !memcmp(colon + 1, "docker:", 7) ?
				 NM_RT_DOCKER : NM_RT_KUBE;
			memcpy(cg->id, id, 64);
			return 1;
		}
	}
	if (hex_id(c, len) &&
	    ((plen == 6 && !memcmp(parent, "docker", 6)) || in_pod)) {
		cg->rt = in_pod ? NM_RT_KUBE : NM_RT_DOCKER;
		memcpy(cg->id, c, 64);
		return 1;
	}
	if (hex_id(c, len) && plen == 6 && !memcmp(parent, "k8s.io", 6)) {
		cg->rt = NM_RT_CONTAINERD;	/* its CRI namespace, no parent */
		memcpy(cg->id, c, 64);
		return 1;
	}
	return 0;
}

/* A kubepods pod in [c, c + len): "podUID" (cgroupfs) or
 * "kubepods[-QOS]-podUID.slice" (systemd, '_' for '-'). */
static int pod(const char *c, size_t len, struct nm_cg *cg)
{
	const char *p = NULL;
	size_t n;

	if (len == 39 && !memcmp(c, "pod", 3))
		p = c + 3;
	else if (len > 50 && !memcmp(c, "kubepods", 8) &&
		 !memcmp(c + len - 6, ".slice", 6) &&
		 !memcmp(c + len - 46, "-pod", 4))
		p = c + len - 42;
	if (!p)
		return 0;
	for (n = 0; n < 36; n++) {
		char x = p[n] == '_' ? '-' : p[n];
		int dash = n == 8 || n == 13 || n == 18 || n == 23;

		if (dash ? x != '-' : !((x >= '0' && x <= '9') ||
					(x >= 'a' && x <= 'f')))
			return 0;
		cg->pod_uid[n] = x;
	}
	cg->pod_uid[36] = '\0';
	return 1;
}

/* A unit name: "NAME.service" or "NAME.scope". */
static int unit(const char *c, size_t len)
{
	return (len > 8 && !memcmp(c + len - 8, ".service", 8)) ||
	       (len > 6 && !memcmp(c + len - 6, ".scope", 6));
}

int nm_cgroup_parse(const char *path, struct nm_cg *out)
{
	const char *c = path, *parent = "", *u = NULL;
	size_t plen = 0, ulen = 0;
	int in_pod = 0, found = 0;

	memset(out, 0, sizeof(*out));
	while (*c) {
		size_t len;

		c += strspn(c, "/");
		if (!(len = strcspn(c, "/")))
			break;
		if (!out->pod_uid[0] && pod(c, len, out))
			in_pod = 1;
		/* the deepest container wins: a process may sit in a
		 * sub-cgroup of its container ("libpod-ID.scope/container") */
		struct nm_cg x = *out;
		if (component(c, len, parent, plen, in_pod, &x)) {
			memcpy(out->id, x.id, sizeof(out->id));
			out->rt = x.rt;
			found = 1;
		} else if (unit(c, len) && len < NM_UNIT_LEN) {
			u = c;
			ulen = len;
		}
		parent = c;
		plen = len;
		c += len;
	}
	if (!found && u) {
		memcpy(out->unit, u, ulen);
		out->unit[ulen] = '\0';
		for (char *x = out->unit; *x; x++)	/* safe in reports */
			if ((unsigned char)*x < 0x21 || *x == ',' ||
			    *x == '"' || *x == '\\' || *x == 0x7f)
				*x = '_';
	}
	if (!found)
		out->rt = NM_RT_NONE;
	return found || out->unit[0];
}

/* One line "ID:CONTROLLERS:PATH" [s, e): its path into p (len bytes),
 * and which hierarchy it is: 2 cgroup v2, 1 name=systemd, 0 another. */
static int line(const char *s, const char *e, char *p, size_t len)
{
	const char *a = memchr(s, ':', (size_t)(e - s)), *b;
	size_t n;

	if (!a || !(b = memchr(a + 1, ':', (size_t)(e - a - 1))))
		return -1;
	n = (size_t)(e - b - 1) < len - 1 ? (size_t)(e - b - 1) : len - 1;
	memcpy(p, b + 1, n);
	p[n] = '\0';
	if (b == a + 1 && a - s == 1 && s[0] == '0')
		return 2;
	return (size_t)(b - a - 1) == 12 && !memcmp(a + 1, "name=systemd", 12);
}

int nm_cgroup_file(const char *text, char *path, size_t len,
		   struct nm_cg *out)
{
	char p[NM_PATH_LEN], best[3][NM_PATH_LEN] = { "", "", "" };
	struct nm_cg cg, unit_of[3];
	int have_unit[3] = { 0, 0, 0 };

	memset(out, 0, sizeof(*out));
	memset(unit_of, 0, sizeof(unit_of));
	/* a container from v2's line first, then name=systemd's, then any */
	for (int pass = 2; pass >= 0; pass--) {
		for (const char *s = text, *e; *s; s = *e ? e + 1 : e) {
			int h;

			e = s + strcspn(s, "\n");
			if ((h = line(s, e, p, sizeof(p))) != pass)
				continue;
			if (!best[h][0])
				snprintf(best[h], sizeof(best[h]), "%s", p);
			if (!nm_cgroup_parse(p, &cg))
				continue;
			if (cg.id[0]) {
				*out = cg;
				snprintf(path, len, "%s", p);
				return 1;
			}
			if (!have_unit[h]) {
				unit_of[h] = cg;
				have_unit[h] = 1;
			}
		}
	}
	for (int h = 2; h >= 1; h--)
		if (have_unit[h]) {
			*out = unit_of[h];
			snprintf(path, len, "%s", best[h]);
			return 1;
		}
	snprintf(path, len, "%s", best[2][0] ? best[2] : best[1]);
	return 0;
}
