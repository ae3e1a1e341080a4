# Progress of a long run: shown on a terminal (stderr), with stories done
# of the total, rate and time left; not when stderr is not a terminal, nor
# with -q.  script(1) gives the run a terminal.
. "$(dirname "$0")/lib.sh"

plan 3
make_stories "$T/news" 3

script -qfc "'$NG' --db '$T/db1' index '$T/news'" /dev/null > "$T/tty.out" 2>&1 < /dev/null
check "progress on a terminal" \
    grep -Eq '[0-9]+/114 stories, [0-9]+/s, [0-9]+ s left' "$T/tty.out"

"$NG" --db "$T/db2" index "$T/news" 2> "$T/pipe.err"
check "no progress when stderr is not a terminal, only the summary" \
    sh -c "! grep -q 'stories, ' '$T/pipe.err' && grep -q '114 added' '$T/pipe.err'"

script -qfc "'$NG' --db '$T/db3' index -q '$T/news'" /dev/null > "$T/quiet.out" 2>&1 < /dev/null
check "nothing at all with -q" test ! -s "$T/quiet.out"
finish
