/*
 * engine_open.c - opening and closing what the engine owns (see engine.h):
 * the source, its filter, attribution, privileges, -w and the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "priv.h"
#include "wake.h"

/* The file or device, with its link type checked and the filter set. */
static enum pt_status open_source(struct engine *e, struct pt_err *err)
{
	const struct engine_opts *o = &e->o;
	char cerr[CAP_ERRBUF_SIZE], warn[CAP_ERRBUF_SIZE], dlt[64];

	if (o->read_file) {
		if (cap_open_file(o->read_file, &e->cap, cerr) != CAP_OK)
			return pt_fail(err, PT_ERR_OPEN, "%s: %s", o->read_file,
				       cerr);
	} else if (cap_open_live(&o->live, &e->cap, cerr, warn) != CAP_OK) {
		if (!o->fallback_file)
			return pt_fail(err, PT_ERR_OPEN, "%s", cerr);
		/* e.g. not root: show the bundled capture instead, and why */
		fprintf(stderr, "porttop: %s\nporttop: replaying %s instead\n",
			cerr, o->fallback_file);
		snprintf(e->notice, sizeof(e->notice),
			 "no live capture (%.150s)", cerr);
		e->o.read_file = o->fallback_file;
		return open_source(e, err);
	} else if (*warn) {
		fprintf(stderr, "porttop: warning: %s\n", warn);
	}
	e->live = cap_is_live(e->cap);
	e->dlt = e->other_dlt = cap_datalink(e->cap);
	if (!(e->link = e->other = dec_link_find(e->dlt)))
		return pt_fail(err, PT_ERR_LINKTYPE,
			       "%s: unsupported link type %s", cap_name(e->cap),
			       cap_dlt_name(cap_datalink(e->cap), dlt,
					    sizeof(dlt)));
	if (o->filter && *o->filter &&
	    cap_set_filter(e->cap, o->filter, cerr) != CAP_OK)
		return pt_fail(err, PT_ERR_FILTER,
			       "bad filter expression '%.200s': %s", o->filter,
			       cerr);
	return PT_OK;
}

/* Attribution: live, this host's sockets as they come and go; from a
 * file, the processes its packets' comments recorded.  A forced --attrib
 * that cannot work is an error; the automatic choice says what it uses
 * (engine_attrib_msg). */
static enum pt_status open_attrib(struct engine *e, struct pt_err *err)
{
	struct attr_opts ao = { .mode = e->o.attrib,
				.defer_thread = e->o.user != NULL,
				.scope_cgroup = e->o.own_cgroup,
				.scope_netns = e->o.own_netns };

	if (ao.mode == ATTR_MODE_NONE) {
		snprintf(e->attr_msg, sizeof(e->attr_msg),
			 "attribution: off (--attrib none)");
		return PT_OK;
	}
	if (!e->live) {		/* a pcapng file's comments, as it is read */
		if (cap_comments(e->cap) &&
		    attr_open_file(&e->attr, cap_process_comments(e->cap)) < 0)
			return pt_fail(err, PT_ERR_NOMEM, "attribution: out of "
				       "memory");
		e->hold = e->attr != NULL;
		return PT_OK;
	}
	if (attr_start(&e->attr, &ao, e->attr_msg, sizeof(e->attr_msg)) < 0 &&
	    ao.mode != ATTR_AUTO)
		return pt_fail(err, PT_ERR_ATTRIB, "%s", e->attr_msg);
	return PT_OK;
}

/* -Z: the device is open and eBPF loaded; output files are created as
 * the user from here on, as with tcpdump -Z. */
static enum pt_status drop_privileges(struct engine *e, struct pt_err *err)
{
	char why[256];

	if (!e->o.user)
		return PT_OK;
	if (priv_drop(e->o.user, e->attr && e->live, why, sizeof(why)) < 0)
		return pt_fail(err, PT_ERR_PRIV, "%s", why);
	if (attr_run(e->attr) < 0)
		fprintf(stderr, "porttop: attribution: cannot start its "
			"thread\n");
	return PT_OK;
}

static void want_owner(void *attr, const struct ft_key *k)
{
	attr_want(attr, k);
}

/* The decoder, the flow table, and -w as the first consumer. */
static enum pt_status open_pipeline(struct engine *e, struct pt_err *err)
{
	enum pt_status rc;

	if (dec_init(&e->dec, 0) == 0)
		dec_set_tunnels(&e->dec, e->o.tunnels == ENGINE_TUNNELS_OUTER &&
				!e->o.switch_tunnels ? 0 : DEC_MAX_TUNNELS);
	e->o.ft.publish_hidden = e->o.switch_tunnels;
	if (!e->dec.frags || !(e->names = nm_new()) ||
	    !(e->ft = ft_create(&e->o.ft, engine_flow_ended, e)))
		return pt_fail(err, PT_ERR_NOMEM,
			       "cannot allocate the flow table (%zu bytes): %s",
			       ft_memory(&e->o.ft), strerror(errno));
	if (e->attr)	/* look each new flow's sockets up at once */
		ft_set_new_flow(e->ft, want_owner, e->attr);
	if (e->o.write_file) {
		/* -w pcapng keeps the processes of a live capture; run
		 * keeps only CMD's packets */
		rc = dump_open(&e->dump, e->o.write_file, e->cap,
			       e->live ? e->attr : NULL, e->o.own_cgroup, err);
		if (rc != PT_OK)
			return rc;
		struct consumer c = dump_consumer(e->dump);
		engine_add(e, &c);
	}
	if (wake_open(&e->done) < 0)
		return pt_fail(err, PT_ERR_NOMEM, "cannot make a pipe");
	return PT_OK;
}

