/*
 * nm_rtev.c - the runtimes' event streams (see nm_rtev.h): one libcurl
 * multi handle, one transfer per socket, lines split here.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../lib/clock.h"
#include "nm_rtev.h"

/* The events of containers, whatever they do (not filtered by action:
 * any event names its container). */
#define EVENTS_URL "http://localhost/v1.41/events?filters=" \
	"%7B%22type%22%3A%5B%22container%22%5D%7D"

struct stream {
	CURL *c;		/* NULL: not followed now */
	int64_t ended;		/* CLOCK_MONOTONIC of its end, 0 never */
	char *line;		/* NM_RTEV_LINE bytes */
	size_t n;
	int skip;		/* a line too long: drop to its end */
	struct nm_rtev *v;
};

struct kept {
	char id[NM_ID_LEN];
	struct nm_rtnames n;
};

struct nm_rtev {
	CURLM *m;
	const int *stop;
	struct stream s[NM_RT_SOCKETS];
	struct kept k[NM_RTEV_KEEP];	/* a ring, the latest */
	size_t nk;			/* ever kept */
	int fresh;			/* learnt in this nm_rtev_wait */
	uint64_t learnt;
};

struct nm_rtev *nm_rtev_new(const int *stop)
{
	struct nm_rtev *v = calloc(1, sizeof(*v));

	if (!v || !(v->m = curl_multi_init())) {
		free(v);
		return NULL;
	}
	v->stop = stop;
	return v;
}

static void end(struct nm_rtev *v, struct stream *s)
{
	curl_multi_remove_handle(v->m, s->c);
	curl_easy_cleanup(s->c);
	s->c = NULL;
	s->ended = mono_ns();
	s->n = 0;
	s->skip = 0;
}

void nm_rtev_free(struct nm_rtev *v)
{
	if (!v)
		return;
	for (int i = 0; i < NM_RT_SOCKETS; i++) {
		if (v->s[i].c)
			end(v, &v->s[i]);
		free(v->s[i].line);
	}
	curl_multi_cleanup(v->m);
	free(v);
}

static struct kept *kept(struct nm_rtev *v, const char *id)
{
	size_t n = v->nk < NM_RTEV_KEEP ? v->nk : NM_RTEV_KEEP;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(v->k[i].id, id))
			return &v->k[i];
	return NULL;
}

/* Keep one container's names: its entry updated, else a new one (the
 * oldest replaced). */
static void keep(void *arg, const char *id, const struct nm_rtnames *n)
{
	struct nm_rtev *v = arg;
	struct kept *k = kept(v, id);

	if (k && !memcmp(&k->n, n, sizeof(*n)))
		return;
	if (!k) {
		k = &v->k[v->nk++ % NM_RTEV_KEEP];
		memcpy(k->id, id, NM_ID_LEN);
	}
	k->n = *n;
	v->fresh++;
	v->learnt++;
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	size_t len = size * nmemb;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n') {
			if (!s->skip && s->n)
				nm_rt_event(s->line, s->n, keep, s->v);
			s->n = 0;
			s->skip = 0;
		} else if (s->n == NM_RTEV_LINE) {
			s->skip = 1;
			s->n = 0;
		} else if (!s->skip) {
			s->line[s->n++] = p[i];
		}
	}
	return len;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
		       curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	return __atomic_load_n(((struct nm_rtev *)arg)->stop, __ATOMIC_RELAXED);
}

void nm_rtev_watch(struct nm_rtev *v, int i, const char *path,
		   int timeout_ms, int64_t retry_ns)
{
	struct stream *s = &v->s[i];
	CURL *c;

	if (s->c || (s->ended && mono_ns() - s->ended < retry_ns))
		return;
	if (!s->line && !(s->line = malloc(NM_RTEV_LINE)))
		return;
	if (!(c = curl_easy_init()))
		return;
	s->v = v;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, path);
	curl_easy_setopt(c, CURLOPT_URL, EVENTS_URL);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, v);
	if (curl_multi_add_handle(v->m, c) != CURLM_OK) {
		curl_easy_cleanup(c);
		return;
	}
	s->c = c;
}

int nm_rtev_wait(struct nm_rtev *v, int ms)
{
	CURLMsg *msg;
	int running, left;

	v->fresh = 0;
	curl_multi_poll(v->m, NULL, 0, ms, NULL);
	curl_multi_perform(v->m, &running);
	while ((msg = curl_multi_info_read(v->m, &left)))
		for (int i = 0; i < NM_RT_SOCKETS; i++)
			if (msg->msg == CURLMSG_DONE &&
			    v->s[i].c == msg->easy_handle) {
				end(v, &v->s[i]);
				break;
			}
	return v->fresh;
}

const struct nm_rtnames *nm_rtev_find(struct nm_rtev *v, const char *id)
{
	struct kept *k = kept(v, id);

	return k ? &k->n : NULL;
}

int nm_rtev_streams(const struct nm_rtev *v)
{
	int n = 0;

	for (int i = 0; i < NM_RT_SOCKETS; i++)
		n += v->s[i].c != NULL;
	return n;
}

uint64_t nm_rtev_learnt(const struct nm_rtev *v)
{
	return v->learnt;
}
