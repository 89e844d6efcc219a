# fish completion for quarry(1): commands, each command's options, fixed
# option values and file names where a path is expected.  Installed as
# $(PREFIX)/share/fish/vendor_completions.d/quarry.fish.

set -l commands ask chat index stats log config eval

function __quarry_profiles
    set -l dir $XDG_CONFIG_HOME
    test -n "$dir"; or set dir ~/.config
    test -r $dir/quarry/config
    and sed -n 's/^[[:space:]]*\[\([^]]*\)\].*/\1/p' $dir/quarry/config
end

complete -c quarry -f
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'show the usage'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -l version -d 'show the version'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a ask -d 'answer questions from the index'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a chat -d 'hold a conversation in the terminal'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a index -d 'index documents'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a stats -d 'show what the index holds'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a log -d 'list logged exchanges'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a config -d 'print the effective settings'
complete -c quarry -n "not __fish_seen_subcommand_from $commands" -a eval -d 'score ranking on judged collections'

# -h/--help on every command
complete -c quarry -n "__fish_seen_subcommand_from $commands" -s h -l help -d 'show the usage'

# --db: ask chat index stats
complete -c quarry -n '__fish_seen_subcommand_from ask chat index stats' -l db -r -F -d 'index file'

# ask and chat
set -l ac '__fish_seen_subcommand_from ask chat'
complete -c quarry -n $ac -s n -l top -x -d 'number of answers'
complete -c quarry -n $ac -s j -l json -d 'one JSON object per question'
complete -c quarry -n $ac -l full -d 'show whole answers'
complete -c quarry -n $ac -l threshold -x -d 'probability of an answer below which there is none'
complete -c quarry -n $ac -l no-log -d 'do not log this exchange'
complete -c quarry -n $ac -l llm -d 'have the LLM endpoint write a reply'
complete -c quarry -n $ac -l llm-url -x -d 'endpoint base URL'
complete -c quarry -n $ac -l llm-model -x -d 'model'
complete -c quarry -n $ac -l llm-timeout -x -d 'seconds for the whole reply'
complete -c quarry -n '__fish_seen_subcommand_from config' -l llm-url -x -d 'endpoint base URL'
complete -c quarry -n '__fish_seen_subcommand_from config' -l llm-model -x -d 'model'
complete -c quarry -n '__fish_seen_subcommand_from config' -l llm-timeout -x -d 'seconds for the whole reply'
complete -c quarry -n '__fish_seen_subcommand_from ask chat config' -l profile -x -a '(__quarry_profiles)' -d 'endpoint profile'
complete -c quarry -n '__fish_seen_subcommand_from ask' -l explain -d "show each term's contribution"
complete -c quarry -n '__fish_seen_subcommand_from ask' -l dry-run -d 'print the request --llm would send'
complete -c quarry -n '__fish_seen_subcommand_from ask' -l context-budget -x -d 'bytes of context sent'
complete -c quarry -n '__fish_seen_subcommand_from chat' -s c -l continue -d 'resume the last conversation'
complete -c quarry -n '__fish_seen_subcommand_from chat log' -l cid -x -d 'a conversation id'

# ranking: ask chat eval
set -l rk '__fish_seen_subcommand_from ask chat eval'
complete -c quarry -n '__fish_seen_subcommand_from ask chat' -l model -x -a 'bm25 tfidf' -d 'ranking model'
complete -c quarry -n '__fish_seen_subcommand_from eval' -l model -x -a 'bm25 tfidf both' -d 'ranking model'
complete -c quarry -n $rk -l k1 -x -d 'BM25 term saturation (1.2)'
complete -c quarry -n $rk -l b -x -d 'BM25 length normalization (0.75)'
complete -c quarry -n $rk -l semantic -x -d 'word-vector similarity weight (1; 0 off)'
complete -c quarry -n $rk -l wq -x -d 'question field weight (3)'
complete -c quarry -n $rk -l wa -x -d 'answer field weight (1)'
complete -c quarry -n $rk -l proximity -x -d 'weight of passages\' term proximity (1; 0 off)'
complete -c quarry -n $rk -l qmatch -x -d 'bonus for covering a whole question (1)'
complete -c quarry -n $rk -l phrase -x -d 'bonus for word pairs found together (0)'
complete -c quarry -n $rk -l feedback -x -d 'pseudo-relevance feedback weight (0)'
complete -c quarry -n $rk -l feedback-min -x -d 'feedback only for questions of N words or more'
complete -c quarry -n $rk -l no-expand -d 'no query expansion'
complete -c quarry -n $rk -l exhaustive -d 'score every posting'

# index: files and directories
set -l ix '__fish_seen_subcommand_from index'
complete -c quarry -n $ix -F
complete -c quarry -n $ix -s u -l update -d 'update in place'
complete -c quarry -n $ix -l rebuild -d 'build again from the recorded sources'
complete -c quarry -n $ix -l as -x -a 'qa passages' -d 'read text and Markdown as'
complete -c quarry -n $ix -l convert -x -d 'EXT=COMMAND converter rule'
complete -c quarry -n $ix -l threads -x -a '1 2 3 4 5 6 7 8' -d 'threads that analyse records'
complete -c quarry -n $ix -l memory -x -a '256M 512M 1G 2G' -d 'memory the build may use'
complete -c quarry -n $ix -s q -l quiet -d 'no summary line'

# stats, log, config
complete -c quarry -n '__fish_seen_subcommand_from stats' -s j -l json -d 'one JSON object'
complete -c quarry -n '__fish_seen_subcommand_from log config' -s j -l json -d 'JSON output'
complete -c quarry -n '__fish_seen_subcommand_from log' -s n -l number -x -d 'the latest N exchanges (0: all)'
complete -c quarry -n '__fish_seen_subcommand_from log' -l path -d 'print where the log is'

# eval: collection directories
set -l ev '__fish_seen_subcommand_from eval'
complete -c quarry -n $ev -x -a '(__fish_complete_directories)'
complete -c quarry -n $ev -l no-fts5 -d 'skip the FTS5 anchor'
complete -c quarry -n $ev -l threshold -x -d 'probability of an answer below which ask declines'
complete -c quarry -n $ev -l declines -d 'the decline trade-off at each threshold'
complete -c quarry -n $ev -l features -r -F -d 'write the decline features per query'
complete -c quarry -n $ev -l check-pruning -d 'check MaxScore against exhaustive ranking'
complete -c quarry -n $ev -s j -l json -d 'one JSON object'
complete -c quarry -n $ev -l per-query -r -F -d 'one TSV line per judged query'
