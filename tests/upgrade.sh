# An index that another version of newsgrep made (another schema): a
# search says how to rebuild it; "newsgrep index" rebuilds it from the
# roots it remembers, in its language, into the same paragraphs a fresh
# build has; a rebuild killed on the way leaves the old index as it was,
# and the next run finishes; without roots, nothing is touched.
. "$(dirname "$0")/lib.sh"

if ! command -v xapian-metadata > /dev/null; then
    echo "1..0 # SKIP xapian-metadata not installed (Debian's xapian-tools)"
    exit 0
fi

plan 11
mkdir "$T/news"
cp "$CORPUS"/*.txt "$T/news/"
"$NG" --db "$T/db" index -q "$T/news"
"$NG_DUMP" "$T/db" > "$T/fresh"
schema() { xapian-metadata get "$1" newsgrep.schema; }
now_schema=$(schema "$T/db")
xapian-metadata set "$T/db" newsgrep.schema 2

"$NG" --db "$T/db" tariffs > /dev/null 2> "$T/err"
status=$?
check "a search of an older index exits 2 and says to run newsgrep index" \
    sh -c "[ $status -eq 2 ] &&
           grep -q \"schema 2, not $now_schema): run 'newsgrep index' to rebuild it\" '$T/err'"

check "stats tells of the other schema" \
    sh -c "'$NG' --db '$T/db' stats | grep -q \"^schema: *2, another version's\""

# A rebuild stopped before is only a partial copy: it goes.
mkdir "$T/db.rebuild"
echo partial > "$T/db.rebuild/postlist.glass"
"$NG" --db "$T/db" index 2> "$T/err"
status=$?
check "newsgrep index rebuilds it from the folder it remembers, once (exit $status)" \
    sh -c "[ $status -eq 0 ] &&
           grep -q 'schema 2, not $now_schema): rebuilding it from the 1 folder it remembers' '$T/err' &&
           [ \"\$(grep -c ' added, ' '$T/err')\" = 1 ] &&
           [ \"\$(xapian-metadata get '$T/db' newsgrep.schema)\" = '$now_schema' ]"
"$NG_DUMP" "$T/db" > "$T/rebuilt"
check "the rebuilt index holds the paragraphs of a fresh build" \
    cmp -s "$T/fresh" "$T/rebuilt"
# none_beside INDEX: nothing of a rebuild is left beside INDEX.
none_beside() { ! ls -d "$1".rebuild* > /dev/null 2>&1; }
check "nothing is left beside it" none_beside "$T/db"
check "it answers searches, and stats tells of no other schema" \
    sh -c "'$NG' --db '$T/db' -c tariffs > /dev/null &&
           ! '$NG' --db '$T/db' stats | grep -q '^schema:'"

# The language it was built for is kept.
"$NG" --db "$T/fr" index -q --language french "$T/news"
xapian-metadata set "$T/fr" newsgrep.schema 2
"$NG" --db "$T/fr" index -q
check "a rebuild keeps the index's language" \
    test "$(xapian-metadata get "$T/fr" newsgrep.language)" = french

# Killed on the way: the old index stays, readable; the next run finishes.
make_stories "$T/big" 12
"$NG" --db "$T/big.db" index -q "$T/big"
"$NG_DUMP" "$T/big.db" > "$T/big.fresh"
xapian-metadata set "$T/big.db" newsgrep.schema 2
"$NG" --db "$T/big.db" index -q 2> /dev/null &
pid=$!
# Killed once the rebuild has begun: its folder is there (the rebuild of
# 12 copies of the bundled stories takes about a second).
for i in $(seq 1 1000); do
    [ -e "$T/big.db.rebuild" ] && break
    sleep 0.01
done
kill -9 $pid
wait $pid 2> /dev/null
check "a rebuild killed on the way leaves the old index as it was" \
    sh -c "[ \"\$(xapian-metadata get '$T/big.db' newsgrep.schema)\" = 2 ] &&
           '$NG_DUMP' '$T/big.db' | cmp -s - '$T/big.fresh'"
"$NG" --db "$T/big.db" index -q
rebuilt_big() {
    [ "$(schema "$T/big.db")" = "$now_schema" ] &&
        "$NG_DUMP" "$T/big.db" | cmp -s - "$T/big.fresh" &&
        none_beside "$T/big.db"
}
check "the next run rebuilds it, and leaves nothing beside it" rebuilt_big

# A folder it remembers is gone: rebuilt, the index would lose its stories,
# which only the old index still holds; it is left as it was.
mkdir "$T/gone"
cp "$CORPUS"/2025-06-05-trump-xi-call.txt "$T/gone/"
"$NG" --db "$T/two" index -q "$T/news" "$T/gone"
"$NG_DUMP" "$T/two" > "$T/two.before"
rm -r "$T/gone"
xapian-metadata set "$T/two" newsgrep.schema 2
"$NG" --db "$T/two" index 2> "$T/err"
status=$?
kept_two() {
    [ $status -eq 2 ] && grep -q "'$T/gone', a folder it remembers, cannot be read" "$T/err" &&
        [ "$(schema "$T/two")" = 2 ] && "$NG_DUMP" "$T/two" | cmp -s - "$T/two.before" &&
        none_beside "$T/two"
}
check "with a remembered folder gone it exits 2 and leaves the index (exit $status)" kept_two

# An older index that remembers no folder cannot be rebuilt: it is left.
xapian-metadata set "$T/db" newsgrep.schema 2
xapian-metadata set "$T/db" newsgrep.roots ""
"$NG" --db "$T/db" index 2> "$T/err"
status=$?
check "without remembered folders it exits 2 and leaves the index (exit $status)" \
    sh -c "[ $status -eq 2 ] && grep -q 'remembers no folders' '$T/err' &&
           [ \"\$(xapian-metadata get '$T/db' newsgrep.schema)\" = 2 ]"
finish
