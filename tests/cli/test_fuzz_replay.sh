#!/bin/sh
# test_fuzz_replay.sh - every fuzz regression input and seed, replayed once
# under ASan+UBSan (tests/fuzz/replay.sh), as part of make test.
sh tests/fuzz/replay.sh
