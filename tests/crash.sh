# Crash safety: kill the indexer with SIGKILL at random moments, during a
# first build (every other round over three threads, whose partial indexes
# are merged and swapped in) and during an update of changed, new and
# deleted stories; each time the index must open, and after one more run it
# must hold exactly the paragraphs of a clean build.
. "$(dirname "$0")/lib.sh"

rounds=${NEWSGREP_CRASH_ROUNDS:-10}
plan $((rounds * 4 + 5))

make_stories "$T/orig" 8
count=$(find "$T/orig" -name '*.txt' | wc -l)

# Small batches, so that a kill lands between commits as well as inside;
# JOBS threads for a first build, each starting a new partial index every
# 40 paragraphs, so that kills land while parts are rolled over and merged.
JOBS=1
index() {
    "$NG" --db "$1" index -q --batch 20 --jobs "$JOBS" --part-size 40 \
        "$T/news"
}

# The same changes every time: some stories edited, some deleted, some new.
modify() {
    local f
    for f in "$T"/news/copy1/*.txt; do
        printf '\nA new closing paragraph about zebras.\n' >> "$f"
    done
    rm -f "$T"/news/copy2/reuters-1*.txt
    mkdir -p "$T/news/copy9"
    cp "$CORPUS"/reuters-2*.txt "$T/news/copy9/"
}

fresh_tree() { rm -rf "$T/news" && cp -a "$T/orig" "$T/news"; }

# References: clean builds of the tree before and after the changes.
fresh_tree
start=$(now)
index "$T/ref"
build=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
"$NG_DUMP" "$T/ref" > "$T/ref.dump"
modify
index "$T/ref2"
"$NG_DUMP" "$T/ref2" > "$T/ref2.dump"
check "clean builds of $count stories take ${build}s" \
    test -s "$T/ref.dump" -a -s "$T/ref2.dump"
fresh_tree
JOBS=3 index "$T/par"
"$NG_DUMP" "$T/par" > "$T/par.dump"
check "a build over three threads, in parts of 40 paragraphs, holds the same paragraphs, and no part is left" \
    sh -c "cmp -s '$T/ref.dump' '$T/par.dump' && ! ls -d '$T'/par.part* '$T'/par.merge 2>/dev/null"

# kill_during DB: starts an index run on DB and kills it after a random part
# of a clean build's time; prints the delay.
kill_during() {
    local delay
    delay=$(awk -v b="$build" -v r=$((RANDOM % 100)) \
                'BEGIN { printf "%.3f", b * r / 100 }')
    index "$1" 2>/dev/null &
    local pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    echo "$delay"
}

# opens DB: the index opens and answers a search (or was never created).
opens() {
    [ ! -e "$1" ] && return 0
    "$NG_DUMP" "$1" > /dev/null || return 1
    "$NG" --db "$1" tariffs > /dev/null
    [ $? -lt 2 ]
}

# converges DB REF: one more run makes DB hold what the clean build REF does.
converges() {
    index "$1" 2>/dev/null && "$NG_DUMP" "$1" > "$T/got.dump" &&
        cmp -s "$2" "$T/got.dump"
}

# SIGTERM (as SIGINT): the run stops after the story at hand, keeps what it
# did, says so, and exits with 128 + 15.
fresh_tree
rm -rf "$T/db"
"$NG" --db "$T/db" index -q --batch 20 "$T/news" 2> "$T/term.err" &
pid=$!
sleep "$(awk -v b="$build" 'BEGIN { printf "%.3f", b / 3 }')"
kill -TERM $pid
wait $pid
status=$?
check "SIGTERM: exit $status with a message" \
    sh -c "[ $status -eq 143 ] && grep -q 'stopped by' '$T/term.err'"
check "SIGTERM: what was done is kept" \
    sh -c "'$NG_DUMP' '$T/db' | grep -q ."
check "SIGTERM: the next run matches a clean build" \
    converges "$T/db" "$T/ref.dump"

for round in $(seq 1 "$rounds"); do
    # During a first build.
    fresh_tree
    rm -rf "$T/db"
    JOBS=$((round % 2 ? 3 : 1))
    delay=$(kill_during "$T/db")
    if [ $((round % 2)) -eq 0 ]; then
        # A second crash, during the run that recovers from the first.
        delay="$delay, then $(kill_during "$T/db")"
    fi
    check "build ($JOBS threads) killed after ${delay}s: the index opens" \
        opens "$T/db"
    check "build killed after ${delay}s: the next run matches a clean build" \
        converges "$T/db" "$T/ref.dump"

    # During an update.
    modify
    delay=$(kill_during "$T/db")
    check "update killed after ${delay}s: the index opens" opens "$T/db"
    check "update killed after ${delay}s: the next run matches a clean build" \
        converges "$T/db" "$T/ref2.dump"
done
finish
