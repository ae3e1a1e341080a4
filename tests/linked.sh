# An index reached through a symbolic link to its folder (on another disk,
# say): a first build over several threads, a compaction and a rebuild
# each swap the folder itself, so the link stays a link, the index stays
# where it points, and nothing is left beside either.
. "$(dirname "$0")/lib.sh"

plan 5
make_stories "$T/news" 3
mkdir -p "$T/disk/index"
ln -s "$T/disk/index" "$T/link"

# intact: the link is still a link to the folder, which holds the index,
# and no copy, partial index or rebuild is left beside either.
intact() {
    [ -L "$T/link" ] && [ -e "$T/disk/index/iamglass" ] &&
        ! ls -d "$T"/link.* "$T"/disk/index.* > /dev/null 2>&1
}

"$NG" --db "$T/link" index -q --jobs 2 "$T/news"
status=$?
check "a first build in two threads through the link (exit $status)" \
    sh -c "[ $status -eq 0 ]"
check "leaves the link a link, and the index where it points" intact
"$NG" --db "$T/link" compact -q
check "a compaction through the link too" intact
if command -v xapian-metadata > /dev/null; then
    xapian-metadata set "$T/link" newsgrep.schema 2
    "$NG" --db "$T/link" index -q
    check "a rebuild of an older index through the link too" intact
else
    ok "# SKIP xapian-metadata not installed (Debian's xapian-tools)"
fi
n=$("$NG" --db "$T/link" -c tariffs)
m=$("$NG" --db "$T/disk/index" -c tariffs)
check "searches through the link and of the folder agree ($n, $m)" \
    sh -c "[ '${n:-0}' -gt 0 ] && [ '$n' = '$m' ]"
finish
