// SPDX-License-Identifier: GPL-2.0-only
/*
 * The link verb: run the real linker as ld -r on a list of objects into a
 * temporary file beside the destination (output.c's scheme). The objects go
 * in a GNU response file, so that no command line is too long.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <symfence/link.h>

#include "internal.h"

extern char **environ;

void symfence_strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int symfence_link_command(struct symfence_ctx *ctx, const char *ld, char ***argv, size_t *argc)
{
	const char *cross = getenv("CROSS_COMPILE");
	char *copy = NULL, *word, *save = NULL, **v;
	size_t n = 0;

	*argv = NULL;
	*argc = 0;
	if (!ld || !*ld)
		ld = getenv("LD");
	if (!ld || !*ld) {
		if (asprintf(&copy, "%sld", cross ? cross : "") < 0)
			copy = NULL;
	} else {
		copy = strdup(ld);
	}
	v = copy ? calloc(strlen(copy) + 2, sizeof(*v)) : NULL;
	if (!v) {
		free(copy);
		symfence_error(ctx, NULL, "out of memory");
		return -ENOMEM;
	}
	for (word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
		v[n] = strdup(word);
		if (!v[n]) {
			free(copy);
			symfence_strv_free(v, n);
			symfence_error(ctx, NULL, "out of memory");
			return -ENOMEM;
		}
		n++;
	}
	free(copy);
	if (!n) {
		free(v);
		symfence_error(ctx, NULL, "no linker to run (check --ld, LD and CROSS_COMPILE)");
		return -ENOENT;
	}
	*argv = v;
	*argc = n;
	return 0;
}

struct word_list {
	char **v;
	size_t n, cap;
};

static int add_word(void *arg, const char *word)
{
	struct word_list *l = arg;
	char *copy = strdup(word);

	if (!copy || sf_grow(l->v, l->cap, l->n + 1, 64)) {
		free(copy);
		return -ENOMEM;
	}
	l->v[l->n++] = copy;
	return 0;
}

int symfence_link_list(struct symfence_ctx *ctx, char *const *args, size_t nargs, char ***objs,
		       size_t *nobjs)
{
	struct word_list l = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; i < nargs && !err; i++) {
		if (args[i][0] != '@') {
			err = add_word(&l, args[i]);
			continue;
		}
		err = sf_read_words(args[i] + 1, 0, add_word, &l);
		if (err && err != -ENOMEM) {
			symfence_error(ctx, args[i] + 1, "cannot read the object list: %s",
				       err == -ENODATA ? "empty file" : strerror(-err));
			symfence_strv_free(l.v, l.n);
			return err;
		}
	}
	if (err) {
		symfence_error(ctx, NULL, "out of memory");
		symfence_strv_free(l.v, l.n);
		return err;
	}
	*objs = l.v;
	*nobjs = l.n;
	return 0;
}

/* Writes one argument of a GNU response file: blanks, quotes and backslashes escaped. */
static void rsp_arg(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr(" \t\n'\"\\", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\n', f);
}

/* The response file rsp (created here, never an existing file): one object per line. */
static int write_rsp(struct symfence_ctx *ctx, const char *rsp, char *const *objs, size_t nobjs)
{
	int fd = open(rsp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), err;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	size_t i;

	if (!f) {
		err = -errno;
		symfence_error(ctx, rsp, "cannot create the linker response file: %s",
			       strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(rsp);
		}
		return err;
	}
	for (i = 0; i < nobjs; i++)
		rsp_arg(f, objs[i]);
	if (ferror(f) | fclose(f)) {
		symfence_error(ctx, rsp, "cannot write the linker response file: %s",
			       strerror(errno));
		unlink(rsp);
		return -EIO;
	}
	return 0;
}

/* Runs argv and waits; the linker's messages go to our stderr as they are. */
static int run(struct symfence_ctx *ctx, char **argv)
{
	pid_t pid;
	int status, err;

	fflush(NULL); /* what we printed comes before the linker's messages */
	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err) {
		if (err == EAGAIN || err == ENOMEM)
			symfence_error(ctx, NULL, "cannot start the linker: %s", strerror(err));
		else
			symfence_error(ctx, NULL, "cannot run the linker '%s': %s", argv[0],
				       strerror(err));
		return -err;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			err = -errno;
			symfence_error(ctx, NULL, "cannot start the linker: %s", strerror(errno));
			return err;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		symfence_error(ctx, NULL,
			       "the linker '%s' failed (exit status %d); its messages are above",
			       argv[0], WEXITSTATUS(status));
	else
		symfence_error(ctx, NULL, "the linker '%s' was killed by signal %d", argv[0],
			       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -EIO;
}

int symfence_link(struct symfence_ctx *ctx, const struct symfence_link_opts *opts,
		  char *const *objs, size_t nobjs, const char *dest, char **out)
{
	char **ldv = NULL, **argv = NULL, *tmp = NULL, *rsp = NULL, *at = NULL;
	size_t ldc = 0, n = 0, i;
	struct stat st;
	int fd, err;

	*out = NULL;
	err = symfence_link_command(ctx, opts->ld, &ldv, &ldc);
	if (err)
		return err;
	fd = sf_temp_beside(ctx, dest, "symfence-ld", &tmp);
	if (fd < 0) {
		symfence_strv_free(ldv, ldc);
		return fd;
	}
	close(fd);
	err = -ENOMEM;
	if (asprintf(&rsp, "%s.rsp", tmp) < 0 || asprintf(&at, "@%s", rsp) < 0 ||
	    !(argv = calloc(ldc + opts->nargs + 5, sizeof(*argv)))) {
		symfence_error(ctx, NULL, "out of memory");
		goto out;
	}
	err = write_rsp(ctx, rsp, objs, nobjs);
	if (err) {
		free(rsp);
		rsp = NULL; /* not ours to remove */
		goto out;
	}
	for (i = 0; i < ldc; i++)
		argv[n++] = ldv[i];
	for (i = 0; i < opts->nargs; i++)
		argv[n++] = opts->args[i];
	argv[n++] = "-r";
	argv[n++] = "-o";
	argv[n++] = tmp;
	argv[n++] = at;
	if (opts->show)
		opts->show(opts->show_arg, argv, n, rsp, nobjs);
	err = run(ctx, argv);
	if (err)
		goto out;
	/* Our temporary is there, empty, until the linker writes it: say so, not "empty file". */
	if (stat(tmp, &st) || st.st_size == 0) {
		symfence_error(ctx, NULL, "the linker '%s' exited 0 but produced no output",
			       ldv[0]);
		err = -EIO;
		goto out;
	}
	*out = tmp;
	tmp = NULL;
out:
	if (tmp)
		unlink(tmp);
	if (rsp)
		unlink(rsp);
	free(tmp);
	free(rsp);
	free(at);
	free(argv);
	symfence_strv_free(ldv, ldc);
	return err;
}
