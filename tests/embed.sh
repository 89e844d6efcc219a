#!/bin/sh
# embed.sh FILE - print a C file defining the bytes of FILE as
# quarry_bundled[] / quarry_bundled_len, and its name as quarry_bundled_name.
set -e
f=$1
printf '/* generated from %s by tests/embed.sh; do not edit */\n' "$f"
printf '#include <stddef.h>\n'
printf 'const char quarry_bundled_name[] = "%s";\n' "$f"
printf 'const unsigned char quarry_bundled[] = {\n'
od -An -v -tx1 "$f" | sed -e 's/  */ /g' -e 's/^ //' -e 's/ $//' \
	-e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
printf '0x00};\n'
printf 'const size_t quarry_bundled_len = sizeof(quarry_bundled) - 1;\n'
# Identity of the embedded text, computed here so start-up need not hash it.
printf 'const char quarry_bundled_hash[] = "crc%s";\n' \
	"$(cksum <"$f" | awk '{print $1 "-" $2}')"
