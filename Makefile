# cg — Community Guard.  Plain GNU make.
#
#   make                build libcg and the five commands into $(O)/
#   make check          unit and command tests, then again under ASan+UBSan
#   make docs           the generated parts of the man pages, the completions
#   make demo           a day of gate check-ins on a fresh $(O)/demo/cg
#   make bench          the performance figures the issues ask for
#   make fuzz           each libFuzzer target for FUZZ_SECONDS, in $(O)-fuzz/
#   make install        PREFIX=/usr/local DESTDIR=
#   make man-po         the zh_CN man pages after a change (po4a)
#   make deb            the Debian package (dpkg-buildpackage), into $(O)/deb/
#   V=1                 show full commands

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share
MANDIR = $(DATADIR)/man
LOCALEDIR = $(DATADIR)/locale
# Debian's zsh reads /usr/share/zsh/vendor-completions (debian/rules).
ZSH_COMPLETIONDIR ?= $(DATADIR)/zsh/site-functions

O ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = jansson libcurl zlib libdeflate libsodium libqrencode sqlite3

CFLAGS ?= -O2 -g
WARNINGS = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wpointer-arith -Wformat=2 -Wundef -Wvla -Wno-format-nonliteral
ifeq ($(CI),true)
WERROR = -Werror
endif
WERROR ?=
ifeq ($(SANITIZE),1)
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DCG_LEAK_CHECKS
# Line tables are all a sanitizer's report needs (-g1): a fifth less to
# compile, in make check's budget.
CFLAGS = -O1 -g1
# GCC's runtimes linked in rather than loaded: the leak check at every
# exit then scans cg's memory, not libstdc++'s and the runtimes' own, and
# a start costs 11 ms of CPU instead of 20 (clang: SAN_LDFLAGS=).
SAN_LDFLAGS ?= -static-libasan -static-libubsan
endif
# The libFuzzer build of make fuzz: the same, with coverage for libFuzzer.
ifeq ($(FUZZ),1)
SAN_FLAGS = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -DCG_LEAK_CHECKS
CFLAGS = -O1 -g
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(WERROR) $(SAN_FLAGS) \
	$(CFLAGS) -Ilib -I$(O)/gen $(PKG_CFLAGS) \
	-DCG_VERSION='"$(VERSION)"' -DCG_LOCALEDIR='"$(LOCALEDIR)"' \
	-DCG_DATADIR='"$(DATADIR)"' \
	-MMD -MP
# Each program links only the libraries it calls (libcurl's two dozen are
# cg-sync's alone): fewer to load and relocate at every start, and under
# ASan half the start-up cost, in make check's budget.
ALL_LDFLAGS = $(SAN_FLAGS) $(SAN_LDFLAGS) -Wl,--as-needed $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm -lpthread

ifneq ($(V),1)
QUIET_CC = @echo '   CC     $@';
QUIET_AR = @echo '   AR     $@';
QUIET_LINK = @echo '   LINK   $@';
QUIET_GEN = @echo '   GEN    $@';
endif

