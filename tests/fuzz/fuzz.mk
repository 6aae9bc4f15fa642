# SPDX-License-Identifier: GPL-2.0-only
# libFuzzer harnesses (clang -fsanitize=fuzzer,address,undefined).
#
# Included by the top-level Makefile, or used alone from the top of the tree:
#
#   make -f tests/fuzz/fuzz.mk fuzz-build [BUILD=build-x]   build the harnesses
#   make -f tests/fuzz/fuzz.mk fuzz FUZZ_SECONDS=300        build, then run each
#
# The library is compiled again here with the fuzzer's instrumentation, into
# $(FUZZ_DIR); nothing of the normal build is reused. Needs clang with the
# compiler-rt fuzzer runtime (Debian: clang, libclang-rt-dev or clang's own).

BUILD		?= build
FUZZ_CC		?= clang
FUZZ_AR		?= ar
FUZZ_DIR	?= $(BUILD)/fuzz
FUZZ_SECONDS	?= 60
FUZZ_SAN	?= address,undefined
PKG_CONFIG	?= pkg-config

FUZZ_DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libelf libdw zlib liblzma libzstd 2>/dev/null)
FUZZ_DEP_LIBS	:= $(shell $(PKG_CONFIG) --libs libelf 2>/dev/null || echo -lelf) \
		   $(shell $(PKG_CONFIG) --libs libdw 2>/dev/null || echo -ldw) \
		   $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz) \
		   $(shell $(PKG_CONFIG) --libs liblzma 2>/dev/null || echo -llzma) \
		   $(shell $(PKG_CONFIG) --libs libzstd 2>/dev/null || echo -lzstd) -lpthread

FUZZ_CFLAGS	:= -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wno-unused-parameter \
		   -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
		   -Iinclude -Isrc -D_GNU_SOURCE $(FUZZ_DEP_CFLAGS) -MMD -MP
# The audit harness drives the whole audit once src/audit.c exists; until then
# it fuzzes the input layer (archives, decompression) of src/archive.c and
# src/input.c.
# FUZZ_AUDIT_FULL= (empty) forces the input layer alone.
FUZZ_AUDIT_FULL	?= $(if $(wildcard src/audit.c),1)
FUZZ_LDFLAGS	:= -fsanitize=fuzzer,$(FUZZ_SAN)

FUZZ_LIB_SRCS	:= $(filter-out src/main.c src/cmd_%.c,$(wildcard src/*.c))
FUZZ_LIB_OBJS	:= $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/%.o)
FUZZ_LIB	:= $(FUZZ_DIR)/libsymfence-fuzz.a
FUZZ_NAMES	:= object rules audit
FUZZ_BINS	:= $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)

fuzz-build: $(FUZZ_BINS)

# Rebuild everything when the flags change (FUZZ_CC, FUZZ_SAN, ...): the stamps
# are rewritten only when their contents change.
FUZZ_STAMP	:= $(FUZZ_DIR)/flags
FUZZ_AUDIT_STAMP := $(FUZZ_DIR)/audit-full
$(FUZZ_STAMP): fuzz-force
	@mkdir -p $(@D)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS)' | cmp -s - $@ || \
		echo '$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS)' > $@
$(FUZZ_AUDIT_STAMP): fuzz-force
	@mkdir -p $(@D)
	@echo '$(FUZZ_AUDIT_FULL)' | cmp -s - $@ || echo '$(FUZZ_AUDIT_FULL)' > $@

$(FUZZ_DIR)/src/%.o: src/%.c $(FUZZ_STAMP)
	@mkdir -p $(@D)
	@printf '  %-7s %s\n' FUZZCC $<
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@rm -f $@
	@$(FUZZ_AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB) $(FUZZ_STAMP)
	@mkdir -p $(@D)
	@printf '  %-7s %s\n' FUZZLD $@
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_HARNESS_DEFS) $(FUZZ_LDFLAGS) -o $@ $< $(FUZZ_LIB) \
		$(FUZZ_DEP_LIBS)

$(FUZZ_DIR)/fuzz_audit: $(FUZZ_AUDIT_STAMP)
$(FUZZ_DIR)/fuzz_audit: FUZZ_HARNESS_DEFS = $(if $(FUZZ_AUDIT_FULL),-DFUZZ_AUDIT_FULL)

fuzz: fuzz-build
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh --no-build $(FUZZ_SECONDS)

.PHONY: fuzz fuzz-build fuzz-force

-include $(FUZZ_LIB_OBJS:.o=.d)
