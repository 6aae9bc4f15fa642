// SPDX-License-Identifier: GPL-2.0-only
/*
 * The entry point of the sample's kernel images. The demo links images to see
 * what the linker accepts and never runs them; built-in drivers would be
 * reached through initcalls, not from here.
 */
void start_kernel(void);

void start_kernel(void)
{
	for (;;)
		;
}