LIB_OBJS += lib/core/buf.o
LIB_OBJS += lib/core/clock.o
LIB_OBJS += lib/core/cmd.o
LIB_OBJS += lib/core/error.o
LIB_OBJS += lib/core/form.o
LIB_OBJS += lib/core/home.o
LIB_OBJS += lib/core/i18n.o
LIB_OBJS += lib/core/mask.o
LIB_OBJS += lib/core/options.o
LIB_OBJS += lib/core/prefix.o
LIB_OBJS += lib/core/suggest.o
LIB_OBJS += lib/core/table.o
LIB_OBJS += lib/json/csv.o
LIB_OBJS += lib/json/jsonl.o
LIB_OBJS += lib/json/jsonparse.o
LIB_OBJS += lib/json/scan.o
LIB_OBJS += lib/crypto/base45.o
LIB_OBJS += lib/crypto/logkey.o
LIB_OBJS += lib/crypto/merkle.o
LIB_OBJS += lib/crypto/note.o
LIB_OBJS += lib/crypto/passid.o
LIB_OBJS += lib/crypto/sha256.o
LIB_OBJS += lib/crypto/token.o
LIB_OBJS += lib/crypto/tlogproof.o
LIB_OBJS += lib/store/config.o
LIB_OBJS += lib/store/configwrite.o
LIB_OBJS += lib/store/eventtab.o
LIB_OBJS += lib/store/index.o
LIB_OBJS += lib/store/journal.o
LIB_OBJS += lib/store/lookthrough.o
LIB_OBJS += lib/store/loop.o
LIB_OBJS += lib/store/rid.o
LIB_OBJS += lib/store/runlock.o
LIB_OBJS += lib/store/tlog.o
LIB_OBJS += lib/store/witness.o
LIB_OBJS += lib/rules/casebook.o
LIB_OBJS += lib/rules/caseindex.o
LIB_OBJS += lib/rules/checkin.o
LIB_OBJS += lib/rules/correction.o
LIB_OBJS += lib/rules/exitquota.o
LIB_OBJS += lib/rules/dayindex.o
LIB_OBJS += lib/rules/duty.o
LIB_OBJS += lib/rules/duty-due.o
LIB_OBJS += lib/rules/duty-list.o
LIB_OBJS += lib/rules/duty-needs.o
LIB_OBJS += lib/rules/duty-observed.o
LIB_OBJS += lib/rules/duty-snap.o
LIB_OBJS += lib/rules/duty-stock.o
LIB_OBJS += lib/rules/pass.o
LIB_OBJS += lib/rules/passbook.o
LIB_OBJS += lib/rules/passlist.o
LIB_OBJS += lib/rules/person.o
LIB_OBJS += lib/rules/presented.o
LIB_OBJS += lib/rules/quarantine.o
LIB_OBJS += lib/rules/quarantine-correct.o
LIB_OBJS += lib/rules/followup.o
LIB_OBJS += lib/rules/trace.o
LIB_OBJS += lib/rules/validate.o
LIB_OBJS += lib/report/report-cases.o
LIB_OBJS += lib/report/report-checkpoint.o
LIB_OBJS += lib/report/report-checkin.o
LIB_OBJS += lib/report/report-corrections.o
LIB_OBJS += lib/report/report-csv.o
LIB_OBJS += lib/report/report-doc.o
LIB_OBJS += lib/report/report-duty.o
LIB_OBJS += lib/report/report-duty-doc.o
LIB_OBJS += lib/report/report-fevers.o
LIB_OBJS += lib/report/report-finish.o
LIB_OBJS += lib/report/report-format.o
LIB_OBJS += lib/report/report-gaps.o
LIB_OBJS += lib/report/report-gates.o
LIB_OBJS += lib/report/report-html.o
LIB_OBJS += lib/report/report-journals.o
LIB_OBJS += lib/report/report-md.o
LIB_OBJS += lib/report/report-merge.o
LIB_OBJS += lib/report/report-rows.o
LIB_OBJS += lib/report/report-warnings.o
LIB_OBJS += lib/report/report-labels.o
LIB_OBJS += lib/report/report-passes.o
LIB_OBJS += lib/report/report-read.o
LIB_OBJS += lib/report/report-sections.o
LIB_OBJS += lib/report/report-text.o
LIB_OBJS += lib/report/report-trust.o
LIB_OBJS += lib/report/report-time.o
LIB_OBJS += lib/report/report-visitors.o
LIB_OBJS += lib/report/report-exits.o
LIB_OBJS += lib/report/report-late.o
LIB_OBJS += lib/report/report-span.o
LIB_OBJS += lib/report/report.o
LIB_OBJS += lib/sync/http.o
LIB_OBJS += lib/sync/lock.o
LIB_OBJS += lib/sync/sync-batch.o
LIB_OBJS += lib/sync/sync-checkpoint.o
LIB_OBJS += lib/sync/sync-dead.o
LIB_OBJS += lib/sync/sync-deliver.o
LIB_OBJS += lib/sync/sync-follow.o
LIB_OBJS += lib/sync/sync-format.o
LIB_OBJS += lib/sync/sync-pipe.o
LIB_OBJS += lib/sync/sync-push.o
LIB_OBJS += lib/sync/sync-record.o
LIB_OBJS += lib/sync/sync-settle.o
LIB_OBJS += lib/sync/sync-state.o
LIB_OBJS += lib/sync/sync-status.o
LIB_OBJS += lib/sync/sync.o
LIB_OBJS += lib/ui/ask.o
LIB_OBJS += lib/ui/keys.o
LIB_OBJS += lib/ui/cards.o
LIB_OBJS += lib/ui/configask.o
LIB_OBJS += lib/ui/followsheet.o
LIB_OBJS += lib/ui/listing.o
LIB_OBJS += lib/ui/qr.o
LIB_OBJS += gen/defaults.o

