/*
 * nm_runtime_linux.c - the runtime thread (see nm_runtime.h): asks each
 * socket for its containers with libcurl (CURLOPT_UNIX_SOCKET_PATH;
 * HTTP/1.1 to Docker and Podman, the CRI's gRPC by nm_cri_linux.c; no
 * HTTP of our own), and names the who records it can.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../lib/clock.h"
#include "../lib/thread.h"
#include "nm_cri.h"
#include "nm_curl.h"
#include "nm_rtev.h"
#include "nm_runtime.h"

#define SOON_NS (250 * NS_PER_MS)
#define NAP_US 50000
#define KNOWN_MAX NM_WHO_MAX	/* containers remembered from one list */

/* One socket and what it said last. */
struct sock {
	char path[NM_PATH_LEN];
	int api;		/* enum nm_api */
	int compat;		/* Docker: the libpod path is not there */
	int miss;		/* NM_WHO_NAMED: it answered; else why not */
	char err[96];
	int listed;		/* containers in its last list */
};

/* The containers of one pass. */
struct known {
	char id[NM_ID_LEN];
	struct nm_rtnames n;
};

struct nm_runtime {
	struct nm_runtime_opts o;
	struct sock s[NM_RT_SOCKETS];
	int ns;
	struct known *k;
	size_t nk;
	struct nm_rtev *ev;		/* NULL: lists only */
	pthread_t thread;
	int stop;			/* atomic */
	pthread_mutex_t lock;		/* msg */
	char msg[512];
	uint64_t named;
};

/* One GET of url on socket s into b: NM_WHO_NAMED when it answered 200,
 * else the miss it means, with s->err said. */
static int get(struct nm_runtime *r, struct sock *s, const char *url,
	       struct nm_body *b)
{
	CURL *c = nm_curl_new(s->path, url, r->o.timeout_ms, &r->stop, b);
	int miss;

	if (!c)
		return NM_WHO_ERROR;
	miss = nm_curl_miss(c, curl_easy_perform(c), s->err, sizeof(s->err));
	curl_easy_cleanup(c);
	return miss;
}

static void keep(void *arg, const char *id, const struct nm_rtnames *n)
{
	struct nm_runtime *r = arg;

	if (r->nk == KNOWN_MAX)
		return;
	memcpy(r->k[r->nk].id, id, NM_ID_LEN);
	r->k[r->nk++].n = *n;
}

/* Ask socket s for its containers (into r->k). */
static void ask(struct nm_runtime *r, struct sock *s)
{
	static const char *const urls[2] = {
		"http://localhost/v4.0.0/libpod/containers/json?all=true",
		"http://localhost/v1.41/containers/json?all=1" };
	struct nm_body b = { NULL, 0 };
	struct stat st;
	size_t before = r->nk;

	if (stat(s->path, &st) != 0) {
		snprintf(s->err, sizeof(s->err), "%s", strerror(errno));
		s->miss = errno == EACCES ? NM_WHO_DENIED : NM_WHO_NORUNTIME;
		return;
	}
	if (s->api == NM_API_CRI) {
		s->miss = nm_cri_list(s->path, r->o.timeout_ms, &r->stop, keep,
				      r, &s->listed, s->err, sizeof(s->err));
		return;
	}
	s->miss = get(r, s, urls[s->compat], &b);
	if (s->miss == NM_WHO_ERROR && s->api == NM_API_ANY && !s->compat) {
		/* not Podman */
		s->compat = 1;
		b.n = 0;
		s->miss = get(r, s, urls[1], &b);
	}
	if (s->miss == NM_WHO_NAMED && nm_rt_parse(b.b, b.n, keep, r) < 0) {
		snprintf(s->err, sizeof(s->err), "not a container list");
		s->miss = NM_WHO_ERROR;
	}
	s->listed = (int)(r->nk - before);
	free(b.b);
}

