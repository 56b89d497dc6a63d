/*
 * nm_pool.c - interned strings (see nm_pool.h): chunks of CHUNK bytes,
 * and an open-addressing set of the strings' addresses, doubled when
 * half full (the writer's alone: readers never look strings up).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/keyhash.h"
#include "nm_pool.h"

#define CHUNK (64u << 10)
#define LONGEST 1024

struct chunk {
	struct chunk *next;
	size_t used;
	char b[CHUNK];
};

struct nm_pool {
	struct chunk *head;		/* the chunk being filled */
	size_t used, max;		/* string bytes */
	const char **set;		/* NULL: an empty slot */
	size_t nset, cap;		/* strings held, slots (2^k) */
};

struct nm_pool *nm_pool_new(size_t max_bytes)
{
	struct nm_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->max = max_bytes;
	p->cap = 1024;
	if (!(p->set = calloc(p->cap, sizeof(*p->set)))) {
		free(p);
		return NULL;
	}
	return p;
}

void nm_pool_free(struct nm_pool *p)
{
	if (!p)
		return;
	while (p->head) {
		struct chunk *c = p->head;

		p->head = c->next;
		free(c);
	}
	free(p->set);
	free(p);
}

size_t nm_pool_used(const struct nm_pool *p)
{
	return p ? p->used : 0;
}

/* The slot of s (its own, or the empty one it would take). */
static size_t slot(const struct nm_pool *p, const char *s, size_t len)
{
	size_t i = (size_t)keyhash(s, len) & (p->cap - 1);

	while (p->set[i] && strcmp(p->set[i], s) != 0)
		i = (i + 1) & (p->cap - 1);
	return i;
}

static int grow_set(struct nm_pool *p)
{
	const char **old = p->set;
	size_t n = p->cap;

	if (!(p->set = calloc(n * 2, sizeof(*p->set)))) {
		p->set = old;
		return -1;
	}
	p->cap = n * 2;
	for (size_t i = 0; i < n; i++)
		if (old[i])
			p->set[slot(p, old[i], strlen(old[i]))] = old[i];
	free(old);
	return 0;
}

/* Room for n bytes: the current chunk, or a new one. */
static char *room(struct nm_pool *p, size_t n)
{
	struct chunk *c = p->head;

	if (!c || CHUNK - c->used < n) {
		if (!(c = malloc(sizeof(*c))))
			return NULL;
		c->next = p->head;
		c->used = 0;
		p->head = c;
	}
	c->used += n;
	return c->b + c->used - n;
}

const char *nm_pool_get(struct nm_pool *p, const char *s)
{
	size_t len = strnlen(s, LONGEST), i;
	char *copy;

	if (len == LONGEST)
		return NULL;
	i = slot(p, s, len);
	if (p->set[i])
		return p->set[i];
	if (p->used + len + 1 > p->max ||
	    (2 * (p->nset + 1) > p->cap && grow_set(p) < 0))
		return NULL;
	if (!(copy = room(p, len + 1)))
		return NULL;
	memcpy(copy, s, len + 1);
	p->set[slot(p, copy, len)] = copy;
	p->nset++;
	p->used += len + 1;
	return copy;
}
