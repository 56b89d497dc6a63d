/*
 * test_names_cri.c - the CRI client's reading (names/nm_cri.c): gRPC's
 * length prefix, and ListContainers/ListPodSandbox answers -- real ones
 * from containerd 1.6.20 (cri_bytes.h), cut at every byte, and messages
 * encoded here by hand (fields porttop does not read, Kubernetes 1.28's
 * user_specified_image, ids that are not a container's, text that a
 * report cannot hold); and nm_cri_list on sockets that are not a CRI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../names/nm_cri.h"
#include "cri_bytes.h"

#define IDB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define IDC "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

struct got {
	int n;
	char id[8][65];
	struct nm_rtnames names[8];
};

static void got(void *arg, const char *id, const struct nm_rtnames *n)
{
	struct got *g = arg;

	assert_true(g->n < 8);
	assert_int_equal(strlen(id), 64);
	snprintf(g->id[g->n], sizeof(g->id[0]), "%s", id);
	g->names[g->n++] = *n;
}

static const struct nm_rtnames *find(const struct got *g, const char *id)
{
	for (int i = 0; i < g->n; i++)
		if (!strncmp(g->id[i], id, strlen(id)))
			return &g->names[i];
	return NULL;
}

static void unframe(void **state)
{
	const uint8_t *m;
	size_t len;
	uint8_t b[sizeof(cri_list_pods) + 1];

	(void)state;
	assert_int_equal(nm_cri_unframe(cri_list_pods, sizeof(cri_list_pods),
					&m, &len), 0);
	assert_ptr_equal(m, cri_list_pods + 5);
	assert_int_equal(len, sizeof(cri_list_pods) - 5);
	for (size_t n = 0; n < sizeof(cri_list_pods); n++)	/* cut */
		assert_int_equal(nm_cri_unframe(cri_list_pods, n, &m, &len), -1);
	memcpy(b, cri_list_pods, sizeof(cri_list_pods));
	b[sizeof(cri_list_pods)] = 0;				/* one too many */
	assert_int_equal(nm_cri_unframe(b, sizeof(b), &m, &len), -1);
	b[0] = 1;						/* compressed */
	assert_int_equal(nm_cri_unframe(b, sizeof(cri_list_pods), &m, &len), -1);
	assert_int_equal(nm_cri_unframe((const uint8_t *)"\0\0\0\0\0", 5,
					&m, &len), 0);		/* empty */
	assert_int_equal(len, 0);
}

/* containerd's own answer: three containers in two pods. */
static void containerd_lists(void **state)
{
	const uint8_t *cm, *pm;
	size_t cl, pl;
	struct got g = { 0 };
	const struct nm_rtnames *n;

	(void)state;
	assert_int_equal(nm_cri_unframe(cri_list_containers,
		sizeof(cri_list_containers), &cm, &cl), 0);
	assert_int_equal(nm_cri_unframe(cri_list_pods, sizeof(cri_list_pods),
					&pm, &pl), 0);
	assert_int_equal(nm_cri_parse(cm, cl, pm, pl, got, &g), 3);
	assert_int_equal(g.n, 3);
	assert_non_null(n = find(&g, "24035c756ee96a18"));
	assert_string_equal(n->name, "httpd");
	assert_string_equal(n->image, "localhost/porttop-cri-busybox:2");
	assert_string_equal(n->pod, "web");
	assert_string_equal(n->ns, "porttop-ns");
	assert_non_null(n = find(&g, "4049b0ad39a0e09d"));
	assert_string_equal(n->name, "store");
	assert_string_equal(n->pod, "db");
	assert_string_equal(n->ns, "porttop-db");
	assert_non_null(n = find(&g, "1a0e23812a55520e"));
	assert_string_equal(n->name, "sidecar");
	assert_string_equal(n->image, "localhost/porttop-cri-busybox:1");
	assert_string_equal(n->pod, "db");
	/* no sandboxes (an empty list): names, no pods */
	memset(&g, 0, sizeof(g));
	assert_int_equal(nm_cri_parse(cm, cl, pm, 0, got, &g), 3);
	assert_non_null(n = find(&g, "24035c756ee96a18"));
	assert_string_equal(n->name, "httpd");
	assert_string_equal(n->pod, "");
	assert_string_equal(n->ns, "");
}

/* Every cut of either message: refused, or read as far as it goes
 * (protobuf has no end marker: a cut between two containers is a
 * shorter list), never a container that was not there. */
static void containerd_cut(void **state)
{
	const uint8_t *cm = cri_list_containers + 5, *pm = cri_list_pods + 5;
	size_t cl = sizeof(cri_list_containers) - 5;
	size_t pl = sizeof(cri_list_pods) - 5;
	int refused = 0;

	(void)state;
	for (size_t n = 0; n < cl; n++) {
		struct got g = { 0 };
		int r = nm_cri_parse(cm, n, pm, pl, got, &g);

		refused += r < 0;
		assert_true(r <= 3 && g.n <= (r < 0 ? 0 : r));
		for (int i = 0; i < g.n; i++)
			assert_true(find(&g, "24035c756ee96a18") ||
				    find(&g, "4049b0ad39a0e09d") ||
				    find(&g, "1a0e23812a55520e"));
	}
	assert_true(refused > (int)cl / 2);
	for (size_t n = 0; n < pl; n++) {
		struct got g = { 0 };
		int r = nm_cri_parse(cm, cl, pm, n, got, &g);

		assert_true(r == -1 || (r == 3 && g.n == 3));
	}
}

