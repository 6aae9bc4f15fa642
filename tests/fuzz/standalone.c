// SPDX-License-Identifier: GPL-2.0-only
/*
 * A main() for the fuzz harnesses without libFuzzer: runs the harness once
 * on each file named on the command line, from an exact-size heap copy (as
 * libFuzzer does, so AddressSanitizer sees reads past the end). Used by
 * tests/integration/t-regress.sh to replay tests/regress/ with any compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf;
		long size;

		if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET)) {
			perror(argv[i]);
			return 2;
		}
		buf = malloc(size ? (size_t)size : 1);
		if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
			perror(argv[i]);
			return 2;
		}
		fclose(f);
		fprintf(stderr, "replaying %s (%ld bytes)\n", argv[i], size);
		LLVMFuzzerTestOneInput(buf, (size_t)size);
		free(buf);
	}
	return 0;
}
