# The bash completion script: what a user gets on pressing Tab after a
# few command lines, with '=' a word break (bash's default) or not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../completion/newsgrep"

plan 17

# sorted WORDS...: the words, sorted, on one line; the order of candidates
# is readline's business.
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }

# complete_to EXPECTED WORDS...: ok when completing the last of WORDS gives
# the candidates EXPECTED (separated by spaces).
complete_to() {
    local expected=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _newsgrep
    local got want
    got=$(sorted "${COMPREPLY[@]}")
    want=$(sorted $expected)
    [ "$got" = "$want" ] || { diag "$* -> '$got', expected '$expected'"; return 1; }
}

check "the function is registered for newsgrep" \
    sh -c "test \"\$1\" = 'complete -F _newsgrep newsgrep'" - "$(complete -p newsgrep)"
check "an option of search, the default command" \
    complete_to "--sort=" newsgrep --so
check "the values of --sort after '='" \
    complete_to "relevance newest oldest" newsgrep --sort =
check "the values of --sort when '=' does not split words" \
    complete_to "--sort=relevance --sort=newest --sort=oldest" newsgrep --sort=
check "a value of --color begun" \
    complete_to "auto always" newsgrep --color = a
check "a command" \
    complete_to "index" newsgrep in
check "a command after an option and its value" \
    complete_to "stats" newsgrep --db /tmp/x st
check "the options of index" \
    complete_to "--wait --watch" newsgrep index --wa
check "the options of stats" \
    complete_to "--db -h --help" newsgrep stats -
check "no command names among search words" \
    complete_to "" newsgrep search rare in

mkdir -p "$T/stories/old" && touch "$T/stories/one.txt"
check "files and folders for index" \
    complete_to "$T/stories/old $T/stories/one.txt" newsgrep index "$T/stories/"
check "the serve command" \
    complete_to "serve" newsgrep ser
check "the options of serve" \
    complete_to "--writable" newsgrep serve --wr
check "the options of similar" \
    complete_to "--per-story" newsgrep similar --pe
check "the options of compact" \
    complete_to "--wait" newsgrep compact --wa
check "story files for similar" \
    complete_to "$T/stories/old $T/stories/one.txt" newsgrep similar "$T/stories/"

# The languages listed must be the ones the binary knows: it names them
# when given one it does not know.
names=$(NEWSGREP_DB="$T/db" "$NG" --language klingon rare 2>&1 |
        sed -n 's/.*(one of: \(.*\))$/\1/p' | tr -d ,)
check "the languages are the binary's" \
    complete_to "$names" newsgrep index --language ''
finish