/* Hand encoding: a varint key and a length-delimited field. */
static size_t lenfield(uint8_t *out, unsigned num, const void *v, size_t len)
{
	size_t k = 0;
	unsigned key = num << 3 | 2;

	while (key >= 0x80) {
		out[k++] = (uint8_t)(key | 0x80);
		key >>= 7;
	}
	out[k++] = (uint8_t)key;
	out[k++] = (uint8_t)len;	/* < 128 here */
	memcpy(out + k, v, len);
	return k + len;
}

static size_t strfield(uint8_t *out, unsigned num, const char *s)
{
	return lenfield(out, num, s, strlen(s));
}

/* A Container: id, sandbox p1, name, image (with Kubernetes 1.28's
 * user_specified_image, field 18, after it when both), an unread
 * varint field (state 6 = 1). */
static size_t container(uint8_t *out, const char *id, const char *name,
			const char *image, const char *user_image)
{
	uint8_t md[64], im[128], c[256];
	size_t m = strfield(md, 1, name), i = strfield(im, 1, image), n = 0;

	if (user_image)
		i += strfield(im + i, 18, user_image);
	n += strfield(c + n, 1, id);
	n += strfield(c + n, 2, "p1");
	n += lenfield(c + n, 3, md, m);
	n += lenfield(c + n, 4, im, i);
	c[n++] = 6 << 3;	/* state: running */
	c[n++] = 1;
	return lenfield(out, 1, c, n);	/* ListContainersResponse.containers */
}

static void hand_made(void **state)
{
	uint8_t cont[1024], pods[256], md[128], sb[200];
	size_t cl = 0, pl = 0, m = 0, s = 0;
	struct got g = { 0 };
	const struct nm_rtnames *n;

	(void)state;
	cl += container(cont + cl, IDB, "web", "sha256:0123", "nginx:1.25");
	cl += container(cont + cl, "abc", "short", "x", NULL);	/* not an id */
	cl += container(cont + cl, IDC, "a,b\"c", "img\x01", NULL);
	m += strfield(md + m, 1, "shop-7d");
	m += strfield(md + m, 2, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901");
	m += strfield(md + m, 3, "prod");
	s += strfield(sb + s, 1, "p1");
	s += lenfield(sb + s, 2, md, m);
	pl += lenfield(pods + pl, 1, sb, s);
	assert_int_equal(nm_cri_parse(cont, cl, pods, pl, got, &g), 3);
	assert_int_equal(g.n, 2);
	assert_non_null(n = find(&g, IDB));
	assert_string_equal(n->name, "web");
	assert_string_equal(n->image, "nginx:1.25");
	assert_string_equal(n->pod, "shop-7d");
	assert_string_equal(n->ns, "prod");
	assert_non_null(n = find(&g, IDC));
	assert_string_equal(n->name, "a_b_c");
	assert_string_equal(n->image, "img_");
	assert_string_equal(n->pod, "shop-7d");
	/* not a protobuf message: a JSON list */
	assert_int_equal(nm_cri_parse((const uint8_t *)"[{\"Id\":1}]", 10,
				      pods, pl, got, &g), -1);
}

/* A socket that accepts and says nothing HTTP/2 can read, and one that
 * is not there: errors said, never names. */
static void not_cri(void **state)
{
	char path[] = "/tmp/porttop-cri-XXXXXX", sock[64], err[96];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), stop = 0, listed = -1;
	struct got g = { 0 };
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(sock, sizeof(sock), "%s/s", path);
	assert_int_equal(nm_cri_list(sock, 500, &stop, got, &g, &listed, err,
				     sizeof(err)), NM_WHO_NORUNTIME);
	assert_int_equal(listed, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	if ((pid = fork()) == 0) {	/* an HTTP/1.1 server, as Docker's */
		static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 2"
					"\r\n\r\n[]";
		int c = accept(fd, NULL, NULL);
		char buf[512];

		if (c >= 0 && read(c, buf, sizeof(buf)) > 0 &&
		    write(c, r, sizeof(r) - 1) > 0)
			sleep(1);
		_exit(0);
	}
	assert_int_equal(nm_cri_list(sock, 2000, &stop, got, &g, &listed, err,
				     sizeof(err)), NM_WHO_ERROR);
	assert_int_equal(g.n, 0);
	assert_true(err[0] != '\0');
	close(fd);
	unlink(sock);
	rmdir(path);
	kill(pid, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unframe),
		cmocka_unit_test(containerd_lists),
		cmocka_unit_test(containerd_cut),
		cmocka_unit_test(hand_made),
		cmocka_unit_test(not_cri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
