/*
 * fuzz_file.c - libFuzzer target: a whole capture file (pcap, read by
 * libpcap, or pcapng, read by capture/cap_pcapng.c) through porttop's
 * offline pipeline as `porttop -r FILE --report KIND --format FMT
 * --events /dev/null` runs it: decode,
 * flows, the pcapng comment walker (attribution from the file), reports
 * and events.  The input's last byte picks the report and format.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/keyhash.h"
#include "../../core/run.h"

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
	struct run_opts o = {
		.mode = RUN_REPORT, .read_file = path, .quiet = true,
		.report = (enum rep_kind)(data[size - 1] % 3),
		.format = (enum rep_fmt)(data[size - 1] / 3 % 3),
		.speed = 0, .events_file = "/dev/null",
		.ft = { .max_flows = 64 },
	};
	run(&o);
	close(fd);
	return 0;
}
