/*
 * nm_who.h - who: the container, pod or systemd unit a process runs in.
 *
 * A process's cgroup says it (cgroups(7); /proc/PID/cgroup, or the
 * directory of the cgroup v2 id eBPF reports): the container id in the
 * forms the runtimes write, on cgroup v2 and v1/hybrid hierarchies --
 *   Docker      /system.slice/docker-ID.scope, /docker/ID
 *   Podman      /machine.slice/libpod-ID.scope, /libpod_parent/libpod-ID,
 *               .../user@1000.service/user.slice/libpod-ID.scope/container
 *   containerd  .../kubepods-besteffort-podUID.slice/cri-containerd-ID.scope,
 *               /system.slice/containerd.service/...slice:cri-containerd:ID
 *               /k8s.io/ID (a CRI pod given no cgroup parent, cgroupfs)
 *   CRI-O       .../kubepods-burstable-podUID.slice/crio-ID.scope
 *   Kubernetes  /kubepods/burstable/podUID/ID (cgroupfs driver)
 * -- (ID: 64 hex digits), the pod UID of a kubepods slice, and otherwise
 * the systemd unit (system.slice/nginx.service, a user's app.service, a
 * session-3.scope).  The container's name, image, pod and namespace come
 * from its runtime's API when one answers (nm_runtime.h), or from a
 * capture file's comments.
 *
 * Who records are interned in one process-wide table (NM_WHO_MAX; a
 * cgroup beyond it is not named, and counted): a flow end carries the
 * record's id (attrib/attr.h, struct attr_end: who), and any thread
 * reads a record with nm_who_get, without locks.  A record's identity
 * never changes; its runtime names are written once, then published.
 */
#ifndef PORTTOP_NM_WHO_H
#define PORTTOP_NM_WHO_H

#include <stddef.h>
#include <stdint.h>

#define NM_WHO_MAX 4096

/* The runtime a cgroup's name says. */
enum nm_rt { NM_RT_NONE = 0, NM_RT_DOCKER, NM_RT_PODMAN, NM_RT_CONTAINERD,
	     NM_RT_CRIO, NM_RT_KUBE, NM_RT_NUM };

/* Why a container has no name (the reports' *_container_miss). */
enum nm_who_miss {
	NM_WHO_NAMED = 0,
	NM_WHO_PENDING,		/* its runtime has not been asked yet */
	NM_WHO_NORUNTIME,	/* no runtime socket answers (none there, or
				   nothing listening) */
	NM_WHO_DENIED,		/* a runtime socket refused porttop
				   (permissions) */
	NM_WHO_TIMEOUT,		/* a runtime did not answer in time */
	NM_WHO_UNKNOWN,		/* the runtimes answered but do not know it
				   (another runtime's, or already removed) */
	NM_WHO_UNRECORDED,	/* a capture file: its comments had no name */
	NM_WHO_ERROR,		/* a runtime answered with an error */
	NM_WHO_OFF,		/* runtimes are not asked (--runtime none, or
				   not a live capture) */
	NM_WHO_MISS_NUM
};

#define NM_ID_LEN 65		/* 64 hex digits */
#define NM_UID_LEN 37		/* a pod UID, 8-4-4-4-12 */
#define NM_UNIT_LEN 128
#define NM_PATH_LEN 256
#define NM_NAME_LEN 128
#define NM_IMAGE_LEN 256
#define NM_NS_LEN 64

/* What a cgroup path says (nm_cgroup_parse). */
struct nm_cg {
	uint8_t rt;			/* enum nm_rt; NONE: no container */
	char id[NM_ID_LEN];		/* the container id, "" none */
	char pod_uid[NM_UID_LEN];	/* a kubepods slice's pod, "" none */
	char unit[NM_UNIT_LEN];		/* the systemd unit when there is no
					   container, else "" */
};

/* A container's names, from its runtime or a file. */
struct nm_rtnames {
	char name[NM_NAME_LEN];
	char image[NM_IMAGE_LEN];
	char pod[NM_NAME_LEN];		/* pod name: Podman's pod, or the
					   io.kubernetes.pod.name label */
	char ns[NM_NS_LEN];		/* io.kubernetes.pod.namespace */
};

/* A record as readers see it: pointers into the table (valid for the
 * life of the process); "" for what the cgroup does not say. */
struct nm_who {
	const char *cgroup;		/* the cgroup path ("" from a file) */
	int rt;				/* enum nm_rt */
	const char *id, *pod_uid, *unit;
	const char *name, *image, *pod, *ns;	/* NULL until named */
	int miss;			/* NM_WHO_NAMED, or why not (only
					   meaningful with an id) */
};

/* nm_cgroup_parse: what one cgroup path says.  1 when it names a
 * container or a unit, else 0 (*out zeroed). */
int nm_cgroup_parse(const char *path, struct nm_cg *out);

/* nm_cgroup_file: the text of a /proc/PID/cgroup ("ID:CONTROLLERS:PATH"
 * lines, v2's "0::PATH" and v1's) read whole: the first line naming a
 * container (v2's first, then name=systemd's, then the others), else the
 * unit of v2's line, else of name=systemd's.  path gets the chosen
 * line's path (v2's when none names anything).  1 when found, else 0. */
int nm_cgroup_file(const char *text, char *path, size_t len,
		   struct nm_cg *out);

/* nm_who_intern: the record of cgroup (cgid: its v2 id, 0 unknown; path;
 * cg: what it says), made when new.  Any thread.  0 when the table is
 * full (counted) or cg says nothing. */
uint32_t nm_who_intern(uint64_t cgid, const char *path, const struct nm_cg *cg);

/* nm_who_recorded: the record of a capture file's comments (cg and the
 * names they gave; names NULL: none, miss NM_WHO_UNRECORDED). */
uint32_t nm_who_recorded(const struct nm_cg *cg, const struct nm_rtnames *names);

/* nm_who_get: record id into *w; 0 when there is none (id 0), else 1. */
int nm_who_get(uint32_t id, struct nm_who *w);

/* For the runtime thread (nm_runtime_linux.c): the records made so far (ids 1
 * to nm_who_count()); publish a record's names (once: later calls are
 * ignored), or say why it has none (ignored once named). */
uint32_t nm_who_count(void);
void nm_who_name(uint32_t id, const struct nm_rtnames *r);
void nm_who_set_miss(uint32_t id, int miss);

/* nm_who_runtime_on: a runtime thread asks (records wait PENDING, not
 * OFF); nm_who_lost: cgroups not kept, the table being full. */
void nm_who_runtime_on(int on);
uint64_t nm_who_lost(void);

/* nm_who_same_group: 1 when records a and b (0: none) put their
 * processes in one group of the Containers view: the same container id,
 * else the same unit (two records of one container -- one from /proc,
 * one from a cgroup id -- are one group). */
int nm_who_same_group(uint32_t a, uint32_t b);

/* nm_who_label: that group's name for people into buf: the container's
 * name (else "podman 0123456789ab", its runtime and its id's first 12
 * digits) with " pod NAMESPACE/POD" when it is in a pod; else the unit;
 * "-" for record 0. */
void nm_who_label(uint32_t id, char *buf, size_t len);

/* Names for reports: "docker", ...; "pending", "noruntime", ... */
const char *nm_rt_name(int rt);
const char *nm_who_miss_name(int miss);

#endif