/* The most telling reason when no socket answered. */
static int rank(int miss)
{
	return miss == NM_WHO_DENIED ? 4 : miss == NM_WHO_TIMEOUT ? 3 :
	       miss == NM_WHO_ERROR ? 2 : 1;
}

/* A record that waits for names: its container id, else NULL. */
static const char *waiting(uint32_t id, struct nm_who *w)
{
	return nm_who_get(id, w) && w->id[0] && w->miss != NM_WHO_NAMED &&
	       w->miss != NM_WHO_UNRECORDED ? w->id : NULL;
}

/* Name the records this pass's lists know, else those the events named
 * (a container gone since); say why for the others.  Without lists
 * (lists 0): only the records the last lists did not know, from the
 * events (a list, when it has the container, says more: Podman's events
 * give a pod's id, its list the pod's name). */
static void publish(struct nm_runtime *r, int lists, int answered, int fail)
{
	uint32_t n = nm_who_count();
	const struct nm_rtnames *ev;
	const char *cid;
	struct nm_who w;

	for (uint32_t id = 1; id <= n; id++) {
		size_t i;

		if (!(cid = waiting(id, &w)) ||
		    (!lists && w.miss != NM_WHO_UNKNOWN))
			continue;
		for (i = 0; lists && i < r->nk && strcmp(r->k[i].id, cid); i++)
			;
		ev = r->ev ? nm_rtev_find(r->ev, cid) : NULL;
		if ((lists && i < r->nk) || ev) {
			nm_who_name(id, lists && i < r->nk ? &r->k[i].n : ev);
			r->named++;
		} else if (lists) {
			nm_who_set_miss(id, answered ? NM_WHO_UNKNOWN : fail);
		}
	}
}

static void say(struct nm_runtime *r, int answered)
{
	char m[400];
	size_t len = 0;

	len += (size_t)snprintf(m, sizeof(m), "containers: %s",
				answered ? "" : "no names: ");
	for (int i = 0; i < r->ns && len < sizeof(m); i++) {
		const struct sock *s = &r->s[i];

		if (s->miss == NM_WHO_NAMED)
			len += (size_t)snprintf(m + len, sizeof(m) - len,
				"%s%s %s: %d containers", i ? "; " : "",
				s->api == NM_API_CRI ? "cri" :
				s->compat ? "docker" : "podman", s->path,
				s->listed);
		else
			len += (size_t)snprintf(m + len, sizeof(m) - len,
				"%s%s: %s", i ? "; " : "", s->path, s->err);
	}
	pthread_mutex_lock(&r->lock);
	snprintf(r->msg, sizeof(r->msg), "%.400s; %llu named; events: %d "
		 "streams, %llu containers", m, (unsigned long long)r->named,
		 r->ev ? nm_rtev_streams(r->ev) : 0, (unsigned long long)
		 (r->ev ? nm_rtev_learnt(r->ev) : 0));
	pthread_mutex_unlock(&r->lock);
}

