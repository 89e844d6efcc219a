# quarry - answers questions from a Q&A corpus with BM25 over SQLite.
# GNU make.  Knobs: CC, CFLAGS, CPPFLAGS, LDFLAGS, PKG_CONFIG, WITH_LLM,
# STATIC, WERROR; for install: PREFIX, DESTDIR, BINDIR, MANDIR, BASHCOMPDIR,
# ZSHCOMPDIR, FISHCOMPDIR.  The Debian packages it needs come first, from
# `sh tests/deps.sh` (make itself installs nothing).

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
WITH_LLM ?= 1
WERROR ?= 0
VERSION := 0.1.0

# `make asan` (also `make asan test`) builds with ASan+UBSan, clang unless
# CC is given; any other goal builds the normal kind.  The build stamps below
# record the kind, so switching between the two rebuilds everything.
ifneq ($(filter asan,$(MAKECMDGOALS)),)
KIND := asan
ifeq ($(origin CC),default)
CC := clang
endif
CFLAGS ?= -O1 -g
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else
KIND := normal
CFLAGS ?= -O2 -g
SANFLAGS :=
endif

PKGS := sqlite3 libutf8proc jansson
# libedit's .pc names -lbsd but not the package, so libbsd's own private
# libraries (libmd) only come from asking for libbsd too.
EDIT_PKGS := libedit libbsd
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN += -Werror
endif

# BUILDING: some goal other than clean or uninstall, which needs the compiler and the
# libraries.
BUILDING := $(filter-out clean uninstall,$(or $(MAKECMDGOALS),all))
ifneq ($(BUILDING),)
ifneq ($(shell $(PKG_CONFIG) --exists $(PKGS) $(EDIT_PKGS) 2>/dev/null && echo y),y)
$(error $(PKG_CONFIG) finds no $(PKGS) $(EDIT_PKGS): install the build dependencies \
	first with `sh tests/deps.sh`)
endif
endif

QCPPFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DQUARRY_VERSION='"$(VERSION)"' -DWITH_LLM=$(WITH_LLM) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
	$(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || \
		echo -I/usr/include/libxml2)

# STATIC=1 (default) links SQLite, utf8proc, jansson, libedit and their own
# dependencies from their .a archives, as pkg-config --static names them;
# only the C library's parts stay shared.  Start-up then skips most dynamic
# relocation, which is most of what a one-question `quarry ask` costs.
# libstemmer ships no .pc file: it is named here.
SYSLIBS := -lc -lm -lpthread -ldl -lrt
pc_libs = $(shell $(PKG_CONFIG) $(1) --libs $(2) 2>/dev/null)
STATIC ?= 1
ifeq ($(STATIC),1)
static_link = -Wl,-Bstatic $(filter-out $(SYSLIBS),$(1)) -Wl,-Bdynamic \
	$(sort $(filter $(SYSLIBS),$(1)))
QLIBS := $(call static_link,$(call pc_libs,--static,$(PKGS)) -lstemmer -lm)
EDITLIBS := $(call static_link,$(call pc_libs,--static,$(EDIT_PKGS)))
else
QLIBS := $(call pc_libs,,$(PKGS)) -lstemmer -lm
EDITLIBS := $(call pc_libs,,libedit)
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

# Build stamps: each holds the configuration its outputs were made with and
# is rewritten only when that changes, so objects are recompiled when the
# compiler, its flags or the build kind change (`make` after `make asan`,
# `make CC=clang` after a gcc build), and binaries relinked when the link
# changes too.
COMPILE_CONF := $(KIND) | $(CC) | $(CPPFLAGS) | $(CFLAGS) | $(SANFLAGS) | \
	$(QCPPFLAGS) | $(WARN)
LINK_CONF := $(COMPILE_CONF) | $(LDFLAGS) | STATIC=$(STATIC) | $(QLIBS) | $(EDITLIBS)
ifneq ($(BUILDING),)
$(shell mkdir -p $(B))
ifneq ($(file <$(B)/.compile-conf),$(COMPILE_CONF))
$(file >$(B)/.compile-conf,$(COMPILE_CONF))
endif
ifneq ($(file <$(B)/.link-conf),$(LINK_CONF))
$(file >$(B)/.link-conf,$(LINK_CONF))
endif
endif

