/*
 * nm_cri_linux.c - the CRI's gRPC calls (nm_cri.h: nm_cri_list) with
 * libcurl: HTTP/2 with prior knowledge on the unix socket (libcurl's
 * nghttp2; Debian 12's libcurl has it), POST /SERVICE/METHOD,
 * content-type application/grpc, one length-prefixed message each way,
 * the status in the grpc-status trailer (or header, for a
 * "Trailers-Only" answer).  Source: gRPC's PROTOCOL-HTTP2.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nm_cri.h"
#include "nm_curl.h"

#define SERVICE "http://localhost/runtime.v1.RuntimeService/"

/* What the headers and trailers said. */
struct status {
	int code;		/* grpc-status; -1 none seen */
	char msg[80];		/* grpc-message (percent-encoded) */
};

/* One header or trailer line (libcurl gives both to this callback). */
static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct status *st = arg;
	size_t len = size * nmemb, v;

	if (len > 12 && !strncasecmp(p, "grpc-status:", 12))
		st->code = atoi(p + 12);
	else if (len > 13 && !strncasecmp(p, "grpc-message:", 13)) {
		for (v = 13; v < len && p[v] == ' '; v++)
			;
		while (len > v && (p[len - 1] == '\r' || p[len - 1] == '\n'))
			len--;
		snprintf(st->msg, sizeof(st->msg), "%.*s", (int)(len - v),
			 p + v);
	}
	return size * nmemb;
}

/* One unary call of method with an empty request: its answer's body in
 * b, what the headers and trailers said in st, libcurl's result in *rc.
 * NM_WHO_NAMED when it completed with HTTP 200, else the miss, said in
 * err. */
static int once(const char *path, const char *method, int timeout_ms,
		const int *stop, struct nm_body *b, struct status *st,
		CURLcode *rc, char *err, size_t len)
{
	static const char empty[5];	/* flag 0, length 0 */
	char url[96];
	struct curl_slist *h;
	CURL *c;
	int miss = NM_WHO_ERROR;

	snprintf(url, sizeof(url), SERVICE "%s", method);
	if (!(c = nm_curl_new(path, url, timeout_ms, stop, b)))
		return NM_WHO_ERROR;
	/* on failure curl_slist_append keeps the list: free it below */
	h = curl_slist_append(NULL, "content-type: application/grpc");
	if (h && curl_slist_append(h, "te: trailers")) {
		curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
				 (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, empty);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 5L);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, st);
		miss = nm_curl_miss(c, *rc = curl_easy_perform(c), err, len);
	} else {
		snprintf(err, len, "out of memory");
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return miss;
}

/* once, and once more when the stream broke with no status said:
 * grpc-go may reset a stream it answered before reading the whole
 * request (RST_STREAM after a Trailers-Only error), which libcurl 7.88
 * reports as a framing error, sometimes before the status reached us
 * (seen here with containerd without its CRI plugin: 3 calls in 40).
 * NM_WHO_NAMED when the gRPC status is OK; a status said is the answer
 * even when the stream then broke. */
static int call(const char *path, const char *method, int timeout_ms,
		const int *stop, struct nm_body *b, char *err, size_t len)
{
	struct status st;
	CURLcode rc = CURLE_OK;
	int miss;

	for (int tries = 0;; tries++) {
		st.code = -1;
		st.msg[0] = '\0';
		b->n = 0;
		miss = once(path, method, timeout_ms, stop, b, &st, &rc, err,
			    len);
		if (tries || st.code >= 0 || rc != CURLE_HTTP2_STREAM)
			break;
	}
	if (st.code > 0 || (miss == NM_WHO_NAMED && st.code != 0)) {
		snprintf(err, len, st.code < 0 ? "not a gRPC answer" :
			 "gRPC status %d: %s", st.code, st.msg);
		return NM_WHO_ERROR;
	}
	return miss;
}

int nm_cri_list(const char *path, int timeout_ms, const int *stop,
		nm_rt_fn fn, void *arg, int *listed, char *err, size_t len)
{
	struct nm_body pods = { NULL, 0 }, cont = { NULL, 0 };
	const uint8_t *pm, *cm;
	size_t pl, cl;
	int miss = call(path, "ListPodSandbox", timeout_ms, stop, &pods, err,
			len);

	*listed = 0;
	if (miss == NM_WHO_NAMED)
		miss = call(path, "ListContainers", timeout_ms, stop, &cont,
			    err, len);
	if (miss == NM_WHO_NAMED &&
	    (nm_cri_unframe((uint8_t *)pods.b, pods.n, &pm, &pl) < 0 ||
	     nm_cri_unframe((uint8_t *)cont.b, cont.n, &cm, &cl) < 0 ||
	     (*listed = nm_cri_parse(cm, cl, pm, pl, fn, arg)) < 0)) {
		snprintf(err, len, "not a CRI container list");
		*listed = 0;
		miss = NM_WHO_ERROR;
	}
	free(pods.b);
	free(cont.b);
	return miss;
}
