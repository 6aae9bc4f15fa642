// SPDX-License-Identifier: GPL-2.0-only
/*
 * Atomic output: a temporary file beside the destination, then rename. One
 * scheme for every temporary (the rewritten object, the linker's output, a
 * rewritten archive): ".BASE.TAG.XXXXXX" in the destination's directory, so
 * that the rename stays within one file system.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <symfence/output.h>

#include "internal.h"

int sf_temp_beside(struct symfence_ctx *ctx, const char *path, const char *tag, char **tmp)
{
	char *dircopy = strdup(path), *name = NULL;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int fd, err;

	*tmp = NULL;
	if (!dircopy || asprintf(&name, "%s/.%s.%s.XXXXXX", dirname(dircopy), base, tag) < 0) {
		free(dircopy);
		symfence_error(ctx, path, "out of memory");
		return -ENOMEM;
	}
	fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		/* dirname() wrote into dircopy: it is the directory now. */
		symfence_error(ctx, path, "cannot create a temporary file in '%s': %s", dircopy,
			       strerror(errno));
		free(name);
		free(dircopy);
		return err;
	}
	free(dircopy);
	*tmp = name;
	return fd;
}

/* Writes every piece, IOV_MAX at a time, going on after short writes. */
static int sf_writev_all(int fd, const struct iovec *iov, size_t n)
{
	struct iovec cur[IOV_MAX];
	size_t i = 0, k, skip = 0; /* skip: bytes of iov[i] already written */

	while (i < n) {
		size_t batch = n - i < IOV_MAX ? n - i : IOV_MAX;
		ssize_t w;

		for (k = 0; k < batch; k++)
			cur[k] = iov[i + k];
		cur[0].iov_base = (char *)cur[0].iov_base + skip;
		cur[0].iov_len -= skip;
		w = writev(fd, cur, (int)batch);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		/* Advance over what was written. */
		while (i < n && (size_t)w >= iov[i].iov_len - skip) {
			w -= (ssize_t)(iov[i].iov_len - skip);
			skip = 0;
			i++;
		}
		skip += (size_t)w;
	}
	return 0;
}

int symfence_write_atomic(struct symfence_ctx *ctx, const char *path, const void *buf, size_t size,
			  unsigned int mode)
{
	struct iovec iov = { (void *)buf, size };

	return symfence_write_atomic_iov(ctx, path, &iov, 1, mode);
}

int symfence_write_temp_iov(struct symfence_ctx *ctx, const char *path, const struct iovec *iov,
			    size_t n, unsigned int mode, char **tmp)
{
	char *name;
	int fd, err;

	*tmp = NULL;
	fd = sf_temp_beside(ctx, path, "symfence", &name);
	if (fd < 0)
		return fd;
	if (fchmod(fd, mode & 07777)) {
		err = -errno;
		symfence_error(ctx, path, "cannot set the mode of the output: %s", strerror(errno));
		goto fail;
	}
	err = sf_writev_all(fd, iov, n);
	if (err) {
		symfence_error(ctx, path, "cannot write the output: %s", strerror(-err));
		goto fail;
	}
	err = close(fd) ? -errno : 0;
	fd = -1;
	if (err) {
		symfence_error(ctx, path, "cannot write the output: %s", strerror(-err));
		goto fail;
	}
	*tmp = name;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(name);
	free(name);
	return err;
}

