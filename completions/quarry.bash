# bash completion for quarry(1): commands, each command's options, the
# values of options that take one of a fixed set, and file names where a
# path is expected.  Installed as
# $(PREFIX)/share/bash-completion/completions/quarry; to try it, source it.
# The option lists mirror each command's --help (tests/cli/test_completion.sh
# checks that they name every option --help shows).

_quarry_rank='--model --k1 --b --semantic --wq --wa --qmatch --proximity --phrase --feedback
	--feedback-min --no-expand --exhaustive'
_quarry_llm='--llm --llm-url --llm-model --llm-timeout --profile'

# _quarry_opts COMMAND: the options COMMAND takes
_quarry_opts()
{
	case $1 in
	ask) echo "--db -n --top -j --json --full --threshold --explain
		--dry-run --context-budget --no-log $_quarry_llm $_quarry_rank
		-h --help" ;;
	chat) echo "--db -n --top -j --json --full --threshold -c --continue
		--cid --no-log $_quarry_llm $_quarry_rank -h --help" ;;
	eval) echo "$_quarry_rank --no-fts5 --threshold --check-pruning
		--declines --features -j --json --per-query -h --help" ;;
	index) echo "--db -u --update --rebuild --as --convert --threads
		--memory -q --quiet -h --help" ;;
	stats) echo "--db -j --json -h --help" ;;
	log) echo "-n --number -j --json --cid --path -h --help" ;;
	config) echo "-j --json --llm-url --llm-model --llm-timeout --profile
		-h --help" ;;
	esac
}

# _quarry_profiles: the [sections] of the configuration file
_quarry_profiles()
{
	local f=${XDG_CONFIG_HOME:-$HOME/.config}/quarry/config
	[ -r "$f" ] && sed -n 's/^[[:space:]]*\[\([^]]*\)\].*/\1/p' "$f"
}

_quarry()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd= i w

	# The command: the first word after quarry that is not an option.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in -*) ;; *) cmd=$w; break ;; esac
	done

	# --opt=value, which bash splits into --opt, = and value
	if [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == = ]]; then
		cur=
	fi

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'ask chat index stats log config
				eval' -- "$cur"))
		fi
		return
	fi

	case $prev in
	--model)
		if [[ $cmd == eval ]]; then
			COMPREPLY=($(compgen -W 'bm25 tfidf both' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'bm25 tfidf' -- "$cur"))
		fi
		return ;;
	--as)
		COMPREPLY=($(compgen -W 'qa passages' -- "$cur"))
		return ;;
	--profile)
		COMPREPLY=($(compgen -W "$(_quarry_profiles)" -- "$cur"))
		return ;;
	--db | --per-query | --features)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-n | --top | --threshold | --llm-url | --llm-model | --llm-timeout | \
	--context-budget | --k1 | --b | --semantic | --wq | --wa | --qmatch | --proximity | --phrase | \
	--feedback | --feedback-min | --convert | --cid | --number)
		# a value of the user's own
		COMPREPLY=()
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_quarry_opts "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	index)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	eval)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur")) ;;
	*)
		COMPREPLY=() ;;
	esac
}
complete -F _quarry quarry
