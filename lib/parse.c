/* parse.c - see parse.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int parse_seconds(const char *s, int64_t *ns, int zero_ok)
{
	static const struct { const char *unit; double s; } units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 },
		{ "m", 60 }, { "min", 60 }, { "h", 3600 }, { "d", 86400 },
	};
	char *end;
	double v = strtod(s, &end);

	if (end == s || !(v >= 0))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double t = v * units[i].s;

		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (t > 1e9 || (!zero_ok && !(t >= 1e-9)))
			return -1;
		*ns = (int64_t)(t * 1e9 + 0.5);
		return 0;
	}
	return -1;
}

int parse_pairs(const char *spec,
		int (*fn)(void *arg, const char *k, const char *v), void *arg)
{
	char buf[256], *save = NULL;

	if (strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return -1;
		*eq = '\0';
		if (fn(arg, tok, eq + 1) < 0)
			return -1;
	}
	return 0;
}

int parse_name(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -1;
}
