#!/bin/sh
# cron_doc.sh SOURCE_DIR BINARY_DIR - the crontab lines of docs/cron.md
# work when copied: install Gazette with `cmake --install` into a scratch
# prefix, then run every scheduled line of the document exactly as written
# (only /usr/local, /srv/gazette/index and /srv/archive replaced by scratch
# paths) the way cron runs it: /bin/sh -c LINE under `env -i` with cron's
# environment (PATH=/usr/bin:/bin, HOME, SHELL=/bin/sh, LOGNAME).
# Checks that a good run prints nothing (cron mails nothing) and logs a
# timed, named summary, and that a failing run prints one line naming its
# exit code. The jobs make no index (--no-create): before the first index
# is built by hand, as the document says (its ```sh lines that run the
# program), a job fails with 66 and makes nothing.
set -eu
src=$1
build=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gazette-cron-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
[ -x "$tmp/prefix/bin/gazette-index" ] || fail "nothing installed in bin/"
mkdir "$tmp/home" "$tmp/srv"
cp -r "$src/corpus/sample" "$tmp/srv/archive"

# The scheduled lines: inside ```cron blocks, not comments; the command is
# what follows the five time fields.
sed -n '/^```cron$/,/^```$/p' "$src/docs/cron.md" |
    grep -E '^[0-9*]' | sed -E 's/^([^ ]+ +){5}//' >"$tmp/lines"
[ "$(wc -l <"$tmp/lines")" -ge 2 ] || fail "fewer than two crontab lines"
# The first index, built by hand: the program's lines of ```sh blocks.
sed -n '/^```sh$/,/^```$/p' "$src/docs/cron.md" |
    grep -E '^/usr/local/bin/gazette-index ' >"$tmp/first" || true
[ "$(wc -l <"$tmp/first")" -eq 1 ] || fail "no line building the first index"

# As cron runs a job: a clean environment, the user's HOME, /bin/sh.
cron_run() {
    env -i PATH=/usr/bin:/bin HOME="$tmp/home" SHELL=/bin/sh LOGNAME=gazette \
        /bin/sh -c "$1"
}

# The paths of the document replaced by scratch ones.
scratch() {
    printf '%s\n' "$1" | sed -e "s|/usr/local|$tmp/prefix|g" \
        -e "s|/srv/gazette/index|$tmp/srv/index|g" \
        -e "s|/srv/archive|$tmp/srv/archive|g"
}

# No index yet (its disk not mounted, say): each job fails, one line naming
# 66, a timed line in the log naming the index, and makes nothing.
while IFS= read -r line; do
    out=$(cron_run "$(scratch "$line")") || true
    case "$out" in
    *"failed with exit code 66"*) ;;
    *) fail "a job without an index did not fail with 66: '$out'" ;;
    esac
    [ ! -e "$tmp/srv/index" ] && [ ! -e "$tmp/srv/index.lock" ] &&
        [ ! -e "$tmp/srv/index.d" ] || fail "a job made an index: $line"
    grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2} gazette-index: no index at $tmp/srv/index, and --no-create" \
        "$tmp/home/gazette-index.log" || fail "no line naming the index"
done <"$tmp/lines"
first=$(scratch "$(cat "$tmp/first")")
env -i PATH=/usr/bin:/bin HOME="$tmp/home" /bin/sh -c "$first" >/dev/null ||
    fail "the first index was not built: $first"

n=0
while IFS= read -r line; do
    n=$((n + 1))
    cmd=$(scratch "$line")
    case "$cmd" in
    *"$tmp/prefix/bin/gazette-index"*) ;;
    *) fail "line $n does not run the installed program: $line" ;;
    esac
    # A good run: cron would mail nothing; the log holds the summary.
    out=$(cron_run "$cmd") || fail "line $n: the shell failed: $out"
    [ -z "$out" ] || fail "line $n printed on a good run: $out"
    grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2} scanned [1-9][0-9]*, .*, index $tmp/srv/index, corpus $tmp/srv/archive\$" \
        "$tmp/home/gazette-index.log" || fail "line $n: no summary in the log"
    # A failing run (the archive is gone): one line naming the exit code,
    # and a timed error line in the log.
    mv "$tmp/srv/archive" "$tmp/srv/away"
    out=$(cron_run "$cmd") || true
    mv "$tmp/srv/away" "$tmp/srv/archive"
    case "$out" in
    *"failed with exit code 66"*) ;;
    *) fail "line $n did not report the failure: '$out'" ;;
    esac
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "line $n: $out"
    grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2} gazette-index: corpus .*/srv/archive: No such file' \
        "$tmp/home/gazette-index.log" || fail "line $n: no timed error line"
done <"$tmp/lines"
"$tmp/prefix/bin/gazette-query" --db "$tmp/srv/index" gaza >/dev/null ||
    fail "the index built by cron does not answer"
echo "cron_doc: $n crontab lines of docs/cron.md work as written"
