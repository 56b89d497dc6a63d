/*
 * nm_rtjson.c - reading a runtime's container list (nm_runtime.h,
 * nm_rt_parse), with jansson.
 *
 * Docker Engine API (v1.41+) GET /containers/json: [{"Id", "Names":
 * ["/name"], "Image", "Labels": {...}}]; Podman's libpod API
 * GET /libpod/containers/json: [{"Id", "Names": ["name"], "Image",
 * "Labels", "PodName"}].  Kubernetes: the kubelet's labels
 * io.kubernetes.pod.name, io.kubernetes.pod.namespace and
 * io.kubernetes.container.name (dockershim, cri-dockerd).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "nm_runtime.h"

/* The string member key of o into buf (len bytes), if there is one. */
static void member(json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s && !buf[0])
		snprintf(buf, len, "%s", s);
}

/* Keep only what every report can hold: no commas, quotes, controls. */
static void tidy(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == ',' || *s == '"' ||
		    *s == '\\' || *s == 0x7f)
			*s = '_';
}

static void one(json_t *c, nm_rt_fn fn, void *arg)
{
	json_t *labels = json_object_get(c, "Labels");
	const char *id = json_string_value(json_object_get(c, "Id"));
	const char *name = json_string_value(
		json_array_get(json_object_get(c, "Names"), 0));
	struct nm_rtnames n;

	if (!id || strlen(id) != 64)
		return;
	memset(&n, 0, sizeof(n));
	if (json_is_object(labels)) {
		member(labels, "io.kubernetes.container.name", n.name,
		       sizeof(n.name));
		member(labels, "io.kubernetes.pod.name", n.pod, sizeof(n.pod));
		member(labels, "io.kubernetes.pod.namespace", n.ns,
		       sizeof(n.ns));
	}
	if (name && !n.name[0])
		snprintf(n.name, sizeof(n.name), "%s", name + (*name == '/'));
	member(c, "Image", n.image, sizeof(n.image));
	member(c, "PodName", n.pod, sizeof(n.pod));
	tidy(n.name);
	tidy(n.image);
	tidy(n.pod);
	tidy(n.ns);
	fn(arg, id, &n);
}

int nm_rt_parse(const char *json, size_t len, nm_rt_fn fn, void *arg)
{
	json_t *a = json_loadb(json, len, JSON_DISABLE_EOF_CHECK, NULL);
	size_t i, n;

	if (!json_is_array(a)) {
		json_decref(a);
		return -1;
	}
	n = json_array_size(a);
	for (i = 0; i < n; i++)
		if (json_is_object(json_array_get(a, i)))
			one(json_array_get(a, i), fn, arg);
	json_decref(a);
	return (int)n;
}