quarry: $(CLI_OBJ) $(LIB_OBJ) $(B)/.link-conf
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(QLIBS) \
		$(EDITLIBS)

$(B)/%.o: %.c $(B)/.compile-conf
	@mkdir -p $(dir $@)
	$(CC) $(QCPPFLAGS) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP \
		-c -o $@ $<

# The bundled corpus is compiled into the binary as the embedded default.
$(B)/corpus_data.c: $(BUNDLED) tests/embed.sh
	@mkdir -p $(B)
	sh tests/embed.sh $(BUNDLED) > $@.tmp && mv $@.tmp $@

$(B)/corpus_data.o: $(B)/corpus_data.c $(B)/.compile-conf
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIB_OBJ) $(B)/.link-conf
	@mkdir -p $(dir $@)
	$(CC) $(QCPPFLAGS) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) \
		-o $@ $(filter-out $(B)/.link-conf,$^) $(QLIBS) \
		$(call pc_libs,,cmocka)

# The suite, about 3 minutes on two idle cores; ends with "N passed, N
# failed, N skipped".  check-slow runs the slow checks: every allocation of
# the index writer failed in turn (make test tries every 11th), 40 SIGKILLed
# builds and updates (make test: 10) and the commands under valgrind.  CI
# runs both.
SLOW_TESTS := tests/cli/test_valgrind.sh
CLI_TESTS := $(filter-out $(SLOW_TESTS),$(wildcard tests/cli/test_*.sh))
test: quarry $(UNIT_BIN)
	@sh tests/run.sh $(UNIT_BIN) $(CLI_TESTS)

check-slow: quarry $(B)/tests/test_alloc
	@QUARRY_SLOW=1 sh tests/run.sh $(B)/tests/test_alloc tests/cli/test_faults.sh \
		$(SLOW_TESTS)

# The unit test binaries alone (CI builds them with clang and WERROR=1).
unit: $(UNIT_BIN)

# Sanitizer build (see KIND above): `make asan test` tests it.
asan: quarry $(UNIT_BIN)

# Ranking quality against SQLite FTS5 on the judged collections.
EVAL_DIRS ?= $(wildcard ../shared/eval/*/) tests/devset tests/heldout
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

# The manual page renders without warnings (mandoc -T lint) and names every
# command and every option --help shows.
check: quarry
	@sh tests/run.sh tests/cli/test_manpage.sh

# Where install puts things: the binary, the manual page and the completion
# scripts, each where its reader looks (bash-completion and fish search
# $(PREFIX)/share; zsh's default fpath has $(PREFIX)/share/zsh/site-functions,
# the Debian package uses /usr/share/zsh/vendor-completions).  DESTDIR
# stages the tree elsewhere; uninstall removes exactly these files.
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
# (the word vectors: an installed quarry looks in BINDIR/../share/quarry)
DATADIR ?= $(PREFIX)/share/quarry
INSTALLED := $(BINDIR)/quarry $(MANDIR)/man1/quarry.1 \
	$(BASHCOMPDIR)/quarry $(ZSHCOMPDIR)/_quarry $(FISHCOMPDIR)/quarry.fish \
	$(DATADIR)/words.qvec

install: quarry
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(DATADIR)
	install -m 755 quarry $(DESTDIR)$(BINDIR)/quarry
	install -m 644 doc/quarry.1 $(DESTDIR)$(MANDIR)/man1/quarry.1
	install -m 644 completions/quarry.bash $(DESTDIR)$(BASHCOMPDIR)/quarry
	install -m 644 completions/_quarry $(DESTDIR)$(ZSHCOMPDIR)/_quarry
	install -m 644 completions/quarry.fish $(DESTDIR)$(FISHCOMPDIR)/quarry.fish
	install -m 644 vectors/words.qvec $(DESTDIR)$(DATADIR)/words.qvec

# (the directories are shared with other programs: left in place)
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

clean:
	rm -rf build quarry

.PHONY: all unit test check check-slow asan eval bench fuzz fuzz-replay \
	install uninstall clean
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
