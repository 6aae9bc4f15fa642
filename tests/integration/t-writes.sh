#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Crash-safe output: a failure while writing (no space, a read-only directory,
# write/fchmod/close/rename failing on purpose through an LD_PRELOAD shim)
# leaves the destination as it was and no temporary file; short writes and
# EINTR still give the right bytes; --in-place on a symlink replaces the
# target and keeps the link; on a hard-linked file the other name keeps the
# old contents (man/symfence.1); the mode of IN is kept (less the umask for a
# new -o file). Then valgrind on the
# localize flow when it is installed and the build is not sanitized.
. "$(dirname "$0")/../lib.sh"

mounts=()
cleanup() {
	local m
	for m in "${mounts[@]}"; do
		umount "$m" 2>/dev/null
	done
	[ -d "$T/imm" ] && chattr -i "$T/imm" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

cat > lib.c <<'EOF'
static int counter;
int lib_state = 3;
int lib_helper_add(int a, int b) { return a + b + lib_state; }
int lib_helper_mul(int a, int b) { return a * b + counter++; }
int lib_api(int x) { return lib_helper_add(x, 1) * lib_helper_mul(x, 2); }
EOF
gcc -O1 -fno-common -c -o lib.o lib.c || { fail "cannot compile the fixture"; exit 0; }
# 40 KiB and 80 KiB of data: one fits in a 64 KiB tmpfs once, the other not at all.
printf 'int lib_big[%d] = { 1 };\n' 10000 | cat - lib.c > medium.c
printf 'int lib_big[%d] = { 1 };\n' 20000 | cat - lib.c > big.c
gcc -O1 -fno-common -c -o medium.o medium.c && gcc -O1 -fno-common -c -o big.o big.c ||
	{ fail "cannot compile the large fixtures"; exit 0; }
"$SYMFENCE" localize -s lib_helper_add lib.o -o expected.o ||
	{ fail "the plain localize fails; nothing else can be tested"; exit 0; }
echo "old contents" > old

binding() {	# binding FILE SYMBOL: LOCAL or GLOBAL, from readelf
	symtab_of "$1" | awk -v s="$2" '$1 == s { print $2; exit }'
}

# no_temp DIR: no .NAME.symfence.XXXXXX (or seal's) file left in DIR.
no_temp() {
	! ls -A "$1" 2>/dev/null | grep -q '\.symfence'
}

# failed_cleanly NAME DEST ORIG [PATTERN]: the last command ($status, $T/err)
# exited 2 with one line (matching PATTERN), DEST is byte-identical to ORIG,
# and no temporary file is left beside DEST.
failed_cleanly() {
	local name=$1 dest=$2 orig=$3 pattern=${4:-}
	local dir lines bad=
	dir=$(dirname "$dest")
	lines=$(wc -l < "$T/err")
	if [ "$status" != 2 ]; then
		bad="exit $status, expected 2"
	elif [ "$lines" != 1 ]; then
		bad="$lines stderr lines, expected one"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$T/err"; then
		bad="the message does not match /$pattern/"
	elif ! cmp -s "$dest" "$orig"; then
		bad="the destination changed"
	elif ! no_temp "$dir"; then
		bad="a temporary file was left: $(ls -A "$dir" | grep symfence | head -1)"
	fi
	if [ -z "$bad" ]; then
		ok "$name"
	else
		fail "$name: $bad"
		sed 's/^/    | /' "$T/err" | head -5
	fi
}

run() {	# run ARGS...: symfence ARGS, status in $status, stderr in $T/err
	"$SYMFENCE" "$@" >"$T/out" 2>"$T/err"
	status=$?
}

# ---- no space left on the device: a 64 KiB tmpfs ----
mkdir -p full
if mount -t tmpfs -o size=64k symfence-test "$T/full" 2>/dev/null; then
	mounts+=("$T/full")
	cp old full/out.o
	run localize -s lib_helper_add big.o -o full/out.o
	failed_cleanly "ENOSPC: -o leaves the old destination and no temporary" full/out.o old \
		'^full/out.o: error: .*No space left on device'
	cp medium.o full/medium.o
	run localize -s lib_helper_add --in-place full/medium.o
	failed_cleanly "ENOSPC: --in-place leaves the input and no temporary" full/medium.o medium.o \
		'No space left on device'
	# ---- a read-only file system: the same tmpfs remounted read-only ----
	cp lib.o full/lib.o
	if mount -o remount,ro "$T/full" 2>/dev/null; then
		run localize -s lib_helper_add lib.o -o full/out.o
		failed_cleanly "read-only fs: -o fails with one line, destination untouched" \
			full/out.o old 'Read-only file system'
		run localize -s lib_helper_add --in-place full/lib.o
		failed_cleanly "read-only fs: --in-place fails with one line, input untouched" \
			full/lib.o lib.o 'Read-only file system'
	else
		skip "cannot remount a tmpfs read-only here"
	fi
else
	skip "ENOSPC and read-only tests: mounting a tmpfs is not permitted here"
fi

# ---- a read-only directory (root ignores chmod: chattr +i, where the fs has it) ----
mkdir -p imm
cp old imm/out.o
cp lib.o imm/lib.o
if [ "$(id -u)" != 0 ]; then
	chmod 555 imm && ro=chmod
elif chattr +i imm 2>/dev/null; then
	ro=chattr
else
	ro=
fi
if [ -n "$ro" ]; then
	run localize -s lib_helper_add lib.o -o imm/out.o
	failed_cleanly "read-only directory ($ro): -o fails, destination untouched" imm/out.o old \
		"cannot create a temporary file in 'imm'"
	run localize -s lib_helper_add --in-place imm/lib.o
	failed_cleanly "read-only directory ($ro): --in-place fails, input untouched" imm/lib.o lib.o
	[ $ro = chmod ] && chmod 755 imm || chattr -i imm
else
	skip "read-only directory: running as root and the file system has no chattr +i"
fi

# ---- failures injected on purpose: an LD_PRELOAD shim ----
cat > shim.c <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * Only in symfence itself (not in the linker seal runs). SHIM_WRITE_FAIL=N:
 * the Nth write to a file fails (ENOSPC); SHIM_WRITE_CHUNK=N: writes are cut
 * to N bytes; SHIM_WRITE_EINTR: every other write fails with EINTR first;
 * SHIM_FCHMOD_FAIL, SHIM_CLOSE_FAIL (a written file's close gives EIO after
 * closing it), SHIM_RENAME_FAIL (EXDEV).
 */
static unsigned char written[1024];
static int writes, intr;

static int active(const char *var)
{
	return getenv(var) && !strcmp(program_invocation_short_name, "symfence");
}

/* Before a write of n bytes to fd: -1 (errno set) to fail it, else how many bytes to take. */
static ssize_t before_write(int fd, size_t n)
{
	if (fd <= 2 || strcmp(program_invocation_short_name, "symfence"))
		return (ssize_t)n;
	if (active("SHIM_WRITE_FAIL") && ++writes >= atoi(getenv("SHIM_WRITE_FAIL"))) {
		errno = ENOSPC;
		return -1;
	}
	if (active("SHIM_WRITE_EINTR") && intr++ % 2 == 0) {
		errno = EINTR;
		return -1;
	}
	if (active("SHIM_WRITE_CHUNK") && n > (size_t)atoi(getenv("SHIM_WRITE_CHUNK")))
		n = (size_t)atoi(getenv("SHIM_WRITE_CHUNK"));
	if (fd < (int)sizeof(written))
		written[fd] = 1;
	return (ssize_t)n;
}

static ssize_t real_write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return real(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	ssize_t take = before_write(fd, n);

	return take < 0 ? -1 : real_write(fd, buf, (size_t)take);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	static ssize_t (*real)(int, const struct iovec *, int);
	size_t n = 0;
	ssize_t take;
	int i;

	if (!real)
		real = (ssize_t (*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
	for (i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	take = before_write(fd, n);
	if (take < 0)
		return -1;
	if ((size_t)take < n) {	/* a short write: part of the first non-empty piece */
		for (i = 0; i < iovcnt && !iov[i].iov_len; i++)
			;
		if (i == iovcnt)
			return 0;
		return real_write(fd, iov[i].iov_base,
			     (size_t)take < iov[i].iov_len ? (size_t)take : iov[i].iov_len);
	}
	return real(fd, iov, iovcnt);
}

int fchmod(int fd, mode_t mode)
{
	static int (*real)(int, mode_t);

	if (!real)
		real = (int (*)(int, mode_t))dlsym(RTLD_NEXT, "fchmod");
	if (active("SHIM_FCHMOD_FAIL")) {
		errno = EPERM;
		return -1;
	}
	return real(fd, mode);
}

int close(int fd)
{
	static int (*real)(int);
	int was = fd >= 0 && fd < (int)sizeof(written) && written[fd];

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "close");
	if (fd >= 0 && fd < (int)sizeof(written))
		written[fd] = 0;
	if (real(fd))
		return -1;
	if (was && active("SHIM_CLOSE_FAIL")) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (active("SHIM_RENAME_FAIL")) {
		errno = EXDEV;
		return -1;
	}
	return real(from, to);
}
EOF
if nm "$SYMFENCE" 2>/dev/null | grep -Eq ' T (write|__interceptor_write)$'; then
	skip "injected failures: $SYMFENCE defines write() itself (static sanitizer runtime)"
elif ! cc -shared -fPIC -O1 -o shim.so shim.c -ldl 2>"$T/err"; then
	skip "injected failures: cannot build the LD_PRELOAD shim: $(head -1 "$T/err")"
else
	# A sanitizer runtime loaded from a shared library must come first.
	shimrun() {	# shimrun VAR=VALUE... ARGS...
		local vars=()
		while [[ $1 == SHIM_*=* ]]; do
			vars+=("$1")
			shift
		done
		env "${vars[@]}" LD_PRELOAD="$T/shim.so" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
			"$SYMFENCE" "$@" >"$T/out" 2>"$T/err"
		status=$?
	}
	mkdir -p inj
	cp old inj/out.o
	shimrun SHIM_WRITE_FAIL=1 localize -s lib_helper_add lib.o -o inj/out.o
	failed_cleanly "write fails at once: destination untouched, no temporary" inj/out.o old \
		"cannot write the output: No space left on device"
	shimrun SHIM_WRITE_CHUNK=64 SHIM_WRITE_FAIL=4 localize -s lib_helper_add lib.o -o inj/out.o
	failed_cleanly "write fails after 192 bytes: destination untouched, no temporary" \
		inj/out.o old "No space left on device"
	shimrun SHIM_FCHMOD_FAIL=1 localize -s lib_helper_add lib.o -o inj/out.o
	failed_cleanly "fchmod fails: destination untouched, no temporary" inj/out.o old \
		"cannot set the mode of the output"
	shimrun SHIM_CLOSE_FAIL=1 localize -s lib_helper_add lib.o -o inj/out.o
	failed_cleanly "close fails (EIO): destination untouched, no temporary" inj/out.o old \
		"cannot write the output: Input/output error"
	shimrun SHIM_RENAME_FAIL=1 localize -s lib_helper_add lib.o -o inj/out.o
	failed_cleanly "rename fails: destination untouched, no temporary" inj/out.o old \
		"cannot rename the output into place"
	cp lib.o inj/lib.o
	shimrun SHIM_RENAME_FAIL=1 localize -s lib_helper_add --in-place inj/lib.o
	failed_cleanly "rename fails with --in-place: input untouched, no temporary" inj/lib.o lib.o \
		"cannot rename the output into place"
	# Short writes and EINTR: the bytes are still all there.
	rm -f inj/short.o
	shimrun SHIM_WRITE_CHUNK=7 SHIM_WRITE_EINTR=1 localize -s lib_helper_add lib.o -o inj/short.o
	if [ "$status" = 0 ] && cmp -s inj/short.o expected.o; then
		ok "7-byte writes and EINTR give the same bytes"
	else
		fail "7-byte writes and EINTR: the output differs or the run failed"
		sed 's/^/    | /' "$T/err" | head -5
	fi
	# seal: its linker temporary and response file go too.
	mkdir -p seal/lib
	cp lib.c seal/lib/lib.c
	gcc -O1 -fno-common -c -o seal/lib/lib.o seal/lib/lib.c
	printf 'library l\n    objects lib/*.o\n    private lib_helper_*\n' > seal/l.rules
	cp old seal/sealed.o
	cd seal || exit 2
	shimrun SHIM_RENAME_FAIL=1 seal -r l.rules -o sealed.o
	cd "$T" || exit 2
	failed_cleanly "seal: rename fails: output untouched, no linker temporary left" \
		seal/sealed.o old "cannot rename the output into place"
fi

# ---- --in-place on a symbolic link: the target is replaced, the link stays ----
mkdir -p real links
cp lib.o real/lib.o
ln -s ../real/lib.o links/link.o
ln -s link.o links/link2.o
run localize -s lib_helper_add --in-place links/link2.o
if [ "$status" = 0 ] && [ -L links/link.o ] && [ -L links/link2.o ] &&
	[ "$(readlink links/link.o)" = ../real/lib.o ] && [ "$(readlink links/link2.o)" = link.o ] &&
	[ -f real/lib.o ] && ! [ -L real/lib.o ]; then
	ok "--in-place through two symlinks: both links stay links to the same place"
else
	fail "--in-place through symlinks: exit $status, links: $(ls -l links | tail -n +2 | tr '\n' ' ')"
fi
[ "$(binding real/lib.o lib_helper_add)" = LOCAL ] && cmp -s real/lib.o expected.o &&
	ok "--in-place through symlinks: the target was rewritten (readelf)" ||
	fail "--in-place through symlinks: the target is not the expected output"
no_temp links && no_temp real && ok "--in-place through symlinks: no temporary left" ||
	fail "--in-place through symlinks: a temporary was left"
ln -s nowhere.o links/dangling.o
run localize -s lib_helper_add --in-place links/dangling.o
if [ "$status" = 2 ] && [ "$(wc -l < "$T/err")" = 1 ] && [ -L links/dangling.o ] &&
	! [ -e nowhere.o ] && ! [ -e links/nowhere.o ]; then
	ok "--in-place on a dangling symlink: exit 2, one line, the link untouched"
else
	fail "--in-place on a dangling symlink: exit $status"
	sed 's/^/    | /' "$T/err" | head -3
fi

# ---- --in-place on a hard-linked file: only this name gets the new file ----
mkdir -p hard
cp lib.o hard/a.o
ln hard/a.o hard/b.o
ino=$(stat -c %i hard/a.o)
run localize -s lib_helper_add --in-place hard/a.o
if [ "$status" = 0 ] && cmp -s hard/a.o expected.o && cmp -s hard/b.o lib.o &&
	[ "$(stat -c %i hard/a.o)" != "$ino" ] && [ "$(stat -c %h hard/b.o)" = 1 ]; then
	ok "--in-place on a hard link: the name is replaced, the other name keeps the old contents"
else
	fail "--in-place on a hard link: exit $status, a.o $(cmp -s hard/a.o expected.o && echo new ||
		echo old), b.o $(cmp -s hard/b.o lib.o && echo old || echo changed)"
fi

# ---- the mode of IN, less the umask for a new file (like llvm-objcopy); kept in place ----
cp lib.o mode.o
chmod 0640 mode.o
rm -f mode-out.o
(umask 027 && "$SYMFENCE" localize -s lib_helper_add mode.o -o mode-out.o)
[ "$(stat -c %a mode-out.o 2>/dev/null)" = 640 ] && ok "-o gives the mode of IN (0640, umask 027)" ||
	fail "-o gives mode $(stat -c %a mode-out.o 2>/dev/null), expected 640"
rm -f mode-out.o
(umask 077 && "$SYMFENCE" localize -s lib_helper_add mode.o -o mode-out.o)
[ "$(stat -c %a mode-out.o 2>/dev/null)" = 600 ] && ok "-o: the umask applies (0640, umask 077: 0600)" ||
	fail "-o gives mode $(stat -c %a mode-out.o 2>/dev/null), expected 600"
chmod 0755 mode.o
(umask 022 && "$SYMFENCE" localize -s lib_helper_add --in-place mode.o)
[ "$(stat -c %a mode.o)" = 755 ] && ok "--in-place keeps the mode (0755)" ||
	fail "--in-place gives mode $(stat -c %a mode.o), expected 755"

# ---- destinations that cannot be written ----
run localize -s lib_helper_add lib.o -o no/such/dir/out.o
if [ "$status" = 2 ] && [ "$(wc -l < "$T/err")" = 1 ] && ! [ -e no ]; then
	ok "-o into a missing directory: exit 2, one line"
else
	fail "-o into a missing directory: exit $status"
fi
mkdir -p adir/sub
run localize -s lib_helper_add lib.o -o adir/sub
if [ "$status" = 2 ] && [ "$(wc -l < "$T/err")" = 1 ] && [ -d adir/sub ] && no_temp adir; then
	ok "-o onto a directory: exit 2, one line, no temporary left"
else
	fail "-o onto a directory: exit $status"
	sed 's/^/    | /' "$T/err" | head -3
fi

# ---- failures before writing leave an existing destination alone ----
cp old keep.o
run localize -s lib_helper_add -s no_such_symbol lib.o -o keep.o
cmp -s keep.o old && no_temp . && [ "$status" = 2 ] &&
	ok "a missing symbol: exit 2, destination untouched" ||
	fail "a missing symbol: exit $status, destination $(cmp -s keep.o old && echo kept || echo changed)"
printf 'int lib_undef(void);\nint user(void) { return lib_undef(); }\n' > undef.c
gcc -O1 -c -o undef.o undef.c
run localize -s lib_undef undef.o -o keep.o
cmp -s keep.o old && [ "$status" = 1 ] && ok "a policy refusal: exit 1, destination untouched" ||
	fail "a policy refusal: exit $status, destination $(cmp -s keep.o old && echo kept || echo changed)"
head -c 100 lib.o > trunc.o
run localize -s lib_helper_add trunc.o -o keep.o
failed_cleanly "a truncated input: exit 2, destination untouched" keep.o old '^trunc.o: error: '
run localize -s no_such_symbol --allow-missing lib.o -o same.o
[ "$status" = 0 ] && cmp -s same.o lib.o && ok "nothing to localize: a byte-identical copy" ||
	fail "nothing to localize: exit $status or the copy differs"

# ---- valgrind memcheck on the localize flow (not with sanitizers) ----
if ! command -v valgrind >/dev/null; then
	skip "valgrind is not installed"
elif nm "$SYMFENCE" 2>/dev/null | grep -q '__asan_init\|__tsan_init\|__msan_init'; then
	skip "valgrind: $SYMFENCE is built with a sanitizer"
else
	cp lib.o vg.o
	vg() {
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--track-fds=no "$SYMFENCE" "$@" >"$T/out" 2>"$T/err"
	}
	vg localize -s lib_helper_add -s lib_helper_mul lib.o -o vg-out.o
	s1=$?
	vg localize -s lib_helper_add --in-place vg.o
	s2=$?
	vg localize -s lib_undef undef.o -o vg-out2.o
	s3=$?
	vg localize -s lib_helper_add trunc.o -o vg-out3.o
	s4=$?
	if [ "$s1" = 0 ] && [ "$s2" = 0 ] && [ "$s3" = 1 ] && [ "$s4" = 2 ]; then
		ok "valgrind memcheck: localize -o, --in-place, a refusal and a malformed input are clean"
	else
		fail "valgrind memcheck: statuses $s1 $s2 $s3 $s4 (99: memcheck errors)"
		sed 's/^/    | /' "$T/err" | head -20
	fi
fi
