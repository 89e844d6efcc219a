# help_options.sh - sourced by the tests that hold something against
# --help (test_manpage.sh, test_completion.sh).
#
# help_commands: the commands `quarry --help` lists, one a line.
# help_options: the options in a --help text on stdin, one a line, sorted:
# every -x / --long in the usage lines (up to the first blank line) and at
# the start of an option row ("  -n, --top N  ...", "  --db PATH  ...").

help_commands() {
	"$Q" --help 2>&1 | awk '/^commands:/ { c = 1; next } c && /^$/ { c = 0 }
		c && /^  [a-z]/ { print $1 }'
}

help_options() {
	awk '
	/^usage:/ { u = 1 }
	u && /^$/ { u = 0 }
	{
		line = $0
		if (!u) {
			if (line !~ /^ +-/) next
			sub(/^ +/, "", line)
			# the row: options and their arguments up to two blanks
			sub(/  .*/, "", line)
		}
		while (match(line, /(^|[[ (,|])--?[A-Za-z0-9][A-Za-z0-9-]*/)) {
			o = substr(line, RSTART, RLENGTH)
			sub(/^[^-]/, "", o)
			print o
			line = substr(line, RSTART + RLENGTH)
		}
	}' | sort -u
}
