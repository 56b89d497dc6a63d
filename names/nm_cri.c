/*
 * nm_cri.c - reading the CRI's answers (nm_cri.h): gRPC's framing and
 * the ListContainers and ListPodSandbox messages, with protobuf-c.
 */
#include <stdio.h>
#include <string.h>

#include "names/cri.pb-c.h"
#include "nm_cri.h"

int nm_cri_unframe(const uint8_t *b, size_t n, const uint8_t **msg,
		   size_t *len)
{
	uint32_t l;

	if (n < 5 || b[0] != 0)
		return -1;
	l = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 8 | b[4];
	if (l != n - 5)
		return -1;
	*msg = b + 5;
	*len = l;
	return 0;
}

static int hex64(const char *id)
{
	size_t i;

	for (i = 0; id && i < 64; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		      (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return id && id[64] == '\0';
}

static void put(char *buf, size_t len, const char *s)
{
	if (s && *s && !buf[0])
		snprintf(buf, len, "%s", s);
}

/* The sandbox of container c, else NULL. */
static const Runtime__V1__PodSandboxMetadata *
pod_of(const Runtime__V1__Container *c, const Runtime__V1__ListPodSandboxResponse *p)
{
	for (size_t i = 0; c->pod_sandbox_id && i < p->n_items; i++)
		if (p->items[i]->id &&
		    !strcmp(p->items[i]->id, c->pod_sandbox_id))
			return p->items[i]->metadata;
	return NULL;
}

static void one(const Runtime__V1__Container *c,
		const Runtime__V1__ListPodSandboxResponse *p, nm_rt_fn fn,
		void *arg)
{
	const Runtime__V1__PodSandboxMetadata *pod = pod_of(c, p);
	struct nm_rtnames n;

	memset(&n, 0, sizeof(n));
	if (c->metadata)
		put(n.name, sizeof(n.name), c->metadata->name);
	if (c->image) {
		put(n.image, sizeof(n.image), c->image->user_specified_image);
		put(n.image, sizeof(n.image), c->image->image);
	}
	put(n.image, sizeof(n.image), c->image_ref);
	if (pod) {
		put(n.pod, sizeof(n.pod), pod->name);
		put(n.ns, sizeof(n.ns), pod->namespace_);
	}
	nm_rt_tidy(&n);
	fn(arg, c->id, &n);
}

int nm_cri_parse(const uint8_t *cont, size_t clen, const uint8_t *pods,
		 size_t plen, nm_rt_fn fn, void *arg)
{
	Runtime__V1__ListContainersResponse *c =
		runtime__v1__list_containers_response__unpack(NULL, clen, cont);
	Runtime__V1__ListPodSandboxResponse *p =
		runtime__v1__list_pod_sandbox_response__unpack(NULL, plen, pods);
	int n = -1;

	if (c && p) {
		for (size_t i = 0; i < c->n_containers; i++)
			if (hex64(c->containers[i]->id))
				one(c->containers[i], p, fn, arg);
		n = (int)c->n_containers;
	}
	if (c)
		runtime__v1__list_containers_response__free_unpacked(c, NULL);
	if (p)
		runtime__v1__list_pod_sandbox_response__free_unpacked(p, NULL);
	return n;
}
