// SPDX-License-Identifier: GPL-2.0-only
/* Atomic output: a temporary file beside the destination, then rename. */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <symfence/localize.h>

#include "internal.h"

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

int symfence_write_atomic_iov(struct symfence_ctx *ctx, const char *path, const struct iovec *iov,
			      size_t n, unsigned int mode)
{
	char *dircopy = NULL, *tmp = NULL;
	const char *dir;
	int fd = -1, err;

	dircopy = strdup(path);
	if (!dircopy)
		return -ENOMEM;
	dir = dirname(dircopy);
	if (asprintf(&tmp, "%s/.%s.symfence.XXXXXX", dir,
		     strrchr(path, '/') ? strrchr(path, '/') + 1 : path) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		symfence_error(ctx, path, "cannot create a temporary file in '%s': %s", dir,
			       strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode & 07777)) {
		err = -errno;
		symfence_error(ctx, path, "cannot set the mode of the output: %s", strerror(errno));
		goto out;
	}
	err = sf_writev_all(fd, iov, n);
	if (err) {
		symfence_error(ctx, path, "cannot write the output: %s", strerror(-err));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		err = -errno;
		symfence_error(ctx, path, "cannot write the output: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path)) {
		err = -errno;
		symfence_error(ctx, path, "cannot rename the output into place: %s",
			       strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	err = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dircopy);
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
