/* cmd_stub.c - subcommands not built yet say so plainly. */
#include "cli.h"

int cmd_chat(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("chat: not implemented yet");
	return QERR_USAGE;
}