COMMANDS = cg-checkin cg-duty cg-journal cg-pass cg-quarantine cg-report cg-sync

UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-*.c))
FUZZ_TARGETS = $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))

LIB = $(O)/libcg.a
BINS = $(addprefix $(O)/bin/,$(COMMANDS))
UNIT_BINS = $(addprefix $(O)/tests/,$(UNIT_TESTS))
TOOL_BINS = $(O)/tests/helper-journal-append $(O)/tests/helper-verify-rate \
	$(O)/tests/helper-jq-field
FUZZ_REPLAY_BINS = $(addprefix $(O)/tests/test-fuzz-,$(FUZZ_TARGETS))
MO = $(O)/locale/zh_CN/LC_MESSAGES/cg.mo

all: programs $(UNIT_BINS) $(TOOL_BINS) $(FUZZ_REPLAY_BINS)

# What make install installs: the commands, the catalog and the default
# configuration; the build tree's own copy of it is the system layer of
# the commands run from the tree (store/config.h), as installed.
SYSCONFIG = $(O)/share/cg/config.json
programs: $(BINS) $(MO) $(SYSCONFIG)

$(SYSCONFIG): share/cg/config.json
	@mkdir -p $(dir $@)
	$(QUIET_GEN)cp $< $@

$(O)/gen/defaults.c: share/cg/config.json scripts/embed
	@mkdir -p $(dir $@)
	$(QUIET_GEN)scripts/embed cg_default_config $< >$@

$(O)/gen/%.o: $(O)/gen/%.c $(O)/BUILD-FLAGS
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Rebuild everything when the flags change, e.g. a new PREFIX at install
# (the catalog directory is compiled in) or a switch to -Werror.
BUILD_FLAGS = $(LOCALEDIR) $(VERSION) $(SANITIZE) $(FUZZ) $(CFLAGS) $(WERROR) $(LDFLAGS) $(DATADIR)
$(O)/BUILD-FLAGS: FORCE
	@mkdir -p $(O)
	@if [ "$$(cat $@ 2>/dev/null)" != "$(BUILD_FLAGS)" ]; then \
		echo "$(BUILD_FLAGS)" >$@; fi

$(O)/%.o: %.c $(O)/BUILD-FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(addprefix $(O)/,$(LIB_OBJS))
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(O)/bin/%: $(O)/cmd/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(O)/tests/%: $(O)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)


$(O)/tests/helper-%: $(O)/tests/lib/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(MO): share/po/zh_CN.po
	@mkdir -p $(dir $@)
	$(QUIET_GEN)msgfmt --check -o $@ $<

# The SYNOPSIS and OPTIONS of the man pages and the completions, from the
# option tables of the commands (their --dump-options).
docs: $(BINS) cluster-schema
	@scripts/gen-docs . $(BINS)

# The cluster tables, made from the one-node schema (t0546 checks).
cluster-schema:
	@scripts/gen-cluster-schema >share/clickhouse/cluster/schema.sql.tmp && \
		mv share/clickhouse/cluster/schema.sql.tmp share/clickhouse/cluster/schema.sql

# Refresh the template and merge it into the catalog after changing messages.
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -o share/po/cg.pot \
		--package-name=cg --package-version=$(VERSION) \
		cmd/*.c lib/*/*.c
	msgmerge -q -U --backup=none share/po/zh_CN.po share/po/cg.pot

# The zh_CN man pages: after changing an English page that has a
# translation (share/man/po/po4a.cfg lists them), or the translation in
# share/man/po/zh_CN.po, remake the template, the catalogue and the pages
# under share/man/zh_CN/ with po4a; translate what it leaves untranslated
# or fuzzy, run it again and commit all three (t0935 checks).
PO4A = po4a -q --porefs file --keep 100 --package-name cg \
	--copyright-holder cg --msgid-bugs-address ''
