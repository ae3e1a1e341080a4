# Bad input mixed into a corpus of good stories: each is handled without a
# crash and without stopping the run, every good story is indexed, and the
# run ends with the list of what was skipped or repaired and why, and exit
# status 3 (something was skipped).
. "$(dirname "$0")/lib.sh"

plan 21
news=$T/news
mkdir -p "$news"
cp "$CORPUS"/*.txt "$news/"
good=$(ls "$CORPUS"/*.txt | wc -l)

printf 'Broken Bytes\n\nA caf\xc3\xa9 with a broken \xff\xfe byte in otter text.\n' > "$news/invalid-utf8.txt"
printf 'Latin One\n\nUn caf\xe9 cr\xe8me for the ocelot.\n' > "$news/latin1.txt"
printf 'Nul Bytes\n\nA pangolin\0 with\0 nul bytes.\n' > "$news/nul.txt"
head -c 20000 /dev/urandom > "$news/binary.txt"
printf '\0\0\0\0' >> "$news/binary.txt"
: > "$news/empty.txt"
ln -s /proc/self/mem "$news/unreadable.txt"
ln -s loop-b.txt "$news/loop-a.txt"
ln -s loop-a.txt "$news/loop-b.txt"
ln -s . "$news/folder-loop"
printf 'Zipped Story\n\nA gzipped paragraph about quokkas.\n' | gzip > "$news/zipped.txt.gz"
printf 'Cut Story\n\nThis one is cut short about wombats.\n' | gzip | head -c 30 > "$news/truncated.txt.gz"
printf '<html><head><title>Loose Page</title></head><body><p>An unclosed <b>lemur paragraph<p>Another &amp; more' > "$news/malformed.html"
printf '<?xml version="1.0"?><rss><channel><item><title>Item</title><description>A narwhal item' > "$news/broken-feed.xml"
cat > "$news/items.rss" <<'FEED'
<?xml version="1.0"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Bare Item</title><description>&lt;p&gt;An item about axolotls, with no link nor date.&lt;/p&gt;</description></item>
</channel></rss>
FEED
printf '{"id": "j1", "title": "Good Line", "text": "A capybara line."}\n{"id": "j2", "text": broken\n{"title": "No id", "text": "x"}\n{"id": 3, "text": "A tapir line."}\n' > "$news/lines.jsonl"
# A 100 MB file without a newline.
head -c 100000000 /dev/zero | tr '\0' 'a' > "$news/huge.txt"

# Runs the indexer, following its peak memory (VmHWM) while it runs.
"$NG" --db "$T/db" index "$news" > "$T/out" 2> "$T/err" &
pid=$!
peak=0
while kill -0 $pid 2>/dev/null; do
    hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status 2>/dev/null)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    sleep 0.05
done
wait $pid
status=$?
diag "peak memory $((peak / 1024)) MB"
sed 's/^/# /' "$T/err"

check "the run ends with exit 3: something was skipped (exit $status)" test $status -eq 3
# names FILE REASON: the final list names FILE with REASON.
names() { grep -q "'$news/$1': .*$2" "$T/err"; }
check "binary file skipped" names binary.txt "binary"
check "empty file skipped" names empty.txt "empty"
check "unreadable file skipped" names unreadable.txt "cannot read"
check "link loop skipped" names loop-a.txt "symbolic links"
check "truncated gzip skipped" names truncated.txt.gz "truncated gzip"
check "broken JSON line named" names lines.jsonl "line 2"
check "invalid UTF-8 repaired and said so" names invalid-utf8.txt "repaired"
check "the 100 MB file is read in bounded memory (peak $((peak / 1024)) MB)" \
    test "$peak" -gt 0 -a "$peak" -lt 1000000

finds() { "$NG" --db "$T/db" "$1" > /dev/null 2>&1; }
check "every good story is indexed" \
    sh -c "'$NG' --db '$T/db' stats | grep -q 'stories: *$((good + 10))'"
check "repaired and Latin-1 text is searchable" sh -c "'$NG' --db '$T/db' otter >/dev/null && '$NG' --db '$T/db' ocelot >/dev/null && '$NG' --db '$T/db' pangolin >/dev/null"
check "gzip story indexed" finds quokkas
check "malformed HTML recovered" finds lemur
check "good JSON lines indexed" sh -c "'$NG' --db '$T/db' capybara >/dev/null && '$NG' --db '$T/db' tapir >/dev/null"
check "feed item without link or date indexed" finds axolotls
check "a search still works" finds tariffs

# Folders that vanish while the indexer walks them: whether it meets them
# or not, it must neither crash nor stop, and the stories that stay are
# all indexed.
mkdir -p "$T/vanish/kept"
cp "$CORPUS"/*.txt "$T/vanish/kept/"
for i in $(seq 1 400); do
    mkdir -p "$T/vanish/gone$i/deeper"
    printf 'Passing Story %s\n\nA story that will vanish.\n' "$i" > "$T/vanish/gone$i/deeper/s.txt"
done
"$NG" --db "$T/db2" index "$T/vanish" > /dev/null 2> "$T/vanish.err" &
pid=$!
for i in $(seq 1 400); do rm -rf "$T/vanish/gone$i"; done
wait $pid
status=$?
check "folders vanishing during the scan: no crash, no stop (exit $status)" \
    test $status -eq 0 -o $status -eq 3
"$NG" --db "$T/db2" index -q "$T/vanish" 2> /dev/null
check "and after one more run the index holds just the stories that stayed" \
    sh -c "'$NG' --db '$T/db2' stats | grep -q 'stories: *$good\$'"

# A folder that cannot be read on a later run: its stories were not seen,
# but not because they are gone, so they stay in the index, and the rest
# is brought up to date beside it.  Root reads any folder, so as root the
# run is made without the capabilities that let it.
fold=$T/fold
mkdir -p "$fold/open" "$fold/shut"
printf 'Open Story\n\nA paragraph about dugongs.\n' > "$fold/open/a.txt"
printf 'Shut Story\n\nA paragraph about manatees.\n' > "$fold/shut/b.txt"
"$NG" --db "$T/db3" index -q "$fold" 2> /dev/null
printf 'Later Story\n\nA paragraph about sea otters.\n' > "$fold/open/c.txt"
chmod 000 "$fold/shut"
drop=
if [ "$(id -u)" -eq 0 ]; then
    drop="setpriv --inh-caps=-dac_override,-dac_read_search"
    drop="$drop --bounding-set=-dac_override,-dac_read_search"
fi
status=
if { [ -z "$drop" ] || $drop true 2> /dev/null; } &&
   ! $drop ls "$fold/shut" > /dev/null 2>&1; then
    $drop "$NG" --db "$T/db3" index -q 2> "$T/fold.err"
    status=$?
    sed 's/^/# /' "$T/fold.err"
fi
chmod 755 "$fold/shut"
if [ -n "$status" ]; then
    check "an unreadable folder is named, and the run exits 3 (exit $status)" \
        sh -c "test '$status' = 3 && grep -q \"/shut': \" '$T/fold.err'"
    check "the stories of an unreadable folder stay in the index" \
        sh -c "'$NG' --db '$T/db3' manatees > /dev/null"
    check "the other folders are brought up to date beside it" \
        sh -c "'$NG' --db '$T/db3' otters > /dev/null &&
               '$NG' --db '$T/db3' dugongs > /dev/null"
else
    for what in "unreadable folder named" "its stories kept" "others updated"; do
        ok "$what # SKIP setpriv cannot drop root's right to read any folder"
    done
fi
finish
