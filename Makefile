# quarry - answers questions from a Q&A corpus with BM25 over SQLite.
# GNU make.  Knobs: CC, CFLAGS, PREFIX, DESTDIR, PKG_CONFIG, WITH_LLM, WERROR.

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
CFLAGS ?= -O2 -g
WITH_LLM ?= 1
WERROR ?= 0
VERSION := 0.1.0

PKGS := sqlite3 libutf8proc jansson
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN += -Werror
endif
QCPPFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DQUARRY_VERSION='"$(VERSION)"' -DWITH_LLM=$(WITH_LLM) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
	$(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || \
		echo -I/usr/include/libxml2)
# The fallbacks serve a fresh machine, where pkg-config arrives with deps.
# STATIC=1 (default) links SQLite, utf8proc, jansson and libstemmer from
# their Debian .a archives: start-up then skips most dynamic relocation,
# which is most of what a one-question `quarry ask` costs.
STATIC ?= 1
ifeq ($(STATIC),1)
QLIBS := -Wl,-Bstatic -lsqlite3 -lutf8proc -ljansson -lstemmer \
	-Wl,-Bdynamic -lm -lpthread
EDITLIBS := -Wl,-Bstatic -ledit -ltinfo -lbsd -lmd -Wl,-Bdynamic
else
QLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || \
	echo -lsqlite3 -lutf8proc -ljansson) -lstemmer -lm
EDITLIBS := -ledit
endif
# libcurl and libxml2 are loaded with dlopen when first needed.
QLIBS += -ldl

# Objects built with and without the LLM client live apart, so switching
# WITH_LLM never links stale objects.
B := build/llm$(WITH_LLM)
LIB_SRC := $(wildcard util/*.c index/*.c retrieval/*.c)
ifeq ($(WITH_LLM),1)
LIB_SRC += $(wildcard llm/*.c)
endif
CLI_SRC := $(wildcard cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/corpus_data.o
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
ifneq ($(WITH_LLM),1)
UNIT_SRC := $(filter-out tests/unit/test_llm.c,$(UNIT_SRC))
endif
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BUNDLED := corpus/deep-learning-interview-qa.txt

all: quarry

# Install missing Debian packages once (tests/deps.sh); skip with NO_DEPS=1.
$(B)/.deps: tests/deps.sh
	@mkdir -p $(B)
	@if [ "$(NO_DEPS)" != 1 ]; then sh tests/deps.sh; fi
	@touch $@

$(CLI_OBJ) $(LIB_OBJ): | $(B)/.deps

# Relink whenever the configuration changes (the stamp names it).
STAMP := build/.config-llm$(WITH_LLM)-static$(STATIC)
$(STAMP):
	@mkdir -p build
	@rm -f build/.config-*
	@touch $@

quarry: $(CLI_OBJ) $(LIB_OBJ) $(STAMP)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(QLIBS) $(EDITLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(QCPPFLAGS) $(WARN) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The bundled corpus is compiled into the binary as the embedded default.
$(B)/corpus_data.c: $(BUNDLED) tests/embed.sh
	@mkdir -p $(B)
	sh tests/embed.sh $(BUNDLED) > $@.tmp && mv $@.tmp $@

$(B)/corpus_data.o: $(B)/corpus_data.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(QCPPFLAGS) $(WARN) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(QLIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

test: quarry $(UNIT_BIN)
	@sh tests/run.sh $(UNIT_BIN)

# Sanitizer build: `make asan test` rebuilds everything with ASan+UBSan.
asan:
	$(MAKE) clean
	$(MAKE) CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" quarry $(UNIT_BIN)

# Ranking quality against SQLite FTS5 on the judged collections.
EVAL_DIRS ?= $(wildcard ../shared/eval/*/) tests/devset
eval: quarry
	./quarry eval --model both $(EVAL_DIRS)

# libFuzzer+ASan+UBSan on every parser of outside input (clang).
FUZZ_SECONDS ?= 30
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# Replay the fuzz regression inputs and seeds under ASan+UBSan (TAP); also
# part of make test.
fuzz-replay:
	sh tests/fuzz/replay.sh

# The bundled-corpus latency against the sqlite3 shell, then the scale
# benchmark against FTS5 (tests/bench/).
bench: quarry
	sh tests/bench/small.sh
	sh tests/bench/startup.sh
	sh tests/bench/qcost.sh | tail -n 3
	sh tests/bench/bench.sh
	sh tests/bench/update.sh

install: quarry
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 quarry $(DESTDIR)$(PREFIX)/bin/quarry

clean:
	rm -rf build quarry

.PHONY: all test asan eval bench fuzz fuzz-replay install clean
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
