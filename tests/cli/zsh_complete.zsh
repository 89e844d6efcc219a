# zsh_complete.zsh FPATHDIR LINE... - print what zsh's completion lists for
# each LINE (one TAB at its end) with FPATHDIR first in $fpath, each
# listing followed by a line "=== LINE": an interactive zsh on a
# pseudo-terminal (zsh/zpty), escape sequences left in; compinit runs once
# for all the lines.  Used by test_completion.sh (run with zsh -f).  Exits
# 2 when zsh does not come up or a listing does not end within 30 seconds.
zmodload zsh/zpty || exit 2
zpty z env TERM=xterm HOME=${TMPDIR:-/tmp} zsh -f -i
zpty -w z "PROMPT='%% '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; stty rows 500 columns 200; LINES=500 COLUMNS=200 LISTMAX=100000; print RE''ADY"
shift

# until what the shell printed matches the pattern *$1* (or 30 s passed)
wait_for() {
	local out= line
	integer t0=$SECONDS
	while (( SECONDS - t0 < 30 )); do
		if zpty -r -t z line; then
			out+=$line
			[[ $out == *${~1}* ]] && { print -r -- "$out"; return 0; }
		else
			sleep 0.05
		fi
	done
	return 2
}
# READY, then the next prompt: zle is reading
wait_for "READY*% " >/dev/null || { zpty -d z; exit 2; }
integer i=0
for l in "$@"; do
	(( i++ ))
	zpty -w -n z "$l"$'\t'
	# (zle reads the TAB, lists, then the next keys: the order is the pty's)
	zpty -w -n z $'\C-u'
	zpty -w z "print END''MARK$i"
	wait_for "ENDMARK$i*% " || { zpty -d z; exit 2; }
	print -r -- "=== $l"
done
zpty -d z
