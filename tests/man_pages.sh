#!/bin/sh
# man_pages.sh SOURCE_DIR - every man page of docs/ renders without a
# warning from groff (-ww: all of them) on each device man uses: utf8 in
# a UTF-8 locale, ascii in the C locale (LC_ALL=C, cron, a minimal
# container), latin1 in a Latin-1 one; and holds no byte beyond ASCII.
# Characters beyond ASCII are written as \[uXXXX]: groff reads its input
# as Latin-1 unless preconv runs first, so a raw UTF-8 byte was an
# "invalid input character" (or, without a warning, a wrong letter) to it.
# A device lacking such a character drops it with a warning, so each page
# names the ones it uses in .GZ_FALLBACK, which prints <U+XXXX> instead.
# Without groff (the Debian package groff-base, which scripts/dev
# installs) the test is skipped (77), unless CI=true, where it fails.
set -eu
src=$1
if ! command -v groff >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL: groff is missing (CI=true)" >&2
        exit 1
    fi
    echo "SKIP: groff is absent (Debian package groff-base)" >&2
    exit 77
fi
status=0
n=0
for page in "$src"/docs/*.[1-9]; do
    [ -e "$page" ] || continue
    n=$((n + 1))
    # groff takes a UTF-8 letter of the Latin range ("ü") for two
    # Latin-1 ones, without a warning: any byte beyond ASCII is one
    high=$(LC_ALL=C grep -n "$(printf '[\200-\377]')" "$page" || true)
    if [ -n "$high" ]; then
        printf 'FAIL: %s: not ASCII (write \\[uXXXX]):\n%s\n' "$page" \
            "$high" >&2
        status=1
    fi
    for dev in utf8 ascii latin1; do
        warnings=$(groff -ww -man -T$dev -z "$page" 2>&1) || {
            echo "FAIL: groff -T$dev could not render $page: $warnings" >&2
            status=1
            continue
        }
        if [ -n "$warnings" ]; then
            printf 'FAIL: %s (-T%s; a character beyond ASCII missing from .GZ_FALLBACK?):\n%s\n' \
                "$page" "$dev" "$warnings" >&2
            status=1
        fi
    done
done
# The example of exit status 141 must give it: --help (or --version) piped
# to head -1 mostly exits 0, its output fitting in the pipe, so none of
# the man pages, --help texts or README gives that as one.
racy=$(grep -n -e '\\-\\-help *| *head' -e '\\-\\-version *| *head' \
           -e '--help *| *head' -e '--version *| *head' \
           "$src"/docs/*.[1-9] "$src"/cli/*.c "$src"/README.md || true)
if [ -n "$racy" ]; then
    printf 'FAIL: --help or --version piped to head as an example (of exit 141?): it mostly exits 0:\n%s\n' "$racy" >&2
    status=1
fi
# Nor may a run piped to head be the example of exit status 74 (standard
# output that cannot be written): head may read everything before it
# exits, and the run exits 0; '> /dev/full' gives 74 every time.
racy=$(grep -n -E 'gazette\\?-index[^|`;,()]{0,40}\\?\| *head' \
           "$src"/docs/*.[1-9] "$src"/docs/*.md "$src"/cli/*.c \
           "$src"/README.md || true)
if [ -n "$racy" ]; then
    printf 'FAIL: gazette-index piped to head as an example (of exit 74?): it may exit 0:\n%s\n' "$racy" >&2
    status=1
fi
# Each page's footer names the version project() gives (a page left at
# an older one, or at none, read as another release's).
version=$(sed -n 's/^project(Gazette VERSION \([0-9.]*\).*/\1/p' \
              "$src/CMakeLists.txt")
for page in "$src"/docs/*.[1-9]; do
    [ -e "$page" ] || continue
    if ! head -n 1 "$page" | grep -q "^\.TH .* \"Gazette $version\" "; then
        printf 'FAIL: %s: .TH does not name "Gazette %s": %s\n' "$page" \
            "$version" "$(head -n 1 "$page")" >&2
        status=1
    fi
done
# README's account of `scripts/dev test` ("Tests and data") names each
# stage its test_all runs: it once left out the fuzzing that ends it.
# Each pair is what marks the stage in scripts/dev, then in README.
steps=$(sed -n '/^test_all() {/,/^}/p' "$src/scripts/dev")
said=$(tr '\n' ' ' <"$src/README.md" |
       sed -n 's/.*`scripts\/dev test` builds\(.*\)Correctness tests.*/\1/p')
for pair in 'run_tests build-release:`ctest`' 'build-asan:AddressSanitizer' \
            'build-tsan:ThreadSanitizer' \
            'tests/install/check.sh:tests/install/check.sh' \
            'fuzz_run:libFuzzer'; do
    step=${pair%%:*} words=${pair#*:}
    if printf '%s' "$steps" | grep -qF -- "$step" &&
       ! printf '%s' "$said" | grep -qF -- "$words"; then
        printf 'FAIL: README.md: `scripts/dev test` runs %s, which its paragraph does not name (%s)\n' \
            "$step" "$words" >&2
        status=1
    fi
done
# README's Layout row for docs/ names every page there (it once left out
# docs/scaling.md), as that table is where a reader looks for them.
row=$(grep '^| `docs/` |' "$src/README.md" || true)
for page in "$src"/docs/*.md; do
    name=docs/${page##*/}
    case "$row" in
    *"\`$name\`"*) ;;
    *)
        printf 'FAIL: README.md: the Layout row of docs/ does not name %s\n' \
            "$name" >&2
        status=1 ;;
    esac
done
# Each program's --help lists the exit statuses its man page does, in
# the same order (gazette-index's signals were 130 141 129 143 in one
# and 130 129 141 143 in the other). The --help text is the string
# literal from "Exit status:" in cli/gazette_TOOL.c; the man page's are
# the tags (.B N) of EXIT STATUS.
for tool in index query; do
    in_help=$(awk '/^"Exit status:\\n"/ { on = 1; next }
                   on && !/^"/ { exit }
                   on && match($0, /^"  [0-9]+ /) {
                       printf "%s ", substr($0, 4, RLENGTH - 4) }' \
                  "$src/cli/gazette_$tool.c")
    in_man=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' \
                 "$src/docs/gazette-$tool.1" |
             awk 'tag && /^\.B [0-9]+$/ { printf "%s ", $2 } { tag = /^\.TP/ }')
    if [ -z "$in_help" ] || [ "$in_help" != "$in_man" ]; then
        printf 'FAIL: gazette-%s: --help lists exit statuses "%s", gazette-%s(1) "%s"\n' \
            "$tool" "$in_help" "$tool" "$in_man" >&2
        status=1
    fi
done
if [ "$n" -eq 0 ]; then
    echo "FAIL: no man page in $src/docs" >&2
    exit 1
fi
exit $status
