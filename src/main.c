// SPDX-License-Identifier: GPL-2.0-only
/* symfence: the command table and the entry point. */
#include <stdarg.h>
#include <stdio.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const struct cli_command commands[] = {
	{ "seal", "partially link a library and localize its private symbols", cmd_seal },
	{ "localize", "turn chosen global symbols of an object into local ones", cmd_localize },
	{ "audit", "find references to private symbols in objects, archives and modules",
	  cmd_audit },
	{ "rules", "check rules files, or show what they match", cmd_rules },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: symfence COMMAND [OPTIONS] ...\n\n"
		     "Seal a library inside a Linux kernel build: hide its private symbols\n"
		     "and fail the build when anything else references them.\n\nCommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\nRun 'symfence COMMAND --help' (or 'symfence help COMMAND') for a command's\n"
		"options; 'symfence --version' prints the version. See symfence(1).\n"
		"Exit status: 0 success, 1 policy failure, 2 usage or input error.\n");
}

int cli_usage_error(struct symfence_ctx *ctx, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	symfence_vreport(ctx, SYMFENCE_ERROR, NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'symfence %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return SYMFENCE_EXIT_FAILURE;
}

int cli_bad_option(struct symfence_ctx *ctx, const char *cmd, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char shortopt[3] = { '-', (char)optopt, 0 };
	const char *name = (optopt > 0 && optopt < 128 && strncmp(arg, "--", 2)) ? shortopt : arg;

	if (c == ':')
		return cli_usage_error(ctx, cmd, "option '%s' needs an argument", name);
	return cli_usage_error(ctx, cmd, "unknown option '%s'", name);
}

void cli_show_localized(const struct symfence_ctx *ctx, const struct symfence_plan *plan)
{
	size_t i;

	if (ctx->verbose)
		for (i = 0; i < symfence_plan_count(plan); i++)
			fprintf(stderr, "symfence: localized '%s'\n", symfence_plan_name(plan, i));
}

unsigned int cli_umask(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return (unsigned int)mask;
}

int main(int argc, char **argv)
{
	struct symfence_ctx ctx;
	size_t i;

	symfence_ctx_init(&ctx, symfence_diag_print, stderr);
	opterr = 0; /* bad options are reported by cli_bad_option(), in our format */
	if (argc < 2)
		return usage(stderr), SYMFENCE_EXIT_FAILURE;
	if (!strcmp(argv[1], "help") && argc > 2) {
		/* 'symfence help audit' is 'symfence audit --help' */
		char *help_argv[] = { argv[2], "--help", NULL };

		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].run(&ctx, 2, help_argv);
		return cli_usage_error(&ctx, NULL, "unknown command '%s'", argv[2]);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout), SYMFENCE_EXIT_OK;
	if (!strcmp(argv[1], "--version")) {
		printf("symfence %s\n", SYMFENCE_VERSION);
		return SYMFENCE_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(&ctx, argc - 1, argv + 1);
	return cli_usage_error(&ctx, NULL, "unknown command '%s'", argv[1]);
}
