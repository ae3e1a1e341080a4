# Shared by the shell tests: TAP output, a temporary folder, the tools.
# Sourced, not run.

set -u
NG=${NEWSGREP_BIN:?run through make check}
NG_DUMP=${NG_DUMP:?run through make check}
CORPUS=${NEWSGREP_TEST_CORPUS:?run through make check}
T=$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export NEWSGREP_CORPUS=/nonexistent NO_COLOR=1

tests_run=0
failures=0

plan() { echo "1..$1"; }

ok() {
    tests_run=$((tests_run + 1))
    echo "ok $tests_run - $*"
}

not_ok() {
    tests_run=$((tests_run + 1))
    failures=$((failures + 1))
    echo "not ok $tests_run - $*"
}

# check DESCRIPTION COMMAND...: one test line, ok when COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}

diag() { echo "# $*"; }

finish() { [ "$failures" -eq 0 ]; }

# make_stories DIR COPIES: COPIES copies of the bundled corpus under DIR,
# in folders copy1, copy2..., so that each story has its own id.
make_stories() {
    local dir=$1 copies=$2 i
    for i in $(seq 1 "$copies"); do
        mkdir -p "$dir/copy$i"
        cp "$CORPUS"/*.txt "$dir/copy$i/"
    done
}

# Seconds since the epoch, with fractions.
now() { date +%s.%N; }
