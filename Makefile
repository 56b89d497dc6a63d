# porttop - see README.md.  `make`, `make test`, `make check`, `make bench`,
# `make install` (PREFIX, DESTDIR).  `make test SAN=address,undefined` runs
# the suite on a sanitizer build; `make test-tsan` runs the threaded test
# under ThreadSanitizer; `make check` runs all three (what CI runs).

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
SAN     ?=
VERSION := 0.1.0

comma := ,
BUILD := build/$(if $(SAN),san-$(subst $(comma),-,$(SAN)),release)
SANFLAGS := $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all)
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DPORTTOP_VERSION='"$(VERSION)"' \
	$(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
LIBS := -lpcap -ljansson -lsodium -lncursesw -lm -pthread

# The pipeline, in data-flow order; ui/main.c is the program.
LIB_SRC := capture/cap.c capture/cap_live.c capture/cap_dump.c \
	decode/dec_hash.c decode/dec_link.c decode/dec_ip.c decode/dec_l4.c \
	decode/dec_frag.c \
	flowtable/server_ports.c flowtable/conn.c flowtable/ft.c \
	filters/filter.c \
	ui/report.c ui/report_out.c ui/run.c ui/engine.c ui/sig.c \
	ui/model.c ui/fmt.c ui/batch.c ui/view.c ui/view_draw.c ui/resolve.c
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/ui/main.o
BIN := $(if $(SAN),$(BUILD)/porttop,porttop)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test test-unit test-tsan check bench install uninstall \
	clean update-test

all: $(BIN)

$(BIN): $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(LDFLAGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ $(filter %.c %.o,$^) $(LIBS) -lcmocka $(LDFLAGS)

deps:
	./deps.sh

# The whole suite: installs what the tests need, then unit tests (cmocka),
# golden outputs, oracle agreement on ../shared, corrupt inputs.
test: 
	./deps.sh --test
	$(MAKE) $(BIN) $(UNIT_BIN)
	PORTTOP=$(abspath $(BIN)) BUILD=$(BUILD) tests/run.sh

test-unit: $(UNIT_BIN)
	PORTTOP=$(abspath $(BIN)) BUILD=$(BUILD) tests/run.sh unit

test-tsan:
	./deps.sh --test
	$(MAKE) SAN=thread build/san-thread/tests/test_ft_readers \
		build/san-thread/tests/test_engine_model
	build/san-thread/tests/test_ft_readers
	build/san-thread/tests/test_engine_model

# Everything CI runs (.ci/run): the suite plain and under ASan+UBSan, and the
# threaded test under TSan.
check:
	$(MAKE) test
	$(MAKE) test SAN=address,undefined
	$(MAKE) test-tsan

# Regenerate one golden output after a reviewed change: make update-test T=name
update-test: $(BIN)
	PORTTOP=$(abspath $(BIN)) tests/golden/run.sh --update $(T)

bench: all
	tests/bench/bench.sh

install: porttop
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 porttop $(DESTDIR)$(PREFIX)/bin/porttop
	install -m 0644 porttop.8 $(DESTDIR)$(PREFIX)/share/man/man8/porttop.8

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/porttop \
		$(DESTDIR)$(PREFIX)/share/man/man8/porttop.8

clean:
	rm -rf build porttop tests/out

-include $(shell find build -name '*.d' 2>/dev/null)
