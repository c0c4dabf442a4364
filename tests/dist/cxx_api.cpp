// SPDX-License-Identifier: MIT
/*
 * The public headers from C++: this compiles only if they are valid C++,
 * and links against libpagelab only if their extern "C" guards are there
 * (without them the calls below would name C++-mangled symbols).
 */
#include <cstdio>
#include <cstring>

#include <pagelab/abi.h>
#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

int main()
{
	uint64_t bytes = 0;
	char buf[32];
	struct pl_memmap map;

	if (pl_parse_memory_size("256", &bytes) != 0 || bytes != PL_DEFAULT_MEMORY)
		return 1;
	if (std::strcmp(pl_format_size(bytes, buf, sizeof(buf)), "256M") != 0)
		return 1;
	if (pl_memmap(0, &map) == 0 || pl_error_kind() != PL_ERR_CONFIG || !pl_error()[0])
		return 1;
	if (pl_initramfs_check("garbage", 7, buf, sizeof(buf)) != -1)
		return 1;
	std::printf("c++: %s\n", pl_end_name(PL_END_EXIT));
	return 0;
}