man-po:
	@command -v po4a >/dev/null || { echo "make man-po: needs po4a (scripts/deps)" >&2; exit 1; }
	@echo '   PO4A   share/man/po/po4a.cfg'
	@out=$$($(PO4A) share/man/po/po4a.cfg 2>&1) || { echo "$$out" >&2; exit 1; }
	@msgattrib --untranslated share/man/po/zh_CN.po | grep -q . && \
		echo "make man-po: share/man/po/zh_CN.po has untranslated entries (msgattrib --untranslated)" >&2; \
	msgattrib --only-fuzzy share/man/po/zh_CN.po | grep -q . && \
		echo "make man-po: share/man/po/zh_CN.po has fuzzy entries (msgattrib --only-fuzzy)" >&2; true

deps:
	@scripts/deps

# The two builds side by side, then every test script of both, CHECK_JOBS
# at a time (tests/run -j); TESTS='t01* test-journal' runs only those.
# One more than the processors: a quarter of the scripts' time is spent
# waiting (fdatasync, servers starting, processes killed and restarted).
CHECK_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
check: deps
	@$(MAKE) --no-print-directory all & plain=$$!; \
	$(MAKE) --no-print-directory O=build-san SANITIZE=1 all & san=$$!; \
	wait $$plain; status=$$?; wait $$san && [ $$status -eq 0 ]
	@tests/run -j $(CHECK_JOBS) $(O) build-san $(if $(TESTS),-- $(TESTS))

# Only what building and running the commands needs, not the test tools.
demo:
	@scripts/deps --build
	@$(MAKE) --no-print-directory all
	@O=$(O) scripts/demo

bench: deps
	@$(MAKE) --no-print-directory all
	@O=$(O) tests/bench/run

# Coverage-guided fuzzing with clang's libFuzzer: each tests/fuzz/fuzz-NAME.c
# runs FUZZ_SECONDS on its corpus tests/fuzz/corpus/NAME/.  The fuzz build
# is a build of its own in $(FUZZ_O), with the flags of every build and
# FUZZ=1.  What a run finds is kept in $(FUZZ_O)/corpus/NAME/ (crashes in
# $(FUZZ_O)/artifacts/); "make fuzz-merge" adds to the committed corpora
# the inputs that reach code they do not (edges, not hit counts, so that
# the committed corpora stay small).  Every build links each target with
# tests/fuzz/replay.c as tests/test-fuzz-NAME, so that make check replays
# the committed corpora.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_O ?= $(O)-fuzz
FUZZ_RUN = -max_len=4096 -artifact_prefix=$(FUZZ_O)/artifacts/$$t-

fuzz: deps
	@$(MAKE) --no-print-directory O=$(FUZZ_O) FUZZ=1 CC=$(FUZZ_CC) fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_O)/corpus/$$t $(FUZZ_O)/artifacts && \
		echo "   FUZZ   $$t ($(FUZZ_SECONDS) s)" && \
		$(FUZZ_O)/fuzz/fuzz-$$t $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) \
			$(FUZZ_O)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

fuzz-merge:
	@$(MAKE) --no-print-directory O=$(FUZZ_O) FUZZ=1 CC=$(FUZZ_CC) fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_O)/corpus/$$t && \
		$(FUZZ_O)/fuzz/fuzz-$$t $(FUZZ_RUN) -merge=1 -use_counters=0 \
			tests/fuzz/corpus/$$t $(FUZZ_O)/corpus/$$t || exit 1; \
	done

fuzz-build: $(addprefix $(O)/fuzz/fuzz-,$(FUZZ_TARGETS))

$(O)/fuzz/fuzz-%: $(O)/tests/fuzz/fuzz-%.o $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LIBS)

$(O)/tests/fuzz/replay-%.o: tests/fuzz/replay.c $(O)/BUILD-FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -DCG_FUZZ_TARGET='"$*"' -c -o $@ $<

$(O)/tests/test-fuzz-%: $(O)/tests/fuzz/fuzz-%.o $(O)/tests/fuzz/replay-%.o $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The pages name the default PREFIX's paths (/usr/local/...); installed,
# they name where this PREFIX puts things.
MAN_PATHS = sed -e 's|/usr/local/share/locale|$(LOCALEDIR)|g' \
	-e 's|/usr/local/share/|$(DATADIR)/|g' -e 's|/usr/local/bin/|$(BINDIR)/|g'

