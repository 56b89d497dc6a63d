/*
 * test_cap_pcapng_diff.c - porttop's pcapng reader (capture/cap_pcapng.c)
 * against libpcap 1.10, on real captures and on zzuf-mutated copies of
 * them: every *.pcapng of ../shared/pcaps (by path: SHARED overrides
 * ../shared; skipped, saying why, when it is missing) and of pcaps/.
 *
 * For each file and each mutation both readers must agree (capcmp.h):
 * the same refusal at open, or the same link type, snapshot length,
 * packets (time, lengths, bytes) and end (end of file, or the same error
 * message).  The one expected difference: where libpcap stops at an
 * interface whose link type or snapshot length differs from the first
 * one's, porttop reads on (cap.h: a pcapng file may mix interfaces); the
 * packets before must agree.
 *
 * Mutations (zzuf, Debian's; ./deps.sh --test installs it; skipped, saying
 * why, without it): seeds 1-100 flip 1 bit in 250 past byte 64 (the blocks
 * after the header, as tests/corrupt does), seeds 101-200 1 bit in 1,000
 * anywhere (the header too: refusals at open).  Fixed seeds: every run
 * sees the same files.  CAPDIFF_SEEDS=N runs N of each kind instead of
 * 100 (e.g. fewer under a slow sanitizer).  Disagreements are listed with
 * the zzuf command that remakes the input.  Run from the project root
 * (tests/run.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capcmp.h"

static char tmpdir[64];

struct tally {
	long files, runs, same, mixed, mixed_err, differ, ours, errors,
		refused;
};

static int seeds(void)
{
	const char *s = getenv("CAPDIFF_SEEDS");
	int n = s ? atoi(s) : 100;

	return n > 0 ? n : 100;
}

static const char *shared_dir(void)
{
	const char *s = getenv("SHARED");

	return s && *s ? s : "../shared";
}

static void count(struct tally *t, const struct capcmp_res *r)
{
	t->runs++;
	t->ours += r->ours;
	if (r->verdict == CAPCMP_SAME) {
		t->same++;
		t->errors += r->opened && r->error;
		t->refused += !r->opened;
	} else if (r->verdict == CAPCMP_MIXED) {
		t->mixed++;
		t->mixed_err += r->error;
	} else {
		t->differ++;
	}
}

/* zzuf -s SEED -r RATIO [-b 64-] < in > out; 0 when it ran. */
static int zzuf(const char *in, const char *out, int seed, const char *ratio,
		int skip_header)
{
	char s[16];
	pid_t pid;
	int st;

	snprintf(s, sizeof(s), "%d", seed);
	pid = fork();
	if (pid == 0) {
		int i = open(in, O_RDONLY), o = open(out, O_WRONLY | O_CREAT |
						     O_TRUNC, 0600);

		if (i < 0 || o < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0)
			_exit(127);
		if (skip_header)
			execlp("zzuf", "zzuf", "-s", s, "-r", ratio, "-b", "64-",
			       (char *)NULL);
		else
			execlp("zzuf", "zzuf", "-s", s, "-r", ratio, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int have_zzuf(void)
{
	return system("command -v zzuf >/dev/null 2>&1") == 0;
}

/* One file: as it is, then mutated unless mutate is 0. */
static void one_file(const char *path, int mutate, struct tally *t)
{
	char out[sizeof(tmpdir) + 16];
	struct capcmp_res r = capcmp_file(path);
	int n = seeds();

	t->files++;
	count(t, &r);
	if (r.verdict == CAPCMP_DIFFER)
		print_message("DIFFER %s: %s\n", path, r.why);
	else
		print_message("# %s: %s, %ld packets%s\n", path,
			      r.verdict == CAPCMP_MIXED ? "libpcap stops at a "
			      "mixed interface, porttop reads on" : "same",
			      r.packets + r.beyond,
			      r.error ? ", then an error" : "");
	if (!mutate)
		return;
	snprintf(out, sizeof(out), "%s/z", tmpdir);
	for (int seed = 1; seed <= 2 * n; seed++) {
		int head = seed <= n;
		const char *ratio = head ? "0.004" : "0.001";

		assert_int_equal(zzuf(path, out, head ? seed : 100 + seed - n,
				      ratio, head), 0);
		r = capcmp_file(out);
		count(t, &r);
		if (r.verdict == CAPCMP_DIFFER)
			print_message("DIFFER zzuf -s %d -r %s%s < %s: %s\n",
				      head ? seed : 100 + seed - n, ratio,
				      head ? " -b 64-" : "", path, r.why);
	}
}

static void report(const char *what, const struct tally *t)
{
	print_message("# %s: %ld files, %ld readings (%ld by porttop's pcapng "
		      "reader): %ld same (%ld refused at open by both, %ld "
		      "the same error mid-way), %ld where libpcap stops at a "
		      "mixed interface and porttop reads on (%ld of them to "
		      "damage further on), %ld disagree\n",
		      what, t->files, t->runs, t->ours, t->same, t->refused,
		      t->errors, t->mixed, t->mixed_err, t->differ);
}

static void run_glob(const char *pattern, int mutate, struct tally *t)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		one_file(g.gl_pathv[i], mutate, t);
	globfree(&g);
}

static void repo_captures(void **state)
{
	struct tally t = { 0 };

	(void)state;
	if (access("pcaps/dumpcap.pcapng", R_OK) != 0) {
		print_message("SKIP: pcaps/ not found (run from the project "
			      "root)\n");
		skip();
	}
	run_glob("pcaps/*.pcapng", have_zzuf(), &t);
	report("pcaps/", &t);
	assert_true(t.files > 0);
	assert_int_equal(t.differ, 0);
}

static void shared_captures(void **state)
{
	char pat[512];
	struct tally t = { 0 };

	(void)state;
	snprintf(pat, sizeof(pat), "%s/pcaps", shared_dir());
	if (access(pat, R_OK) != 0) {
		print_message("SKIP: %s not found (set SHARED)\n", pat);
		skip();
	}
	snprintf(pat, sizeof(pat), "%s/pcaps/*.pcapng", shared_dir());
	run_glob(pat, have_zzuf(), &t);
	report(pat, &t);
	assert_true(t.files > 0);
	assert_int_equal(t.differ, 0);
}

static void no_zzuf(void **state)
{
	(void)state;
	if (!have_zzuf()) {
		print_message("SKIP: zzuf is not installed (./deps.sh --test): "
			      "the captures were compared unmutated only\n");
		skip();
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/capdiff.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char p[sizeof(tmpdir) + 16];

	(void)state;
	snprintf(p, sizeof(p), "%s/z", tmpdir);
	unlink(p);
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_zzuf),
		cmocka_unit_test(repo_captures),
		cmocka_unit_test(shared_captures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
