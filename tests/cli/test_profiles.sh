#!/bin/sh
# test_profiles.sh - endpoint profiles in the config file and where each
# setting comes from: flag > environment > profile > top-level config >
# default, as quarry config shows it and as the request uses it; the key
# masked; unknown keys warned about; --llm with no model fails clearly.
. tests/cli/lib.sh

if "$Q" ask --llm --dry-run dropout 2>&1 >/dev/null | grep -q 'without LLM support'; then
	run "$Q" config
	expect_rc "config without the LLM client still shows the log setting" 0
	expect_out "... log" '^log '
	exit 0
fi

CFG="$XDG_CONFIG_HOME/quarry/config"
mkdir -p "$XDG_CONFIG_HOME/quarry"
KEY=sk-test-PROFILEKEY-7777
cat >"$CFG" <<EOF
# top-level settings
url = http://top.example/v1
model = top-model
total_timeout = 50

[local]
url = http://local.example/v1
model = local-model
system_prompt = "Answer in one line. # not a comment"

[hosted]
url = http://hosted.example/v1
model = hosted-model
key_env = HOSTED_KEY
context_budget = 3000
EOF
chmod 600 "$CFG"

# field NAME: the value and origin of NAME in the last run's config --json
val() { jq -r ".$1.value" "$T/out"; }
from() { jq -r ".$1.from" "$T/out"; }
check() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got '$2', want '$3'"; fi
}

run "$Q" config --json
check "no profile: top-level config" "$(val model) | $(from model)" "top-model | config $CFG:3"
run "$Q" config --json
check "... default where nothing is set" "$(val retries) | $(from retries)" "3 | default"
check "... top-level timeout" "$(val total_timeout) | $(from total_timeout)" "50 | config $CFG:4"

run env QUARRY_PROFILE=local "$Q" config --json
check "QUARRY_PROFILE picks a profile" "$(val profile) | $(from profile)" "local | env QUARRY_PROFILE"
check "profile beats top-level config" "$(val model) | $(from model)" "local-model | profile local in $CFG:8"
check "top-level config still fills what the profile leaves" "$(val total_timeout)" "50"
check "a quoted value keeps its #" "$(val system_prompt)" "Answer in one line. # not a comment"

run env QUARRY_PROFILE=local QUARRY_LLM_MODEL=env-model "$Q" config --json
check "environment beats profile" "$(val model) | $(from model)" "env-model | env QUARRY_LLM_MODEL"
run env QUARRY_PROFILE=local QUARRY_LLM_MODEL=env-model "$Q" config --json --llm-model flag-model
check "flag beats environment" "$(val model) | $(from model)" "flag-model | flag --llm-model"
run env QUARRY_PROFILE=local "$Q" config --json --profile hosted
check "--profile beats QUARRY_PROFILE" "$(val profile) | $(from profile) | $(val url)" "hosted | flag --profile | http://hosted.example/v1"

printf 'default = hosted\n' | cat - "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
run env HOSTED_KEY=$KEY "$Q" config --json
check "default = NAME picks a profile" "$(val profile) | $(from profile)" "hosted | config default"
check "key_env reads the key from that variable, masked" "$(val api_key) | $(from api_key)" "sk-...7777 | profile hosted in $CFG:15"
run env HOSTED_KEY=$KEY "$Q" config
if ! grep -q PROFILEKEY "$T/out" "$T/err" && grep -q 'sk-\.\.\.7777' "$T/out"; then ok "config never shows the whole key"; else nok "key shown"; fi
run env HOSTED_KEY=$KEY OPENAI_API_KEY=sk-env-key-000011112222 "$Q" config --json
check "OPENAI_API_KEY beats the profile's key" "$(val api_key) | $(from api_key)" "sk-...2222 | env OPENAI_API_KEY"
run env HOSTED_KEY=short "$Q" config --json
check "a short key shows as ***" "$(val api_key)" "***"

# the profile reaches the request
run env QUARRY_PROFILE=local "$Q" ask --llm --dry-run what is dropout
if jq -e '.model == "local-model" and .messages[0].role == "system" and .messages[0].content == "Answer in one line. # not a comment"' "$T/out" >/dev/null; then ok "the profile's model and system prompt go into the request"; else nok "profile in request" "$(head -c 300 "$T/out")"; fi
run "$Q" ask --llm --dry-run --profile hosted --llm-model flagged what is dropout
if jq -e '.model == "flagged"' "$T/out" >/dev/null; then ok "a flag beats the default profile in the request"; else nok "flag in request" "$(head -c 300 "$T/out")"; fi

# a profile that is not there
run "$Q" config --profile nope
expect_rc "--profile of no section" 2; expect_err "... says which" "no profile 'nope'"
run env QUARRY_PROFILE=nope "$Q" ask --llm what is dropout
expect_rc "ask --llm with QUARRY_PROFILE of no section" 2; expect_err "... one line" "no profile 'nope'.*QUARRY_PROFILE"
printf 'default = gone\n[x]\nurl = http://x/v1\n' >"$CFG"
run "$Q" config
expect_rc "default = a missing section is a bad config file" 3; expect_err "... with FILE:LINE" 'config:1: default = gone names no \[gone\] section'

# unknown keys: one warning each, with FILE:LINE, and the answer
printf 'url = http://127.0.0.1:1/v1\nmodle = oops\n[p]\nmodel = m\nlog = off\n' >"$CFG"
run "$Q" ask what is dropout
if [ "$rc" -eq 0 ] && grep -q '#18' "$T/out" && [ "$(wc -l <"$T/err")" -eq 2 ] &&
	grep -q "config:2: unknown key 'modle'" "$T/err" && grep -q "config:5: unknown key 'log' in a profile" "$T/err"; then
	ok "unknown keys: one warning each with FILE:LINE, answer printed"
else nok "unknown keys" "rc $rc; $(cat "$T/err")"; fi
# no model at all: a clear failure, not a request without one
printf 'url = http://127.0.0.1:1/v1\n' >"$CFG"
run "$Q" ask --llm what is dropout
expect_rc "--llm with no model set" 2; expect_err "... says how to set one" 'no LLM model set \(--llm-model, QUARRY_LLM_MODEL'
if [ ! -s "$T/out" ]; then ok "... and sends nothing, prints no answer"; else nok "no model: output" "$(head -c 200 "$T/out")"; fi
run sh -c "printf '/llm on\n' | \"$Q\" chat"
expect_out "chat /llm on with no model says so" 'no LLM model set'
run "$Q" ask --llm --dry-run what is dropout
if [ "$rc" -eq 0 ] && jq -e 'has("model") | not' "$T/out" >/dev/null; then ok "--dry-run still shows the body without a model"; else nok "dry-run no model" "rc $rc"; fi
