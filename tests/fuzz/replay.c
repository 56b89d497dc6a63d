/*
 * replay.c - a main() for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput on each file named (or each file of each
 * directory named), once, so that a crash input kept in tests/fuzz/crashes
 * is a regression test under plain gcc and the sanitizers.  Exit 0 when
 * every input ran.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0) {
		perror(path);
		return -1;
	}
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int ran = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc |= one(argv[i]);
			ran++;
			continue;
		}
		if (!(d = opendir(argv[i])))
			continue;
		while ((e = readdir(d))) {
			char p[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			rc |= one(p);
			ran++;
		}
		closedir(d);
	}
	fprintf(stderr, "replay: %d inputs\n", ran);
	return rc ? 1 : 0;
}
