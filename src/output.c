// SPDX-License-Identifier: GPL-2.0-only
/* Atomic output: a temporary file beside the destination, then rename. */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <symfence/localize.h>

#include "internal.h"

static int sf_write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int symfence_write_atomic(struct symfence_ctx *ctx, const char *path, const void *buf,
			  size_t size, unsigned int mode)
{
	char *dircopy = NULL, *tmp = NULL;
	const char *dir;
	int fd = -1, err;

	dircopy = strdup(path);
	if (!dircopy)
		return -ENOMEM;
	dir = dirname(dircopy);
	if (asprintf(&tmp, "%s/.%s.symfence.XXXXXX", dir, strrchr(path, '/') ? strrchr(path, '/') + 1 : path) < 0) {
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
	err = sf_write_all(fd, buf, size);
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
		symfence_error(ctx, path, "cannot rename the output into place: %s", strerror(errno));
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
