# porttop - see README.md.  `make`, `make test`, `make check`, `make bench`,
# `make windows` (porttop.exe with MinGW-w64, README "Windows"),
# `make install` (PREFIX, DESTDIR).  `make test SAN=address,undefined` runs
# the suite on a sanitizer build; `make test-tsan` runs the threaded tests
# and the threads suite under ThreadSanitizer; `make check` runs all three
# (what CI runs).

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O3 -g
SAN     ?=
VERSION := 0.1.0

comma := ,
BUILD := build/$(if $(SAN),san-$(subst $(comma),-,$(SAN)),release)
# porttop itself (not a sanitizer build) is also optimised across files:
# -O3 and link-time optimisation take 13 % of the instructions of a ports
# report off -O2's (cachegrind; tests/bench/README.md).  The objects are
# fat, so that the unit tests and fuzz programs link their plain code,
# fast (GCC's fat objects: with another compiler, no LTO).  `make LTO=`
# builds without it.
CC_IS_GCC := $(shell $(CC) -v 2>&1 | grep -q '^gcc version' && echo 1)
LTO ?= $(if $(SAN),,$(if $(CC_IS_GCC),-flto=auto))
NO_LTO := $(if $(LTO),-fno-lto)
SANFLAGS := $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all)
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DPORTTOP_VERSION='"$(VERSION)"' \
	$(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
# libfixbuf (IPFIX, export/) brings glib: its flags from pkg-config.
FIXBUF_CFLAGS := $(shell pkg-config --cflags libfixbuf 2>/dev/null)
FIXBUF_LIBS := $(or $(shell pkg-config --libs libfixbuf 2>/dev/null),-lfixbuf -lglib-2.0)
# The rules of `porttop check` (rules/) are YAML read by libyaml; their
# JUnit output is written by libxml2's xmlwriter.
YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(or $(shell pkg-config --libs yaml-0.1 2>/dev/null),-lyaml)
XML_CFLAGS := $(or $(shell pkg-config --cflags libxml-2.0 2>/dev/null),-I/usr/include/libxml2)
XML_LIBS := $(or $(shell pkg-config --libs libxml-2.0 2>/dev/null),-lxml2)
# QUIC Initial packets are opened with libcrypto (decode/dec_quic_prim_linux.c).
CRYPTO_LIBS := $(or $(shell pkg-config --libs libcrypto 2>/dev/null),-lcrypto)
LIBS := -lpcap -ljansson -lncursesw -lbpf -lelf -lz -lcap -lcurl -lprotobuf-c -lm \
	$(FIXBUF_LIBS) $(YAML_LIBS) $(XML_LIBS) $(CRYPTO_LIBS) -pthread
# The eBPF program (attrib/attr.bpf.c) is built by clang for the BPF target
# whatever CC and SAN are: it runs in the kernel, never sanitized.
CLANG   ?= clang
# Debian installs bpftool in /usr/sbin, often not in a user's PATH.
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

# The pipeline, in data-flow order; porttop.c is the program.
LIB_SRC := lib/os_linux.c lib/keyhash.c lib/rand_linux.c lib/vmem_linux.c lib/grow.c lib/sort.c lib/thread_linux.c lib/parse.c lib/jsonw.c lib/memfile_linux.c \
	capture/cap.c capture/cap_snap.c capture/cap_pcapng.c capture/cap_pseudo.c capture/cap_live_linux.c capture/cap_file_linux.c capture/cap_dump.c \
	decode/dec_link.c decode/dec_ether.c decode/dec_ppp.c decode/dec_wifi.c \
	decode/dec_tunnel.c decode/dec_udptun.c decode/dec_ip.c decode/dec_l4.c decode/dec_frag.c decode/dec_names.c \
	decode/dec_quic.c decode/dec_quic_crypto.c decode/dec_quic_prim_linux.c \
	flowtable/server_ports.c flowtable/uid.c flowtable/gap.c flowtable/conn.c flowtable/behav.c \
	flowtable/ft.c flowtable/gone.c flowtable/scan.c \
	filters/filter.c filters/dfilter_lex.c filters/dfilter_value.c filters/dfilter_parse.c filters/dfilter_eval.c \
	names/nm_pool.c names/nm_tab.c names/nm.c names/nm_feed.c names/nm_cgroup.c names/nm_who.c \
	names/nm_whomap_linux.c names/nm_rtjson.c names/nm_rtspec.c names/nm_rtev.c names/nm_curl_linux.c \
	names/nm_cri.c names/nm_cri_linux.c names/nm_runtime_linux.c \
	attrib/attr.c attrib/attr_lookup.c attrib/attr_gen.c attrib/attr_note.c attrib/attr_cache.c attrib/attr_diag.c attrib/attr_procnet.c \
	attrib/attr_procmap.c attrib/attr_bpf.c attrib/attr_file.c attrib/attr_iphlp.c attrib/attr_os_linux.c \
	core/status.c core/engine_open.c core/engine.c core/pipe.c core/dump_hold.c core/dump.c core/sig_linux.c core/wake_linux.c core/priv_linux.c core/child_linux.c \
	report/names.c report/port_row.c report/ports.c report/procs.c report/rows_fields.c report/rows.c report/row_filter.c report/report.c report/events.c report/report_run.c \
	export/ipfix_rec.c export/ipfix_fb.c export/ipfix_coll.c export/ipfix_send.c export/ipfix.c \
	rules/rules_node.c rules/rules_value.c rules/rules_check.c rules/rules_yaml.c rules/check_agg.c rules/check.c \
	rules/junit.c rules/check_run.c rules/diff_load.c rules/diff_map.c rules/diff_json.c rules/diff.c rules/diff_procs.c \
	rules/diff_opts.c rules/diff_run.c \
	ui/model.c ui/model_rows.c ui/user_linux.c ui/fmt.c ui/fmt_cols.c ui/fmt_names.c ui/batch.c ui/term_linux.c ui/view.c ui/view_draw.c ui/resolve.c
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# Generated from names/cri.proto (below).
GEN := $(BUILD)/gen
CRI_PB_C := $(GEN)/names/cri.pb-c.c
CRI_PB_H := $(GEN)/names/cri.pb-c.h
GEN_OBJ := $(GEN)/names/cri.pb-c.o
MAIN_OBJ := $(BUILD)/porttop.o
BIN := $(if $(SAN),$(BUILD)/porttop,porttop)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test test-unit test-tsan check bench install uninstall \
	clean update-test

all: $(BIN)

$(BIN): $(LIB_OBJ) $(GEN_OBJ) $(MAIN_OBJ)
	$(CC) $(ALL_CFLAGS) $(LTO) -o $@ $^ $(LIBS) $(LDFLAGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(if $(LTO),$(LTO) -ffat-lto-objects) -c -o $@ $<

# The CRI's messages (names/cri.proto, a subset of the Kubernetes CRI's
# api.proto) -> C by protoc-c (protobuf-c-compiler), read with libprotobuf-c
# (names/nm_cri.c).  Generated code: compiled without our warnings.

$(CRI_PB_C) $(CRI_PB_H) &: names/cri.proto
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) $<

$(GEN_OBJ): $(CRI_PB_C) $(CRI_PB_H)
	$(CC) -std=c11 $(CFLAGS) $(SANFLAGS) -I$(GEN) -c -o $@ $<

$(BUILD)/names/nm_cri.o: $(CRI_PB_H)
$(BUILD)/names/nm_cri.o: private ALL_CFLAGS += -I$(GEN)

# attr.bpf.c -> attr.bpf.o -> attr.skel.h (the object embedded in a header,
# with typed accessors), included by attr_bpf.c.  vmlinux.h is hand-written
# (see its comment): no kernel BTF is needed to build.
BPF_OBJ := $(BUILD)/attrib/attr.bpf.o
BPF_SKEL := $(BUILD)/attrib/attr.skel.h

$(BPF_OBJ): attrib/attr.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) -target bpf -mcpu=v3 -O2 -g -D__TARGET_ARCH_$(BPF_ARCH) \
		-Wall -Iattrib -MMD -MP -c -o $@ $<

