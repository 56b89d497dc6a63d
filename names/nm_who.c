/*
 * nm_who.c - the process-wide table of who records (see nm_who.h).
 *
 * Records are made under a mutex (by the attribution thread, or the
 * capture thread reading a file's comments: a new cgroup is rare) and
 * published by storing the count with release; their identity is never
 * written again.  The runtime part is written once by the runtime thread
 * and published by storing NM_WHO_NAMED into `state` with release; a
 * reader loads `state` with acquire and reads the names only then.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/keyhash.h"
#include "nm_who.h"

#define SLOTS (2 * NM_WHO_MAX)	/* the index: open addressing */

/* What makes a record: its cgroup, and for a file's record the names
 * the file gave (hashed and compared as bytes: zeroed before filling). */
struct ident {
	uint64_t cgid;
	char path[NM_PATH_LEN];
	struct nm_cg cg;
	struct nm_rtnames fn;		/* a file's names */
	int fstate;			/* a file's: NAMED or UNRECORDED;
					   live: PENDING */
};

struct rec {
	struct ident k;
	struct nm_rtnames rn;		/* published names */
	int state;			/* enum nm_who_miss, atomic */
};

static struct {
	pthread_mutex_t lock;
	struct rec *recs;	/* NM_WHO_MAX, allocated at first use */
	uint32_t n;		/* records made: ids 1..n; atomic */
	uint32_t slot[SLOTS];	/* id, 0 empty: the index (under lock) */
	uint64_t lost;		/* atomic */
	int runtime;		/* atomic: a runtime thread asks */
} T = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *const rt_names[NM_RT_NUM] = { "", "docker", "podman",
	"containerd", "crio", "kubernetes" };
static const char *const miss_names[NM_WHO_MISS_NUM] = { "", "pending",
	"noruntime", "denied", "timeout", "unknown", "unrecorded", "error",
	"off" };

const char *nm_rt_name(int rt)
{
	return rt > 0 && rt < NM_RT_NUM ? rt_names[rt] : "";
}

const char *nm_who_miss_name(int miss)
{
	return miss > 0 && miss < NM_WHO_MISS_NUM ? miss_names[miss] : "";
}

void nm_who_runtime_on(int on)
{
	__atomic_store_n(&T.runtime, on, __ATOMIC_RELAXED);
}

uint64_t nm_who_lost(void)
{
	return __atomic_load_n(&T.lost, __ATOMIC_RELAXED);
}

uint32_t nm_who_count(void)
{
	return __atomic_load_n(&T.n, __ATOMIC_ACQUIRE);
}

/* The id of the record of identity k, made when new.  Under the lock. */
static uint32_t intern(const struct ident *k)
{
	uint32_t h = (uint32_t)keyhash(k, sizeof(*k));

	if (!T.recs && !(T.recs = calloc(NM_WHO_MAX, sizeof(*T.recs))))
		return 0;
	for (uint32_t i = 0; i < SLOTS; i++) {
		uint32_t *s = &T.slot[(h + i) % SLOTS];
		struct rec *r;

		if (*s && !memcmp(&T.recs[*s - 1].k, k, sizeof(*k)))
			return *s;
		if (*s)
			continue;
		if (T.n == NM_WHO_MAX)
			break;
		r = &T.recs[T.n];
		r->k = *k;
		r->rn = k->fn;
		r->state = k->fstate;
		*s = T.n + 1;
		__atomic_store_n(&T.n, T.n + 1, __ATOMIC_RELEASE);
		return *s;
	}
	__atomic_fetch_add(&T.lost, 1, __ATOMIC_RELAXED);
	return 0;
}

static uint32_t locked_intern(const struct ident *x)
{
	uint32_t id;

	pthread_mutex_lock(&T.lock);
	id = intern(x);
	pthread_mutex_unlock(&T.lock);
	return id;
}

uint32_t nm_who_intern(uint64_t cgid, const char *path, const struct nm_cg *cg)
{
	struct ident x;

	if (!cg->id[0] && !cg->unit[0])
		return 0;
	memset(&x, 0, sizeof(x));
	x.cgid = cgid;
	strncpy(x.path, path, sizeof(x.path) - 1);
	x.cg = *cg;
	x.fstate = NM_WHO_PENDING;
	return locked_intern(&x);
}

uint32_t nm_who_recorded(const struct nm_cg *cg, const struct nm_rtnames *names)
{
	struct ident x;

	if (!cg->id[0] && !cg->unit[0] && !(names && names->name[0]))
		return 0;
	memset(&x, 0, sizeof(x));
	x.cg = *cg;
	x.fstate = NM_WHO_UNRECORDED;
	if (names && (names->name[0] || names->image[0] || names->pod[0])) {
		x.fn = *names;
		x.fstate = NM_WHO_NAMED;
	}
	return locked_intern(&x);
}

static struct rec *rec_of(uint32_t id)
{
	return id && id <= nm_who_count() ? &T.recs[id - 1] : NULL;
}

int nm_who_get(uint32_t id, struct nm_who *w)
{
	const struct rec *r = rec_of(id);

	memset(w, 0, sizeof(*w));
	if (!r)
		return 0;
	w->cgroup = r->k.path;
	w->rt = r->k.cg.rt;
	w->id = r->k.cg.id;
	w->pod_uid = r->k.cg.pod_uid;
	w->unit = r->k.cg.unit;
	w->miss = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
	if (w->miss == NM_WHO_NAMED) {
		w->name = r->rn.name;
		w->image = r->rn.image;
		w->pod = r->rn.pod;
		w->ns = r->rn.ns;
	} else if (w->miss == NM_WHO_PENDING &&
		   !__atomic_load_n(&T.runtime, __ATOMIC_RELAXED)) {
		w->miss = NM_WHO_OFF;
	}
	return 1;
}

/* What a record's group is known by: its container id, else its unit
 * (a record has one or the other: nm_who_intern). */
static const char *group_key(const struct nm_who *w)
{
	return w->id[0] ? w->id : w->unit;
}

int nm_who_same_group(uint32_t a, uint32_t b)
{
	struct nm_who x, y;

	if (a == b)
		return 1;
	if (!nm_who_get(a, &x) || !nm_who_get(b, &y))
		return 0;
	return !strcmp(group_key(&x), group_key(&y)) && !x.id[0] == !y.id[0];
}

void nm_who_label(uint32_t id, char *buf, size_t len)
{
	struct nm_who w;

	if (!nm_who_get(id, &w))
		snprintf(buf, len, "-");
	else if (w.id[0] && w.name && w.name[0])
		snprintf(buf, len, "%s%s%s%s%s", w.name, w.pod && w.pod[0] ?
			 " pod " : "", w.ns && w.ns[0] ? w.ns : "",
			 w.ns && w.ns[0] ? "/" : "", w.pod ? w.pod : "");
	else if (w.id[0])
		snprintf(buf, len, "%s %.12s", nm_rt_name(w.rt), w.id);
	else
		snprintf(buf, len, "%s", w.unit);
}

void nm_who_name(uint32_t id, const struct nm_rtnames *n)
{
	struct rec *r = rec_of(id);

	if (!r || __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == NM_WHO_NAMED)
		return;
	r->rn = *n;
	__atomic_store_n(&r->state, NM_WHO_NAMED, __ATOMIC_RELEASE);
}

void nm_who_set_miss(uint32_t id, int miss)
{
	struct rec *r = rec_of(id);

	if (r && miss != NM_WHO_NAMED &&
	    __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != NM_WHO_NAMED)
		__atomic_store_n(&r->state, miss, __ATOMIC_RELEASE);
}