# The man pages, English and translated, alone (they need no build).
install-man:
	for f in share/man/man1/*.1 share/man/man7/*.7 \
		share/man/zh_CN/man1/*.1 share/man/zh_CN/man7/*.7; do \
		[ -f "$$f" ] || continue; \
		d=$(DESTDIR)$(MANDIR)/$${f#share/man/}; \
		install -d "$${d%/*}" && $(MAN_PATHS) "$$f" >"$$d" && \
		chmod 644 "$$d" || exit 1; \
	done

install: programs install-man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/cg \
		$(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(ZSH_COMPLETIONDIR) \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -d $(DESTDIR)$(DATADIR)/cg/sample
	install -m 644 share/cg/*.json $(DESTDIR)$(DATADIR)/cg
	install -m 644 share/cg/sample/*.jsonl $(DESTDIR)$(DATADIR)/cg/sample
	install -d $(DESTDIR)$(DATADIR)/cg/clickhouse
	install -m 644 share/clickhouse/*.sql $(DESTDIR)$(DATADIR)/cg/clickhouse
	for d in report cluster; do \
		install -d $(DESTDIR)$(DATADIR)/cg/clickhouse/$$d && \
		install -m 644 share/clickhouse/$$d/*.sql $(DESTDIR)$(DATADIR)/cg/clickhouse/$$d || exit 1; \
	done
	install -m 644 share/clickhouse/README $(DESTDIR)$(DATADIR)/cg/clickhouse
	install -m 755 share/clickhouse/daily-report $(DESTDIR)$(DATADIR)/cg/clickhouse
	install -m 644 share/clickhouse/report/daily.jq $(DESTDIR)$(DATADIR)/cg/clickhouse/report
	install -d $(DESTDIR)$(DATADIR)/cg/elasticsearch
	install -m 644 share/elasticsearch/index-template.json $(DESTDIR)$(DATADIR)/cg/elasticsearch
	install -m 644 $(MO) $(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/cg.mo
	for f in completions/bash/cg-*; do \
		[ -f "$$f" ] && install -m 644 $$f $(DESTDIR)$(DATADIR)/bash-completion/completions/; \
	done; true
	for f in completions/zsh/_cg-*; do \
		[ -f "$$f" ] && install -m 644 $$f $(DESTDIR)$(ZSH_COMPLETIONDIR)/; \
	done; true
	for f in completions/fish/cg-*.fish; do \
		[ -f "$$f" ] && install -m 644 $$f $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/; \
	done; true

uninstall:
	for c in $(COMMANDS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$c $(DESTDIR)$(MANDIR)/man1/$$c.1 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/$$c \
		$(DESTDIR)$(ZSH_COMPLETIONDIR)/_$$c \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$c.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man7/cg.7
	for f in share/man/zh_CN/man1/*.1 share/man/zh_CN/man7/*.7; do \
		[ -f "$$f" ] && rm -f $(DESTDIR)$(MANDIR)/zh_CN/$${f#share/man/zh_CN/}; \
	done; true
	rm -f $(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/cg.mo
	rm -rf $(DESTDIR)$(DATADIR)/cg

# The Debian package (after scripts/deps --deb: the build dependencies,
# dpkg-dev and debhelper), with dpkg-buildpackage in the tree (debian/rules
# builds in debian/build); what it leaves beside the tree, the .deb, the
# -dbgsym .deb, .buildinfo and .changes of this version, is moved to
# $(O)/deb/.  DEB_BUILD_OPTIONS as for any Debian package (nocheck,
# noddebs, parallel=N).
deb:
	@scripts/deps --deb
	@rm -rf $(O)/deb && mkdir -p $(O)/deb
	dpkg-buildpackage -us -uc -b
	@for f in ../cg_$(VERSION)_*.deb ../cg-dbgsym_$(VERSION)_*.deb \
		../cg_$(VERSION)_*.buildinfo ../cg_$(VERSION)_*.changes; do \
		[ ! -e "$$f" ] || mv "$$f" $(O)/deb/ || exit 1; \
	done
	@ls $(O)/deb/cg_$(VERSION)_*.deb

clean:
	rm -rf build build-san build-fuzz

.PHONY: all programs deb check docs cluster-schema man-po demo bench fuzz fuzz-merge fuzz-build install install-man uninstall clean deps pot FORCE
# Keep the objects of the commands and tests (intermediate in the pattern
# chains) after a build.  Not .SECONDARY with no prerequisites: it makes
# every target intermediate, and a new file of lib/ was then never
# compiled in an existing build tree (libcg.a looked up to date).
.PRECIOUS: $(O)/%.o

-include $(shell find $(O) -name '*.d' 2>/dev/null)
