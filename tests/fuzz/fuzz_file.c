/*
 * fuzz_file.c - libFuzzer target: a whole capture file (pcap, read by
 * libpcap, or pcapng, read by capture/cap_pcapng.c) through porttop's
 * offline pipeline as `porttop -r FILE --report KIND --format FMT
 * --events /dev/null` runs it: decode,
 * flows, attribution from the file's comments (attrib/attr_file.c), reports
 * and events.  The input's last byte picks the report and format.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/keyhash.h"
#include "../../core/engine.h"
#include "../../report/events.h"
#include "../../report/report_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	char path[64];
	int fd;

	if (!inited) {
		static const uint8_t seed[16] = { 2 };
		int null = open("/dev/null", O_WRONLY);

		keyhash_init(seed);
		dup2(null, STDOUT_FILENO);	/* the reports */
		close(null);
		inited = 1;
	}
	if (size < 1)
		return 0;
	fd = memfd_create("capture", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size - 1) != (ssize_t)(size - 1)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct engine_opts eo = { .read_file = path, .speed = 0,
				  .ft = { .max_flows = 64 } };
	struct report_run_opts ro = {
		.kind = (enum rep_kind)(data[size - 1] % 3),
		.format = (enum rep_fmt)(data[size - 1] / 3 % 3), .quiet = true,
	};
	struct pt_err err;
	struct engine *e;
	char eerr[256];

	if (engine_open(&e, &eo, &err) == PT_OK) {
		struct events *ev = events_open("/dev/null", engine_attr(e),
						NULL, eerr, sizeof(eerr));
		struct consumer c;

		if (ev) {
			c = events_consumer(ev);
			engine_add(e, &c);
		}
		report_run(e, &ro);
		events_close(ev);
		engine_close(e);
	}
	close(fd);
	return 0;
}
