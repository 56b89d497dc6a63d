/*
 * diff_map.c - --map FILE (diff_int.h): the baseline's addresses renamed
 * to the current run's, for tests whose addresses change from run to
 * run (DHCP, containers, CI runners).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../filters/dfilter.h"
#include "diff_int.h"

struct diff_map {
	size_t n;
	struct map_rule {
		struct df_net from, to;
	} *r;
};

/* One line's words into r: NULL, or what is wrong with them. */
static const char *rule(char *line, struct map_rule *r)
{
	const char *sep = " \t\r\n";
	char *save, *from = strtok_r(line, sep, &save);
	char *to = from ? strtok_r(NULL, sep, &save) : NULL;
	int full_to;

	if (!to || strtok_r(NULL, sep, &save))
		return "give two addresses or networks: BASELINE CURRENT";
	if (df_net_parse(from, &r->from) < 0 || df_net_parse(to, &r->to) < 0)
		return "not an address or network ADDR/PREFIX";
	full_to = r->to.prefix == (r->to.family == 4 ? 32 : 128);
	if (!full_to && (r->from.family != r->to.family ||
			 r->from.prefix != r->to.prefix))
		return "CURRENT is an address, or a network of BASELINE's "
		       "family and prefix length (the host bits are kept)";
	return NULL;
}

/* The file's rules into m: 0, or -1 with err set. */
static int rules_of(FILE *f, const char *path, struct diff_map *m,
		    char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, room = 0;
	long no = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) > 0) {
		const char *bad;
		char *hash = strchr(line, '#');

		no++;
		if (hash)
			*hash = '\0';
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (m->n == room) {
			struct map_rule *r = realloc(m->r, (room = 2 * room + 8) *
							     sizeof(*r));
			if (!r) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
				break;
			}
			m->r = r;
		}
		if ((bad = rule(line, &m->r[m->n])) != NULL) {
			snprintf(err, errlen, "%s:%ld: %s", path, no, bad);
			rc = -1;
		}
		m->n++;
	}
	free(line);
	return rc;
}

struct diff_map *diff_map_load(const char *path, char *err, size_t errlen)
{
	struct diff_map *m = calloc(1, sizeof(*m));
	FILE *f = fopen(path, "r");
	int rc = -1;

	if (!f)
		snprintf(err, errlen, "--map %s: %s", path, strerror(errno));
	else if (!m)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		rc = rules_of(f, path, m, err, errlen);
	if (f && ferror(f) && rc == 0) {
		snprintf(err, errlen, "--map %s: read error", path);
		rc = -1;
	}
	if (f)
		fclose(f);
	if (rc < 0) {
		diff_map_free(m);
		return NULL;
	}
	return m;
}

void diff_map_apply(const struct diff_map *m, char *addr, size_t size)
{
	for (size_t i = 0; m && i < m->n; i++) {
		const struct map_rule *r = &m->r[i];
		struct df_net a;
		int bits = r->to.prefix;
		uint8_t out[16];

		if (!df_net_within(&r->from, addr) || df_net_parse(addr, &a) < 0)
			continue;
		/* the network's bits from CURRENT, the host's from addr */
		memcpy(out, r->to.addr, sizeof(out));
		for (int b = bits; b < (r->to.family == 4 ? 32 : 128); b++)
			out[b / 8] |= (uint8_t)(a.addr[b / 8] & (0x80 >> (b % 8)));
		inet_ntop(r->to.family == 4 ? AF_INET : AF_INET6, out, addr,
			  (socklen_t)size);
		return;
	}
}

void diff_map_free(struct diff_map *m)
{
	if (m)
		free(m->r);
	free(m);
}
