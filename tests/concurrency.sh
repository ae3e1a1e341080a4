# Searching while indexing: searches run in a loop while an indexer keeps
# changing the index; not one of them may fail.  A second indexer started
# while one runs exits 2 naming the lock, or waits for it with --wait.
. "$(dirname "$0")/lib.sh"

plan 4
make_stories "$T/news" 4
"$NG" --db "$T/db" index -q "$T/news"

# The writer: edits stories and updates the index, over and over.
writer() {
    local i
    for i in $(seq 1 12); do
        for f in "$T"/news/copy1/*.txt; do
            printf '\nRound %s of edits.\n' "$i" >> "$f"
        done
        "$NG" --db "$T/db" index -q --batch 10 --wait || echo "writer failed" >> "$T/errors"
    done
}
writer &
writer_pid=$!

searches=0
failed=0
while kill -0 $writer_pid 2>/dev/null; do
    for q in tariffs "rare earth" japan edits; do
        "$NG" --db "$T/db" -n 5 "$q" > /dev/null 2>> "$T/search-errors"
        [ $? -ge 2 ] && failed=$((failed + 1))
        searches=$((searches + 1))
    done
done
wait $writer_pid
diag "$searches searches while indexing"
if [ -s "$T/search-errors" ]; then
    sort "$T/search-errors" | uniq -c | head -n 5 | while read -r line; do
        diag "$line"
    done
fi
check "no search failed ($failed of $searches)" test "$failed" -eq 0 -a "$searches" -gt 20
check "every index run succeeded" test ! -e "$T/errors"

# A second writer while a first holds the lock: the first is paused
# (SIGSTOP) in the middle of a build of many stories.
make_stories "$T/big" 12
"$NG" --db "$T/db2" index -q "$T/big" &
first=$!
sleep 0.3
kill -STOP $first
"$NG" --db "$T/db2" index -q "$T/big" 2> "$T/second.err"
status=$?
check "a second indexer exits 2 naming the lock (exit $status)" \
    sh -c "[ $status -eq 2 ] && grep -q flintlock '$T/second.err'"
"$NG" --db "$T/db2" index -q --wait "$T/big" 2> /dev/null &
second=$!
sleep 0.5
waiting=no
kill -0 $second 2>/dev/null && waiting=yes
kill -CONT $first
wait $first
wait $second
status=$?
check "with --wait it waits (waiting: $waiting), then succeeds (exit $status)" \
    test "$waiting" = yes -a "$status" -eq 0
finish