static void refresh(struct nm_runtime *r)
{
	int answered = 0, fail = NM_WHO_NORUNTIME;

	r->nk = 0;
	for (int i = 0; i < r->ns; i++) {
		ask(r, &r->s[i]);
		if (r->s[i].miss == NM_WHO_NAMED)
			answered = 1;
		else if (rank(r->s[i].miss) > rank(fail))
			fail = r->s[i].miss;
	}
	if (__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
		return;
	publish(r, 1, answered, fail);
	say(r, answered);
}

/* Records with a container id and no name yet. */
static int unnamed(void)
{
	uint32_t n = nm_who_count();
	struct nm_who w;

	for (uint32_t id = 1; id <= n; id++)
		if (waiting(id, &w))
			return 1;
	return 0;
}

/* Follow the event stream of every socket whose list came (again, a
 * list's interval after one ends); not the CRI's (its
 * GetContainerEvents stream is not read: lists only). */
static void watch(struct nm_runtime *r)
{
	for (int i = 0; r->ev && !r->o.no_events && i < r->ns; i++)
		if (r->s[i].miss == NM_WHO_NAMED && r->s[i].api != NM_API_CRI)
			nm_rtev_watch(r->ev, i, r->s[i].path, r->o.timeout_ms,
				      r->o.every_ns);
}

/* Wait a nap, reading the event streams meanwhile: 1 when they named
 * containers. */
static int nap(struct nm_runtime *r)
{
	if (!r->ev || !nm_rtev_streams(r->ev)) {
		usleep(NAP_US);
		return 0;
	}
	return nm_rtev_wait(r->ev, NAP_US / 1000) > 0;
}

static void *run(void *arg)
{
	struct nm_runtime *r = arg;
	int64_t last = 0;
	uint32_t seen = 0, seen_ev = 0;
	int fresh = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		int64_t now = mono_ns();
		uint32_t n = nm_who_count();

		if (r->ev && (fresh || n != seen_ev)) {
			seen_ev = n;
			publish(r, 0, 0, 0);
		}
		if (!last || (unnamed() &&
			      ((n != seen && now - last >= SOON_NS) ||
			       now - last >= r->o.every_ns))) {
			seen = n;
			refresh(r);
			last = mono_ns();
		}
		watch(r);
		fresh = nap(r);
	}
	return NULL;
}

/* The sockets: those given, else the usual places. */
static void sockets(struct nm_runtime *r)
{
	if (!r->o.nsock)
		nm_runtime_spec(&r->o, "auto");
	for (int i = 0; i < r->o.nsock; i++) {
		memcpy(r->s[i].path, r->o.sockets[i], sizeof(r->s[i].path));
		r->s[i].api = r->o.api[i];
		r->s[i].compat = r->o.api[i] == NM_API_DOCKER;
	}
	r->ns = r->o.nsock;
}

int nm_runtime_start(struct nm_runtime **out, const struct nm_runtime_opts *o)
{
	static int curl_ready;
	struct nm_runtime *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->k = calloc(KNOWN_MAX, sizeof(*r->k))))
		goto fail;
	if (!curl_ready && curl_global_init(CURL_GLOBAL_NOTHING) != 0)
		goto fail;
	curl_ready = 1;
	r->o = *o;
	if (!r->o.every_ns)
		r->o.every_ns = 2 * NS_PER_S;
	if (!r->o.timeout_ms)
		r->o.timeout_ms = 2000;
	pthread_mutex_init(&r->lock, NULL);
	sockets(r);
	if (!r->o.no_events)
		r->ev = nm_rtev_new(&r->stop);	/* NULL: lists only */
	nm_who_runtime_on(1);
	if (thread_start(&r->thread, NULL, run, r) != 0) {
		nm_who_runtime_on(0);
		pthread_mutex_destroy(&r->lock);
		nm_rtev_free(r->ev);
		goto fail;
	}
	*out = r;
	return 0;
fail:
	if (r)
		free(r->k);
	free(r);
	return -1;
}

void nm_runtime_stop(struct nm_runtime *r)
{
	if (!r)
		return;
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
	pthread_join(r->thread, NULL);
	nm_rtev_free(r->ev);
	nm_who_runtime_on(0);
	pthread_mutex_destroy(&r->lock);
	free(r->k);
	free(r);
}

/* Whether any owner seen was in a container (else the runtimes' answers
 * are not worth a line). */
static int any_container(void)
{
	struct nm_who w;

	for (uint32_t id = nm_who_count(); id > 0; id--)
		if (nm_who_get(id, &w) && w.id[0])
			return 1;
	return 0;
}

int nm_runtime_msg(struct nm_runtime *r, char *buf, size_t len)
{
	int any;

	if (!r || !any_container())
		return 0;
	pthread_mutex_lock(&r->lock);
	any = r->msg[0] != '\0';
	snprintf(buf, len, "%s", r->msg);
	pthread_mutex_unlock(&r->lock);
	return any;
}
