# SPDX-License-Identifier: GPL-2.0-only
# symfence: libsymfence.a, the symfence tool, its tests and documentation.
#
#   make            build build/libsymfence.a and build/symfence
#   make check      unit suites (Check) and integration tests
#                   (SANITIZE=address,undefined: everything under ASan and UBSan)
#   make check-kernel  README.md's kernel-tree instructions in Linux 6.1 and 6.12
#                   (x86_64, ARM), built and booted under qemu (KERNELS=6.1:x86_64 ...)
#   make demo       seal the sample IOMMU DMA library and reject a cheating driver
#   make install    PREFIX, DESTDIR, MANDIR honoured
#   make fuzz       libFuzzer harnesses for FUZZ_SECONDS each (clang)
#   make V=1        show full commands

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/symfence

CC	?= cc
AR	?= ar
PKG_CONFIG ?= pkg-config
BUILD	:= build

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

WARN	:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifneq ($(CI),)
WARN	+= -Werror
endif
CFLAGS	?= -O2 -g
ifneq ($(SANITIZE),)
CFLAGS	+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS	+= -fsanitize=$(SANITIZE)
endif

pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo $(2))

DEP_CFLAGS := $(call pc_cflags,libelf libdw zlib liblzma libzstd)
DEP_LIBS   := $(call pc_libs,libelf,-lelf) $(call pc_libs,libdw,-ldw) \
	      $(call pc_libs,zlib,-lz) $(call pc_libs,liblzma,-llzma) $(call pc_libs,libzstd,-lzstd) \
	      -lpthread
CHECK_CFLAGS := $(call pc_cflags,check)
CHECK_LIBS   := $(call pc_libs,check,-lcheck -lsubunit -lm -lrt -lpthread)

ALL_CFLAGS = -std=gnu11 $(WARN) -Iinclude -Isrc $(DEP_CFLAGS) -D_GNU_SOURCE -MMD -MP $(CFLAGS)

CLI_SRCS := src/main.c $(wildcard src/cmd_*.c)
LIB_SRCS := $(filter-out $(CLI_SRCS),$(wildcard src/*.c))
TEST_SRCS := $(wildcard tests/unit/check_*.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/tests/unit/runner.o

LIB := $(BUILD)/libsymfence.a
BIN := $(BUILD)/symfence
TEST_BIN := $(BUILD)/check_symfence

all: $(BIN)

$(BUILD)/%.o: %.c
	$(quiet) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(quiet) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(DEP_LIBS)

# The unit runner finds its suites from the file names: check_foo.c defines suite_foo().
$(BUILD)/tests/unit/suites.h: $(TEST_SRCS) Makefile
	$(Q)mkdir -p $(@D)
	$(Q)for f in $(notdir $(TEST_SRCS:.c=)); do echo "SUITE($${f#check_})"; done > $@.tmp && \
		mv $@.tmp $@

$(BUILD)/tests/unit/runner.o: $(BUILD)/tests/unit/suites.h
$(BUILD)/tests/unit/%.o: EXTRA_CFLAGS = $(CHECK_CFLAGS) -I$(BUILD)/tests/unit

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) $(LIB) $(CHECK_LIBS) $(DEP_LIBS)

# make check, make demo and make check-kernel first see that everything they
# need is here (scripts/deps.sh: on Debian it installs what is missing, else
# it names the command), then build.
deps-then-run = CC="$(CC)" PKG_CONFIG="$(PKG_CONFIG)" bash scripts/deps.sh $(1) && \
		$(MAKE) --no-print-directory run-$(1)
check:
	$(Q)$(call deps-then-run,check)
demo:
	$(Q)$(call deps-then-run,demo)
check-kernel:
	$(Q)$(call deps-then-run,check-kernel)

run-check: $(BIN) $(TEST_BIN)
	$(Q)BUILD=$(abspath $(BUILD)) SYMFENCE=$(abspath $(BIN)) T="$(T)" SUITE="$(SUITE)" J="$(J)" \
		bash tests/run-tests.sh

run-check-kernel: $(BIN)
	$(Q)SYMFENCE=$(abspath $(BIN)) bash tests/kernel/check-kernel.sh $(KERNELS)

run-demo: $(BIN)
	$(Q)$(MAKE) --no-print-directory -C samples/iommu-dma demo SYMFENCE=$(abspath $(BIN))

bench: $(BIN)
	$(Q)python3 bench/bench.py --symfence $(BIN) $(BENCH_ARGS)

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/symfence
	install -D -m 0644 man/symfence.1 $(DESTDIR)$(MANDIR)/man1/symfence.1
	for m in man/*.5; do [ -e "$$m" ] && install -D -m 0644 $$m \
		$(DESTDIR)$(MANDIR)/man5/$$(basename $$m) || true; done
	for r in rules/*.rules; do install -D -m 0644 $$r $(DESTDIR)$(DATADIR)/rules/$$(basename $$r); done
	install -D -m 0644 kbuild/Makefile.symfence $(DESTDIR)$(DATADIR)/kbuild/Makefile.symfence

format-check:
	clang-format --dry-run --Werror src/*.c src/*.h include/symfence/*.h tests/unit/*.c

clean:
	rm -rf $(BUILD)

# make fuzz FUZZ_SECONDS=N: the libFuzzer harnesses (tests/fuzz/, docs/hardening.md)
include tests/fuzz/fuzz.mk

.PHONY: all check check-kernel demo run-check run-check-kernel run-demo bench install clean format-check

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
