/* SPDX-License-Identifier: GPL-2.0-only */
/* The command-line front end: one file per subcommand, one table in main.c. */
#ifndef SYMFENCE_CLI_H
#define SYMFENCE_CLI_H

#include <symfence/symfence.h>

struct cli_command {
	const char *name;
	const char *summary;
	/* argv[0] is the subcommand's name; returns an exit status. */
	int (*run)(struct symfence_ctx *ctx, int argc, char **argv);
};

int cmd_localize(struct symfence_ctx *ctx, int argc, char **argv);
int cmd_seal(struct symfence_ctx *ctx, int argc, char **argv);
int cmd_audit(struct symfence_ctx *ctx, int argc, char **argv);
int cmd_rules(struct symfence_ctx *ctx, int argc, char **argv);

/* Prints "symfence: error: ..." plus "Try 'symfence CMD --help'." and returns exit status 2. */
int cli_usage_error(struct symfence_ctx *ctx, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * For getopt_long()'s '?' and ':' returns (option strings start with ':'):
 * "unknown option '--x'" or "option '-o' needs an argument", then the hint.
 */
int cli_bad_option(struct symfence_ctx *ctx, const char *cmd, int c, char **argv);

/* The process's umask (read without changing it for good). */
unsigned int cli_umask(void);

/* With -v: "symfence: localized 'NAME'" for each symbol the plan made local. */
void cli_show_localized(const struct symfence_ctx *ctx, const struct symfence_plan *plan);

#endif
