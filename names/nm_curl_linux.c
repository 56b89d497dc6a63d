/*
 * nm_curl_linux.c - a runtime socket's request with libcurl (nm_curl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_curl.h"
#include "nm_who.h"

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	struct nm_body *b = arg;
	size_t len = size * nmemb;
	char *nb;

	if (b->n + len > NM_BODY_MAX || !(nb = realloc(b->b, b->n + len + 1)))
		return 0;	/* too much: the transfer fails */
	memcpy(nb + b->n, p, len);
	b->b = nb;
	b->n += len;
	return len;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
		       curl_off_t d)
{
	(void)a, (void)b, (void)c, (void)d;
	return __atomic_load_n((const int *)arg, __ATOMIC_RELAXED);
}				/* nonzero aborts */

CURL *nm_curl_new(const char *path, const char *url, int timeout_ms,
		  const int *stop, struct nm_body *b)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)stop);
	return c;
}

int nm_curl_miss(CURL *c, CURLcode rc, char *err, size_t len)
{
	long code = 0, oserr = 0;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
	if (rc == CURLE_OK && code == 200)
		return NM_WHO_NAMED;
	if (rc == CURLE_OK) {
		snprintf(err, len, "HTTP status %ld", code);
		return NM_WHO_ERROR;
	}
	snprintf(err, len, "%s", oserr ? strerror((int)oserr) :
		 curl_easy_strerror(rc));
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return NM_WHO_TIMEOUT;
	if (oserr == EACCES || oserr == EPERM)
		return NM_WHO_DENIED;
	if (rc == CURLE_COULDNT_CONNECT)
		return NM_WHO_NORUNTIME;
	return NM_WHO_ERROR;
}