int symfence_write_atomic_iov(struct symfence_ctx *ctx, const char *path, const struct iovec *iov,
			      size_t n, unsigned int mode)
{
	char *tmp;
	int err;

	err = symfence_write_temp_iov(ctx, path, iov, n, mode, &tmp);
	if (err)
		return err;
	if (rename(tmp, path)) {
		err = -errno;
		symfence_error(ctx, path, "cannot rename the output into place: %s",
			       strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return err;
}

/*
 * path1 gets tmp1 and its old file is kept, for restore_first(): exchanged
 * with tmp1 (renameat2), else a hard link named old, else (no path1) none.
 */
enum first_kept { KEPT_NONE, KEPT_EXCHANGED, KEPT_LINK };

static int replace_first(struct symfence_ctx *ctx, const char *tmp1, const char *path1,
			 const char *old, enum first_kept *kept)
{
	struct stat st;
	bool exists;
	int err;

	*kept = KEPT_NONE;
	exists = !lstat(path1, &st);
	if (!exists && errno != ENOENT)
		goto fail;
	if (exists && S_ISDIR(st.st_mode)) { /* which an exchange would not refuse */
		errno = EISDIR;
		goto fail;
	}
	if (exists && !renameat2(AT_FDCWD, tmp1, AT_FDCWD, path1, RENAME_EXCHANGE)) {
		*kept = KEPT_EXCHANGED; /* tmp1 is the old path1 now */
		return 0;
	}
	if (exists) {
		/* A file system without RENAME_EXCHANGE: keep the old file as a hard link. */
		if (linkat(AT_FDCWD, path1, AT_FDCWD, old, 0))
			goto fail;
		*kept = KEPT_LINK;
	}
	if (!rename(tmp1, path1))
		return 0;
fail:
	err = errno;
	symfence_error(ctx, path1, "cannot rename the output into place: %s", strerror(err));
	if (*kept == KEPT_LINK)
		unlink(old);
	*kept = KEPT_NONE;
	return -err;
}

/* Puts path1's old file back (or removes path1 when there was none). */
static void restore_first(struct symfence_ctx *ctx, const char *tmp1, const char *path1,
			  const char *old, enum first_kept kept)
{
	int err = 0;

	switch (kept) {
	case KEPT_EXCHANGED:
		err = renameat2(AT_FDCWD, tmp1, AT_FDCWD, path1, RENAME_EXCHANGE) ? errno : 0;
		if (!err)
			unlink(tmp1);
		break;
	case KEPT_LINK:
		err = rename(old, path1) ? errno : 0;
		break;
	case KEPT_NONE:
		err = unlink(path1) && errno != ENOENT ? errno : 0;
		break;
	}
	if (err)
		symfence_error(ctx, path1, "cannot restore the old file: %s; it is kept as '%s'",
			       strerror(err), kept == KEPT_EXCHANGED ? tmp1 : old);
}

int symfence_rename_both(struct symfence_ctx *ctx, const char *tmp1, const char *path1,
			 const char *tmp2, const char *path2)
{
	enum first_kept kept = KEPT_NONE;
	bool placed = false; /* tmp1 is in place (or, restored, gone) */
	char *old = NULL;
	int err;

	if (asprintf(&old, "%s.old", tmp1) < 0) {
		old = NULL;
		symfence_error(ctx, path1, "out of memory");
		err = -ENOMEM;
		goto out;
	}
	err = replace_first(ctx, tmp1, path1, old, &kept);
	if (err)
		goto out;
	placed = true;
	if (rename(tmp2, path2)) {
		err = -errno;
		symfence_error(ctx, path2, "cannot rename the output into place: %s",
			       strerror(errno));
		restore_first(ctx, tmp1, path1, old, kept);
		goto out;
	}
	/* Both are in place: drop the old path1. */
	if (kept == KEPT_EXCHANGED)
		unlink(tmp1);
	else if (kept == KEPT_LINK)
		unlink(old);
out:
	if (err) {
		unlink(tmp2);
		if (!placed)
			unlink(tmp1);
	}
	free(old);
	return err;
}
void symfence_output_guard_init(struct symfence_output_guard *g, const char *path)
{
	struct stat st;

	g->path = path;
	g->exists = path && !stat(path, &st);
	g->dev = g->exists ? (unsigned long long)st.st_dev : 0;
	g->ino = g->exists ? (unsigned long long)st.st_ino : 0;
}

bool symfence_output_guard_same(const struct symfence_output_guard *g, const char *path)
{
	struct stat st;

	return g->exists && !stat(path, &st) && (unsigned long long)st.st_dev == g->dev &&
	       (unsigned long long)st.st_ino == g->ino;
}

int symfence_output_guard_check(struct symfence_ctx *ctx, const struct symfence_output_guard *g,
				const char *what, const char *path)
{
	if (!symfence_output_guard_same(g, path))
		return 0;
	symfence_error(ctx, g->path, "the output is the same file as %s '%s'; nothing written",
		       what, path);
	return -EEXIST;
}
