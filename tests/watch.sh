# newsgrep index --watch: stories that land in a root are indexed after a
# short quiet time, and SIGINT stops it cleanly.
. "$(dirname "$0")/lib.sh"

plan 7
mkdir -p "$T/news"
cp "$CORPUS"/2025-06-05-trump-xi-call.txt "$T/news/"
"$NG" --db "$T/db" index --watch --settle 200 "$T/news" 2> "$T/watch.err" &
pid=$!

# waits_for WORD [INDEX]: polls a search of INDEX ($T/db) until WORD is
# found, for up to 10 s.
waits_for() {
    local i
    for i in $(seq 1 100); do
        "$NG" --db "${2:-$T/db}" "$1" > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

check "the first run indexed the root" waits_for tariffs
printf 'Walrus News\n\nA walrus was seen in the harbour.\n' > "$T/news/walrus.txt"
check "a new story is indexed while watching" waits_for walrus
mkdir -p "$T/news/later"
printf 'Narwhal News\n\nA narwhal too.\n' > "$T/news/later/narwhal.txt"
check "a story in a new folder is indexed too" waits_for narwhal
# A changed story is indexed again, a deleted one removed.
gone() { ! "$NG" --db "$T/db" "$1" > /dev/null 2>&1; }
waits_gone() {
    local i
    for i in $(seq 1 100); do gone "$1" && return 0; sleep 0.1; done
    return 1
}
printf 'Walrus News\n\nA beluga, not a walrus, was seen.\n' > "$T/news/walrus.txt"
check "a changed story is indexed again" waits_for beluga
rm "$T/news/later/narwhal.txt"
check "a deleted story is removed" waits_gone narwhal
kill -INT $pid
wait $pid
status=$?
check "SIGINT stops watching cleanly (exit $status)" \
    sh -c "[ $status -eq 0 ] && grep -q 'stopped watching' '$T/watch.err'"

# A story that lands while the first update runs: the roots are watched
# before it starts, so the update or the watch sees it.  The update of 20
# copies of the bundled stories takes about a second; the story lands in a
# folder it has already listed.  The root is given as a relative path.
make_stories "$T/big" 20
(cd "$T" && exec "$NG" --db big.db index --watch --settle 200 big \
    2> "$T/big.err") &
big=$!
sleep 0.2
printf 'Dugong News\n\nA dugong was seen.\n' > "$T/big/copy1/dugong.txt"
check "a story that lands during the first update is indexed" \
    waits_for dugong "$T/big.db"
kill -INT $big
wait $big
# What the watcher said, when something failed: the temporary folder goes.
if [ "$failures" -ne 0 ]; then
    while IFS= read -r line; do diag "watcher: $line"; done < "$T/watch.err"
fi
finish
