# zsh_complete.zsh LINE FPATHDIR - print what zsh's completion lists for
# LINE (one TAB at its end) with FPATHDIR first in $fpath: an interactive
# zsh on a pseudo-terminal (zsh/zpty), the escape sequences left in.
# Used by test_completion.sh (run with zsh -f).  Exits 2 when zsh does not
# come up or the listing does not end within 30 seconds.
zmodload zsh/zpty || exit 2
zpty z env TERM=xterm HOME=${TMPDIR:-/tmp} zsh -f -i
zpty -w z "PROMPT='%% '; fpath=($2 \$fpath); autoload -U compinit; compinit -u -D; stty rows 500 columns 200; LINES=500 COLUMNS=200 LISTMAX=100000; print RE''ADY"

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
wait_for "READY*% " >/dev/null || exit 2
zpty -w -n z "$1"$'\t'
# (zle reads the TAB, lists, then the next keys: the order is the pty's)
zpty -w -n z $'\C-u'
zpty -w z "print END''MARK"
wait_for ENDMARK || exit 2
zpty -d z