/* Live, with owners: the runtimes that name their containers, asked by
 * a thread of their own.  One that cannot start costs names only. */
static void open_runtime(struct engine *e)
{
	if (!e->live || !e->attr || e->o.runtime.off)
		return;
	if (nm_runtime_start(&e->runtime, &e->o.runtime) < 0)
		fprintf(stderr, "porttop: containers: cannot start the thread "
			"that asks their runtimes\n");
}

enum pt_status engine_open(struct engine **out, const struct engine_opts *o,
			   struct pt_err *err)
{
	struct engine *e = calloc(1, sizeof(*e));
	enum pt_status rc;

	*out = NULL;
	if (!e)
		return pt_fail(err, PT_ERR_NOMEM, "out of memory");
	e->o = *o;
	e->speed_u = o->speed > 0 ? (int64_t)(o->speed * 1e6 + 0.5) : 0;
	if ((rc = open_source(e, err)) != PT_OK ||
	    (rc = open_attrib(e, err)) != PT_OK ||
	    (rc = drop_privileges(e, err)) != PT_OK ||
	    (rc = open_pipeline(e, err)) != PT_OK) {
		engine_close(e);
		return rc;
	}
	open_runtime(e);
	*out = e;
	return PT_OK;
}

void engine_close(struct engine *e)
{
	struct pt_err ignored;

	if (!e)
		return;
	if (e->started && !e->joined)
		engine_stop(e);
	engine_wait(e, &ignored);	/* joins, closes -w */
	pipe_free(e->pipe);
	free(e->fbuf);
	ft_destroy(e->ft);
	free(e->held);
	dec_free(&e->dec);
	nm_runtime_stop(e->runtime);
	nm_free(e->names);
	attr_stop(e->attr);
	cap_close(e->cap);
	wake_close(e->done);
	free(e);
}

/* ---- what the engine tells ------------------------------------------------ */

const char *const engine_tunnels_names[ENGINE_TUNNELS_NUM] = {
	[ENGINE_TUNNELS_ZEEK] = "zeek", [ENGINE_TUNNELS_OUTER] = "outer",
	[ENGINE_TUNNELS_INNER] = "inner" };

void engine_describe(const struct engine *e, struct engine_desc *d)
{
	struct attr_stats st;

	memset(d, 0, sizeof(*d));
	d->source = cap_name(e->cap);
	d->filter = e->o.filter ? e->o.filter : "";
	d->live = e->live;
	d->speed = (double)__atomic_load_n(&e->speed_u, __ATOMIC_RELAXED) / 1e6;
	d->capacity = e->o.ft.max_flows ? e->o.ft.max_flows :
					  FT_DEFAULT_FLOWS;
	d->notice = e->notice[0] ? e->notice : NULL;
	d->tunnels = e->o.tunnels;
	d->switch_tunnels = e->o.switch_tunnels;
	d->own_only = e->o.own_cgroup != 0;
	d->fanout_group = e->live ? e->o.live.fanout_group : 0;
	if (attr_active(e->attr)) {
		attr_get_stats(e->attr, &st);
		d->attrib = st.source;
		d->attrib_lost = st.bpf_dropped + st.lost + st.evicted;
	}
}

struct attr *engine_attr(struct engine *e)
{
	return e->attr;
}

struct nm_names *engine_names(struct engine *e)
{
	return e->names;
}

struct nm_runtime *engine_runtime(struct engine *e)
{
	return e->runtime;
}

int engine_is_live(const struct engine *e)
{
	return e->live;
}

const char *engine_attrib_msg(struct engine *e)
{
	/* a file's line says what its comments gave: known as it is read */
	if (!e->live && !attr_file_msg(e->attr, e->attr_msg,
				       sizeof(e->attr_msg)))
		e->attr_msg[0] = '\0';
	return e->attr_msg;
}

int engine_status(const struct engine *e, char lines[][ENGINE_STATUS_LEN],
		  int max)
{
	int n = 0;

	for (int i = 0; i < e->ncons && n < max; i++) {
		const struct consumer *c = &e->cons[i];

		if (!c->status)
			continue;
		lines[n][0] = '\0';
		c->status(c->arg, lines[n], ENGINE_STATUS_LEN);
		if (lines[n][0])
			n++;
	}
	return n;
}

void engine_progress(const struct engine *e, uint64_t *done,
		     uint64_t *total)
{
	cap_progress(e->cap, done, total);
}
