# A cluster of three shards served on loopback by "newsgrep serve": the
# stories indexed through it answer every query as one index of the same
# stories does, hit for hit and score for score; a shard that is down or
# stopped fails a search quickly, naming it, or is left out with
# --allow-partial; restarted, it answers again.
. "$(dirname "$0")/lib.sh"

if ! command -v xapian-tcpsrv > /dev/null; then
    echo "1..0 # SKIP xapian-tcpsrv not installed (Debian's xapian-tools)"
    exit 0
fi

declare -a port pid
stop_servers() {
    local p
    for p in "${pid[@]}"; do
        kill -CONT "$p" 2> /dev/null
        kill "$p" 2> /dev/null
    done
    rm -rf "$T"
}
trap stop_servers EXIT

# up PORT PID: waits until the server PID listens on PORT; fails if it
# exits first (the port was taken) or takes more than five seconds.
up() {
    local i
    for i in $(seq 1 50); do
        kill -0 "$2" 2> /dev/null || return 1
        if (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; then
            sleep 0.1
            kill -0 "$2" 2> /dev/null
            return
        fi
        sleep 0.1
    done
    return 1
}

# serve K [PORT]: serves $T/shardK, writable, on PORT or on a free port,
# trying others while ports are taken; sets port[K] and pid[K].
serve() {
    local k=$1 p tries
    for tries in $(seq 1 20); do
        p=${2:-$((20000 + RANDOM % 30000))}
        "$NG" serve -q --writable --listen "127.0.0.1:$p" --db "$T/shard$k" \
            > "$T/serve$k.log" 2>&1 &
        pid[$k]=$!
        if up "$p" "${pid[$k]}"; then
            port[$k]=$p
            return
        fi
        kill "${pid[$k]}" 2> /dev/null
        wait "${pid[$k]}" 2> /dev/null
    done
    return 1
}

plan 19
for k in 0 1 2; do
    serve $k || { echo "Bail out! cannot start shard $k"; exit 1; }
done
{
    echo "# the shards of the test cluster"
    for k in 0 1 2; do echo "remote 127.0.0.1:${port[$k]}"; done
} > "$T/cluster"
mkdir "$T/news"
cp "$CORPUS"/*.txt "$T/news/"
C=$T/cluster
ONE=$T/one

check "indexing through the cluster succeeds" "$NG" index -q --db "$C" "$T/news"
"$NG" index -q --db "$ONE" "$T/news"

paragraphs() { "$NG" stats --db "$1" | awk '/^paragraphs:/ { print $2 }'; }
total=0
spread=yes
for k in 0 1 2; do
    n=$(paragraphs "$T/shard$k")
    [ "${n:-0}" -gt 0 ] || spread=no
    total=$((total + ${n:-0}))
done
check "every shard holds stories, $total paragraphs in all as one index has" \
    test "$spread" = yes -a "$total" -eq "$(paragraphs "$ONE")"

queries=("rare earth" tariffs japan "chip makers" "oil prices" semiconductor
         "trade deal" '"white house"' "title:japan" "source:forbes.com"
         "japan -chip" "sanctions OR tariffs" "date:1987-03" "opec"
         "visa" "microchip dispute" "import controls" "xi trump call")

# same MODE OPTIONS...: every query gives the same output from both.
same() {
    local what=$1 q differ=""
    shift
    for q in "${queries[@]}"; do
        "$NG" --db "$C" "$@" -- "$q" > "$T/a" 2> "$T/a.err"
        local sa=$?
        "$NG" --db "$ONE" "$@" -- "$q" > "$T/b" 2> "$T/b.err"
        local sb=$?
        if [ $sa -ne $sb ] || ! cmp -s "$T/a" "$T/b" ||
           ! cmp -s "$T/a.err" "$T/b.err"; then
            differ="$differ '$q'"
        fi
    done
    [ -z "$differ" ] || diag "$what differs for:$differ"
    check "$what: the cluster answers ${#queries[@]} queries as one index" \
        test -z "$differ"
}
same "hits with scores (JSON)" --json -n 1000
same "stories" --json --stories -n 1000
same "counts" -c
same "newest first" --json --sort=newest -n 1000
same "paragraphs around hits, and files" -C 1 -n 20

printf '1\ttariffs\n2\trare earth\n3\tchip makers\n' > "$T/batch"
check "batch runs give the same TREC run" \
    sh -c "'$NG' --db '$C' --batch '$T/batch' > '$T/a' &&
           '$NG' --db '$ONE' --batch '$T/batch' > '$T/b' && cmp -s '$T/a' '$T/b'"
"$NG" --db "$C" tarifs > /dev/null 2> "$T/a.err"
"$NG" --db "$ONE" tarifs > /dev/null 2> "$T/b.err"
check "did you mean is the same through the shards" \
    sh -c "grep -q \"did you mean 'tariffs'\" '$T/a.err' && cmp -s '$T/a.err' '$T/b.err'"

# A changed story is replaced on its shard, never copied to another.
f=$(ls "$T"/news/reuters-144-*.txt)
printf '\nThe zanzibarite reserves were revised.\n' >> "$f"
"$NG" index -q --db "$C"
"$NG" index -q --db "$ONE"
holders=0
for k in 0 1 2; do
    n=$("$NG" --db "$T/shard$k" -c zanzibarite 2> /dev/null)
    [ "${n:-0}" -gt 0 ] && holders=$((holders + 1))
done
check "a changed story lives on exactly one shard ($holders)" test "$holders" -eq 1
check "after the change, as many paragraphs as one index" \
    test "$(paragraphs "$C")" -eq "$(paragraphs "$ONE")"

# --watch through the cluster, on the roots the shards remember: a story
# that lands is indexed on one shard, a changed one replaced there, a
# deleted one removed; SIGINT stops it.
"$NG" index --watch --settle 200 --db "$C" 2> "$T/watch.err" &
watcher=$!
pid[3]=$watcher   # stopped with the servers if the test ends early
# counts_become WORD N: polls the cluster until N paragraphs have WORD,
# for up to 10 s.
counts_become() {
    local i
    for i in $(seq 1 100); do
        [ "$("$NG" --db "$C" -c "$1" 2> /dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
holders() {
    local k n=0 c
    for k in 0 1 2; do
        c=$("$NG" --db "$T/shard$k" -c "$1" 2> /dev/null)
        [ "${c:-0}" -gt 0 ] && n=$((n + 1))
    done
    echo "$n"
}
printf 'Walrus News\n\nA walrus was seen in the harbour.\n' > "$T/news/walrus.txt"
check "a story that lands while watching the cluster is found" \
    counts_become walrus 1
printf 'Walrus News\n\nA beluga, not a walrus.\n\nA second beluga.\n' \
    > "$T/news/walrus.txt"
counts_become beluga 2
check "a changed story is replaced on one shard ($(holders beluga))" \
    test "$(holders beluga)" -eq 1 -a "$(holders harbour)" -eq 0
rm "$T/news/walrus.txt"
check "a deleted story is removed from the cluster" counts_become walrus 0
kill -INT "$watcher"
wait "$watcher"
status=$?
unset 'pid[3]'
check "SIGINT stops watching the cluster cleanly (exit $status)" \
    sh -c "[ $status -eq 0 ] && grep -q 'stopped watching' '$T/watch.err'"
if [ "$failures" -ne 0 ]; then
    while IFS= read -r line; do diag "watcher: $line"; done < "$T/watch.err"
fi

# A shard that is down: a quick failure naming it, or a partial answer.
kill "${pid[1]}"
wait "${pid[1]}" 2> /dev/null
"$NG" --db "$C" tariffs > /dev/null 2> "$T/err"
status=$?
check "a search with a shard down exits 2 naming it" \
    sh -c "[ $status -eq 2 ] && grep -q \"shard '127.0.0.1:${port[1]}'\" '$T/err'"
"$NG" --db "$C" --allow-partial tariffs > "$T/out" 2> "$T/err"
status=$?
check "with --allow-partial the others answer, and the missing shard is named" \
    sh -c "[ $status -eq 0 ] && [ -s '$T/out' ] &&
           grep -q \"partial answer, without shard '127.0.0.1:${port[1]}'\" '$T/err'"

# A shard that does not answer (stopped): the timeout, then the message.
kill -STOP "${pid[2]}"
start=$(now)
"$NG" --db "$C" --timeout 1 --allow-partial japan > /dev/null 2> "$T/err"
status=$?
took=$(awk "BEGIN { printf \"%.2f\", $(now) - $start }")
kill -CONT "${pid[2]}"
diag "a search with one shard stopped took $took s"
check "a stopped shard is named after the timeout, not waited for" \
    sh -c "[ $status -eq 0 ] && awk 'BEGIN { exit !($took < 4) }' &&
           grep -q \"shard '127.0.0.1:${port[2]}' did not answer within 1 s\" '$T/err'"

# Restarted on its port: full answers again.
serve 1 "${port[1]}"
same "after a restart, hits" --json -n 1000
