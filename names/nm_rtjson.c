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

#include "nm_rtev.h"
#include "nm_runtime.h"

/* The string member key of o into buf (len bytes), if there is one. */
static void member(json_t *o, const char *key, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s && !buf[0])
		snprintf(buf, len, "%s", s);
}

static void tidy(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == ',' || *s == '"' ||
		    *s == '\\' || *s == 0x7f)
			*s = '_';
}

void nm_rt_tidy(struct nm_rtnames *n)
{
	tidy(n->name);
	tidy(n->image);
	tidy(n->pod);
	tidy(n->ns);
}

/* The names of container id from its labels (an object or NULL), its
 * name and image, and Podman's PodName (o's member); fn with them. */
static void names(const char *id, json_t *labels, const char *name,
		  json_t *o, const char *image_key, nm_rt_fn fn, void *arg)
{
	struct nm_rtnames n;

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
	member(o, image_key, n.image, sizeof(n.image));
	member(o, "PodName", n.pod, sizeof(n.pod));
	nm_rt_tidy(&n);
	fn(arg, id, &n);
}

static void one(json_t *c, nm_rt_fn fn, void *arg)
{
	const char *id = json_string_value(json_object_get(c, "Id"));

	if (!id || strlen(id) != 64)
		return;
	names(id, json_object_get(c, "Labels"), json_string_value(
		json_array_get(json_object_get(c, "Names"), 0)), c, "Image",
	      fn, arg);
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

/* Docker Engine API GET /events: {"Type": "container", "Action",
 * "Actor": {"ID", "Attributes": {"name", "image", and the container's
 * labels}}} (Podman's: the same, with "podId"). */
int nm_rt_event(const char *json, size_t len, nm_rt_fn fn, void *arg)
{
	json_t *e = json_loadb(json, len, 0, NULL);
	json_t *actor = json_object_get(e, "Actor");
	json_t *attr = json_object_get(actor, "Attributes");
	const char *id = json_string_value(json_object_get(actor, "ID"));
	const char *name = json_string_value(json_object_get(attr, "name"));
	const char *type = json_string_value(json_object_get(e, "Type"));
	int r = 0;

	if (!json_is_object(e)) {
		json_decref(e);
		return -1;
	}
	if (type && !strcmp(type, "container") && id && strlen(id) == 64 &&
	    name && *name) {
		names(id, attr, name, attr, "image", fn, arg);
		r = 1;
	}
	json_decref(e);
	return r;
}
