/*
 * nm_curl.h - one request to a container runtime's unix socket with
 * libcurl's easy interface, for the runtime thread: the Docker/Podman
 * lists (nm_runtime_linux.c) and the CRI's gRPC calls (nm_cri_linux.c).
 * Linux only (the Windows build asks no runtime).
 */
#ifndef PORTTOP_NM_CURL_H
#define PORTTOP_NM_CURL_H

#include <stddef.h>

#include <curl/curl.h>

#define NM_BODY_MAX (16u << 20)	/* an answer, at most: larger fails */

/* An answer's body, grown with realloc (b NULL when empty); free b. */
struct nm_body {
	char *b;
	size_t n;
};

/* nm_curl_new: an easy handle for url on the unix socket path: connect
 * and whole-transfer timeouts of timeout_ms, the body appended to *b,
 * no signals, aborted at once when *stop (read atomically) turns
 * nonzero.  NULL when libcurl cannot make one. */
CURL *nm_curl_new(const char *path, const char *url, int timeout_ms,
		  const int *stop, struct nm_body *b);

/* nm_curl_miss: what a transfer c ended with (rc: curl_easy_perform's
 * result) means: NM_WHO_NAMED (nm_who.h) when it completed with HTTP
 * 200, else NM_WHO_TIMEOUT, _DENIED (EACCES, EPERM), _NORUNTIME
 * (nothing listening), or _ERROR, with the reason in err. */
int nm_curl_miss(CURL *c, CURLcode rc, char *err, size_t len);

#endif