$(BPF_SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/attrib/attr_bpf.o: $(BPF_SKEL)
$(BUILD)/attrib/attr_bpf.o: private ALL_CFLAGS += -I$(BUILD)/attrib

# test_keyhash checks lib/keyhash.c's SipHash against libsodium's.
$(BUILD)/tests/test_keyhash: private LIBS += -lsodium

# Only the files that speak to libfixbuf need glib's headers.
$(BUILD)/export/ipfix_fb.o $(BUILD)/tests/test_ipfix: private ALL_CFLAGS += $(FIXBUF_CFLAGS)

$(BUILD)/rules/junit.o: private ALL_CFLAGS += $(XML_CFLAGS)
$(filter $(BUILD)/rules/rules_%.o,$(LIB_OBJ)): private ALL_CFLAGS += $(YAML_CFLAGS)

# The eBPF tests include attr_bpf.c for its internals, skeleton and all;
# so does the eBPF cost benchmark (a cmocka program, not a test).
BPF_COST := $(BUILD)/tests/bench_attr_bpf_cost
BPF_TESTS := $(filter $(BUILD)/tests/test_attr_bpf%,$(UNIT_BIN)) $(BPF_COST)
$(BPF_TESTS): $(BPF_SKEL)
$(BPF_TESTS): private ALL_CFLAGS += -I$(BUILD)/attrib

# $< and the objects only: a test that #includes a back end's .c for its
# internals has that .c among its prerequisites (its .d file).
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(GEN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(NO_LTO) -pthread -o $@ $< $(filter %.o,$^) $(LIBS) -lcmocka $(LDFLAGS)

deps:
	./deps.sh

# The whole suite: installs what the tests need, then unit tests (cmocka),
# golden outputs, oracle agreement on ../shared, corrupt inputs.  The
# plain pass builds porttop.exe first, so that arch checks its objects too;
# a failed build is the windows suite's to report (FAIL windows-build).
test: 
	./deps.sh --test
	$(MAKE) $(BIN) $(UNIT_BIN)
	$(if $(SAN),,mkdir -p build-win && { $(MAKE) windows > build-win/make.log 2>&1 || true; })
	PORTTOP=$(abspath $(BIN)) BUILD=$(BUILD) SAN=$(SAN) tests/run.sh

test-unit: $(UNIT_BIN)
	PORTTOP=$(abspath $(BIN)) BUILD=$(BUILD) tests/run.sh unit

test-tsan:
	./deps.sh --test
	$(MAKE) SAN=thread build/san-thread/tests/test_ft_readers \
		build/san-thread/tests/test_engine_model \
		build/san-thread/tests/test_engine_consumers \
		build/san-thread/tests/test_attr_threads \
		build/san-thread/tests/test_events \
		build/san-thread/tests/test_ipfix \
		build/san-thread/tests/test_nm_tab
	build/san-thread/tests/test_ft_readers
	build/san-thread/tests/test_engine_model
	build/san-thread/tests/test_engine_consumers
	build/san-thread/tests/test_attr_threads
	build/san-thread/tests/test_events
	build/san-thread/tests/test_ipfix
	build/san-thread/tests/test_nm_tab
	$(MAKE) SAN=thread build/san-thread/porttop
	PORTTOP=$(abspath build/san-thread/porttop) \
		TSAN_OPTIONS=halt_on_error=1 tests/run.sh threads

# Everything CI runs (.ci/run): the suite plain and under ASan+UBSan, the
# threaded tests under TSan, the kept fuzz crash inputs under ASan+UBSan,
# and a minute of libFuzzer on each target.
check:
	$(MAKE) test
	$(MAKE) test SAN=address,undefined
	$(MAKE) test-tsan
	$(MAKE) fuzz-replay SAN=address,undefined
	$(MAKE) fuzz FUZZ_SECONDS=60

# Regenerate one golden output after a reviewed change: make update-test T=name
update-test: $(BIN)
	PORTTOP=$(abspath $(BIN)) tests/golden/run.sh --update $(T)

# porttop against its peers on one large capture, what the IPFIX
# exporter costs, and live CPU per packet against tcpdump (root); see
# tests/bench/README.md.
bench: all
	tests/bench/bench.sh
	tests/bench/ipfix_bench.sh
	tests/bench/live_cpu.sh

# Live capture on a veth pair between two network namespaces (root):
# loss, porttop (--batch and the view) against tcpdump -w /dev/null at
# rising tcpreplay rates, then CPU per packet at one rate, then what
# --fanout-group divides; see tests/bench/README.md, "Live loss", "Live
# CPU per packet" and "Fanout".
.PHONY: bench-live
bench-live: all
	tests/bench/live_loss.sh
	tests/bench/live_cpu.sh
	tests/bench/live_fanout.sh

# Floods: a spoofed SYN flood against normal traffic, and crafted hash
# collisions under a known key against a random one; see tests/bench/
# README.md, "Floods".
.PHONY: bench-flood
bench-flood: all
	tests/bench/flood.sh

# Process attribution (root): porttop --attrib bpf and diag against nethogs
# on connections of 0.1 to 100 ms, and the CPU cost of eBPF per connection;
# see tests/bench/README.md, "Attribution".
.PHONY: bench-attrib
bench-attrib: all $(BPF_COST)
	tests/bench/attrib_bench.sh
	$(BPF_COST)

# ---- fuzzing (tests/fuzz/README.md) ------------------------------------------
# make fuzz [FUZZ_SECONDS=N]: clang's libFuzzer with ASan+UBSan, each target
# N seconds from seeds made of the captures; fails on the first crash.
# make fuzz-replay: the kept crash inputs through each target without
# libFuzzer (any CC and SAN): regression tests, run by `make check`.
FUZZ_TARGETS := decode file filter dfilter rules
FUZZ_SECONDS ?= 60
.PHONY: fuzz fuzz-run fuzz-replay
fuzz:
	./deps.sh --test
	$(MAKE) CC=$(CLANG) SAN=fuzzer-no-link,address,undefined fuzz-run

fuzz-run: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJ) $(GEN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(NO_LTO) -fsanitize=fuzzer -o $@ $< $(filter %.o,$^) $(LIBS) $(LDFLAGS)

fuzz-replay: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
	python3 tests/fuzz/seeds.py tests/out/fuzz/seeds pcaps/*.pcap* \
		$(wildcard ../shared/pcaps/*.pcap ../shared/pcaps/*.pcapng)
	for t in $(FUZZ_TARGETS); do \
		c=tests/fuzz/crashes/$$t; [ -d $$c ] || c=; \
		$(BUILD)/fuzz/replay_$$t $$c \
			tests/out/fuzz/seeds/$$t >/dev/null || exit 1; done

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB_OBJ) $(GEN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(NO_LTO) -o $@ $< tests/fuzz/replay.c $(filter %.o,$^) $(LIBS) $(LDFLAGS)

# ---- Windows (README "Windows") -------------------------------------------
# make windows: porttop.exe, cross-built with Debian's MinGW-w64 (posix
# threads).  contrib/win-deps.sh first builds what Debian does not ship
# for MinGW from Debian's own sources into build-win/deps: libpcap (its
# headers, and a file-reading wpcap.dll that stands in for Npcap under
# wine), ncurses with its Windows console driver (the view), libyaml,
# jansson and libxml2 (porttop check and diff).  The object list is the
# Linux one with each *_linux.c replaced by its *_win.c, IP Helper for the
# Linux attribution back ends, and what Windows lacks for now left out:
# IPFIX (export/ipfix_none.c: libfixbuf needs glib) and container
# runtimes.  QUIC's Initials are opened with CNG (bcrypt.dll) there.
WIN_CC    ?= x86_64-w64-mingw32-gcc-posix
WIN_BUILD := build-win
WIN_DEPS  := $(WIN_BUILD)/deps
WIN_EXE   := $(WIN_BUILD)/porttop.exe
WIN_LEFT_OUT := attrib/attr_diag.c attrib/attr_procnet.c attrib/attr_procmap.c \
	attrib/attr_bpf.c $(filter export/%,$(LIB_SRC)) names/nm_rtjson.c names/nm_rtev.c \
	names/nm_curl_linux.c names/nm_cri.c names/nm_cri_linux.c
WIN_SRC := $(patsubst %_linux.c,%_win.c,$(filter-out $(WIN_LEFT_OUT),$(LIB_SRC))) \
	capture/pcapdl_win.c attrib/attr_iphlp_win.c attrib/attr_owner_win.c \
	attrib/attr_procmap_win.c export/ipfix_none.c
WIN_OBJ := $(WIN_SRC:%.c=$(WIN_BUILD)/%.o) $(WIN_BUILD)/porttop.o
# *_STATIC: the libraries are static archives (no dllimport).
WIN_CFLAGS := -std=c11 -D_GNU_SOURCE -D_WIN32_WINNT=0x0601 \
	-D__USE_MINGW_ANSI_STDIO=1 -D_POSIX_THREAD_SAFE_FUNCTIONS -DPORTTOP_VERSION='"$(VERSION)"' \
	$(WARN) -Wno-format -O2 -g -include win/compat.h -Iwin/include \
	-I$(WIN_DEPS)/include -I$(WIN_DEPS)/include/ncursesw \
	-I$(WIN_DEPS)/include/libxml2 -DNCURSES_STATIC -DYAML_DECLARE_STATIC \
	-DLIBXML_STATIC -MMD -MP
# binmode.o: files opened in binary mode (lib/os_win.c does the standard
# streams), so reports are byte for byte the Linux build's.
WIN_LIBS := $(shell $(WIN_CC) -print-file-name=binmode.o) -static \
	-L$(WIN_DEPS)/lib -lncursesw -lyaml -ljansson -lxml2 \
	-lpthread -liphlpapi -lws2_32 -lbcrypt -lpsapi -ladvapi32
# The libraries' stamp: contrib/win-deps.sh builds what it lacks.
WIN_STAMP := $(WIN_DEPS)/.built

.PHONY: windows win-deps print-win-src
print-win-src:
	@echo $(WIN_SRC)

windows: $(WIN_EXE)

win-deps: $(WIN_STAMP)

$(WIN_STAMP): contrib/win-deps.sh
	contrib/win-deps.sh

$(WIN_EXE): $(WIN_OBJ)
	$(WIN_CC) $(WIN_CFLAGS) -o $@ $(filter %.c %.o,$^) $(WIN_LIBS)
	cp $(WIN_DEPS)/bin/wpcap.dll $(WIN_BUILD)/

# RFC 9001's vectors through the QUIC code on CNG (the windows suite runs
# it under wine): decode/ and what it may call, lib/.
WIN_QUIC_TEST := $(WIN_BUILD)/tests/quic_rfc9001.exe
$(WIN_QUIC_TEST): tests/windows/quic_rfc9001.c \
		$(filter $(WIN_BUILD)/decode/% $(WIN_BUILD)/lib/%,$(WIN_OBJ))
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) -o $@ $(filter %.c %.o,$^) $(WIN_LIBS)

# attrib/attr_owner_win.c on wine's process, token and service APIs.
WIN_OWNER_TEST := $(WIN_BUILD)/tests/owner.exe
$(WIN_OWNER_TEST): tests/windows/owner.c $(WIN_BUILD)/attrib/attr_owner_win.o \
		$(WIN_BUILD)/attrib/attr_iphlp.o
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) -o $@ $(filter %.c %.o,$^) $(WIN_LIBS)

# What this Windows (wine) gives a real-time ETW session (README).
$(WIN_BUILD)/tests/etw_probe.exe: tests/windows/etw_probe.c
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) -o $@ $< -static -ladvapi32

$(WIN_BUILD)/%.o: %.c | $(WIN_STAMP)
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) -c -o $@ $<

BASHCOMP := $(PREFIX)/share/bash-completion/completions

install: porttop
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(BASHCOMP)
	install -m 0755 porttop $(DESTDIR)$(PREFIX)/bin/porttop
	install -m 0644 porttop.8 $(DESTDIR)$(PREFIX)/share/man/man8/porttop.8
	install -m 0644 contrib/porttop.bash-completion $(DESTDIR)$(BASHCOMP)/porttop

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/porttop \
		$(DESTDIR)$(PREFIX)/share/man/man8/porttop.8 \
		$(DESTDIR)$(BASHCOMP)/porttop

clean:
	rm -rf build porttop tests/out
	find $(WIN_BUILD) -mindepth 1 -maxdepth 1 ! -name deps -exec rm -rf {} + 2>/dev/null || true

-include $(shell find build $(WIN_BUILD) -name '*.d' -not -path '*/deps/*' 2>/dev/null)
