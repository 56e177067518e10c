#!/usr/bin/env bash
# tests/memcheck/suite.sh BUILD_DIR [TEST...] - the ctest suite under
# valgrind memcheck (run.sh --suite, scripts/dev memcheck --suite).
#
# Each ctest test (default: all but the quality measurements, the most
# valuable first; or the named ones) runs under valgrind with the
# environment ctest gives it, except that GAZETTE_BINARY_DIR names a
# wrapper tree: its bin/ holds, for every program of BUILD_DIR/bin, a
# script that execs valgrind on the real one (tu_binary() finds the
# programs there), so that every gazette-index, gazette-query, gen_corpus
# or rel_eval a test starts runs under memcheck too. Exit codes and
# signals pass through unchanged (no --error-exitcode), so the tests'
# own assertions still hold; the verdict comes from the logs, one per
# process, in BUILD_DIR/memcheck-suite/TEST/logs/PROGRAM.PID.log.
#
# The cases that cannot run under valgrind are skipped through
# $GAZETTE_TEST_SKIP (TU_SKIP_IF_LISTED in the test) and listed, with the
# reason, in EXCLUDED below and in docs/reliability.md.
#
# At most 2 tests at once ($MEMCHECK_JOBS), niced; each is stopped after
# $MEMCHECK_TIMEOUT seconds (default 2400). Exit 1 when any process had
# a memcheck error or a definite or indirect leak, or a test failed.
set -uo pipefail

build=$(cd "${1:?usage: suite.sh BUILD_DIR [TEST...]}" && pwd)
shift
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$build/memcheck-suite
jobs=${MEMCHECK_JOBS:-2}
limit=${MEMCHECK_TIMEOUT:-2400}

# Cases skipped under valgrind: "TEST CASE REASON". A case named "*" is
# the whole ctest test.
EXCLUDED=(
"test_faults test_allocation_failures the test wraps malloc itself to fail the n-th allocation; valgrind replaces malloc, so the wrapper never counts one (and the sampling divides by that zero count)"
"test_faults test_descriptor_exhaustion_api valgrind refuses a setrlimit that changes the hard descriptor limit (EPERM), so the child never runs short of descriptors"
"test_safety test_descriptor_exhaustion_is_74 ulimit -n 4 to 14: valgrind itself cannot start with so few descriptors (its launcher exits 2 or 127)"
"test_formats test_html_deep_nesting 100 000 repeated flat tags take longer than the HTML reader's CPU budget (7 s per page) under valgrind, so the page is skipped instead of read"
"test_hostile test_html_time_budget a page that fits the CPU budget the test sets (5 s) takes longer under valgrind"
"test_shards test_huge_line_memory_is_bounded measures the peak RSS of the real binary (valgrind's shadow memory multiplies it)"
"cron_doc * runs an installed copy (cmake --install) of the programs in cron's environment (env -i), outside the wrapper tree; a shell script, no code of ours in-process"
)

# Most valuable first (the long ones start early); test_threads last.
ORDER=(test_incremental_j1 test_full_j1 test_api test_query test_e2e
       test_safety test_hostile test_formats test_entities test_newsroom
       test_remote test_scale test_faults test_shards)
LAST=(test_threads)

# shellcheck disable=SC2054  # the commas are in option values
VALGRIND=(valgrind --tool=memcheck --leak-check=full
          --show-leak-kinds=definite,indirect
          --errors-for-leak-kinds=definite,indirect --num-callers=30
          --suppressions="$src/tests/memcheck/xapian.supp")

# The wrapper tree: $out/wrap/bin/NAME for every program of $build/bin.
# Each wrapper logs to $GAZETTE_MEMCHECK_LOGS (set per test).
make_wrappers() {
    local f name
    mkdir -p "$out/wrap/bin"
    for f in "$build"/bin/*; do
        [ -f "$f" ] && [ -x "$f" ] || continue
        name=$(basename "$f")
        {
            echo '#!/bin/sh'
            printf 'exec'
            printf " '%s'" "${VALGRIND[@]}"
            printf " --log-file=\"\${GAZETTE_MEMCHECK_LOGS:?}/%s.%%p.log\"" "$name"
            printf " '%s' \"\$@\"\n" "$f"
        } >"$out/wrap/bin/$name"
        chmod +x "$out/wrap/bin/$name"
    done
}

# The ctest tests as lines of fields NAME LABELS DISABLED DIR COMMAND ENV
# separated by US (\x1f: a tab is blank to `read`, so empty fields would
# vanish), COMMAND and ENV quoted for eval.
list_tests() {
    (cd "$build" && ctest --show-only=json-v1) | jq -r '
      .tests[] | (reduce (.properties // [])[] as $p ({}; .[$p.name] = $p.value)) as $pr
      | [.name, (($pr.LABELS // []) | join(",")), ($pr.DISABLED // false | tostring),
         ($pr.WORKING_DIRECTORY // "."), ((.command // []) | @sh),
         (($pr.ENVIRONMENT // []) | @sh)] | join("\u001f")'
}

# Cases of test $1 skipped under valgrind (blank-separated), and whether
# the whole test is (prints "*").
skipped_cases() {
    local e t c list=""
    for e in "${EXCLUDED[@]}"; do
        read -r t c _ <<<"$e"
        [ "$t" = "$1" ] && list="$list $c"
    done
    echo "${list# }"
}

# Scan the logs of one test: prints "PROCS NOSUMMARY ERRORS DEFBYTES
# INDBYTES SUPPRESSED SUPPBYTES SIGNALS". A process with no ERROR
# SUMMARY was killed (the SIGKILL tests) or exec'd another program; any
# error it reported before is still counted.
scan_logs() {
    awk '
      FNR == 1 { procs++; if (NR > 1) finish() ; summary = 0; errs = 0 }
      /== ERROR SUMMARY:/ { summary = 1; n = $0; sub(/.*SUMMARY: /, "", n);
          e = n + 0; sub(/.*suppressed: /, "", n); s = n + 0; }
      /== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function|.* are (definitely|indirectly) lost)/ { errs++ }
      /==  *definitely lost:/ { b = $0; sub(/.*lost: /, "", b); gsub(/,/, "", b); def += b + 0 }
      /==  *indirectly lost:/ { b = $0; sub(/.*lost: /, "", b); gsub(/,/, "", b); ind += b + 0 }
      /==  *suppressed: [0-9,]* bytes/ { b = $0; sub(/.*suppressed: /, "", b); gsub(/,/, "", b); sb += b + 0 }
      /Process terminating with default action of signal/ { sig++ }
      function finish() {
          if (summary) { errors += e; supp += s } else { nosum++; errors += errs }
      }
      END { if (procs) finish();
            printf "%d %d %d %d %d %d %d %d\n", procs, nosum, errors, def, ind, supp, sb, sig }
    ' "$@" /dev/null
}

# Run ctest test $1 (its line from list_tests in $2) under valgrind;
# writes $out/$1/result and prints its summary line.
run_test() {
    local name=$1 line=$2 labels disabled dir cmd envs skip
    IFS=$'\x1f' read -r name labels disabled dir cmd envs <<<"$line"
    local -a command environment
    eval "command=($cmd)"
    eval "environment=($envs)"
    skip=$(skipped_cases "$name")
    local t=$out/$name
    rm -rf "$t"
    mkdir -p "$t/logs"
    chmod 1777 "$t/logs"   # programs some tests run as nobody log there too
    local start=$SECONDS rc
    (
        cd "$dir" || exit 125
        for e in "${environment[@]}"; do export "${e?}"; done
        export GAZETTE_BINARY_DIR="$out/wrap" GAZETTE_MEMCHECK_LOGS="$t/logs" \
               GAZETTE_TEST_SKIP="$skip"
        exec timeout -k 30 "$limit" nice -n 10 "${VALGRIND[@]}" \
            --log-file="$t/logs/$name.%p.log" "${command[@]}"
    ) >"$t/output.txt" 2>&1
    rc=$?
    local secs=$((SECONDS - start))
    read -r procs nosum errors def ind supp sb sig < <(
        shopt -s nullglob; scan_logs "$t"/logs/*.log)
    [ "$procs" -gt 0 ] || errors=1   # valgrind never started: not clean
    local verdict=ok
    [ "$errors" -ne 0 ] || [ "$def" -ne 0 ] || [ "$ind" -ne 0 ] && verdict=MEMCHECK
    [ "$rc" -ne 0 ] && verdict="$verdict,TEST-FAILED(exit $rc)"
    [ "$rc" -eq 124 ] && verdict="$verdict,TIMEOUT"
    local skipped=""
    [ -n "$skip" ] && skipped=" skipped: $skip"
    printf '%s\t%s\t%ss\t%s processes (%s without summary)\t%s errors\tdefinitely lost %s B, indirectly %s B\tsuppressed %s errors, %s B\t%s fatal signals%s\n' \
        "$verdict" "$name" "$secs" "$procs" "$nosum" "$errors" "$def" "$ind" \
        "$supp" "$sb" "$sig" "$skipped" | tee "$t/result"
}

main() {
    command -v valgrind >/dev/null && command -v jq >/dev/null \
        || { echo "suite.sh: needs valgrind and jq" >&2; exit 2; }
    mkdir -p "$out"
    rm -rf "$out/wrap"
    make_wrappers
    declare -A lines=()
    local name labels disabled rest e t c r
    local -a names=()
    while IFS=$'\x1f' read -r name labels disabled rest; do
        lines[$name]="$name"$'\x1f'"$labels"$'\x1f'"$disabled"$'\x1f'"$rest"
        [ "$disabled" = true ] && continue
        [[ ",$labels," == *,quality,* ]] && continue
        names+=("$name")
    done < <(list_tests)
    # The order: the named tests, or ORDER, the rest, LAST.
    local -a todo=()
    if [ $# -gt 0 ]; then
        todo=("$@")
    else
        for name in "${ORDER[@]}" "${names[@]}" "${LAST[@]}"; do
            [[ " ${todo[*]} " == *" $name "* ]] && continue
            [[ " ${names[*]} " == *" $name "* ]] || continue
            # LAST ones only once everything else is queued
            [[ " ${LAST[*]} " == *" $name "* ]] &&
                [ ${#todo[@]} -lt $((${#names[@]} - ${#LAST[@]})) ] && continue
            todo+=("$name")
        done
    fi
    echo "memcheck suite: ${#todo[@]} tests, $jobs at a time, logs in $out"
    for e in "${EXCLUDED[@]}"; do
        read -r t c r <<<"$e"
        if [ "$c" = "*" ]; then echo "excluded  $t (whole test): $r"
        else echo "excluded  $t: $c: $r"; fi
    done
    for name in "${todo[@]}"; do
        [ -n "${lines[$name]:-}" ] || { echo "no such test: $name" >&2; continue; }
        [ "$(skipped_cases "$name")" = "*" ] && continue
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
        run_test "$name" "${lines[$name]}" &
    done
    wait
    local failed=0 total=0
    local -a results=()
    for name in "${todo[@]}"; do
        [ -f "$out/$name/result" ] || continue
        results+=("$out/$name/result")
        total=$((total + 1))
        [ "$(cut -f1 "$out/$name/result")" = ok ] || failed=$((failed + 1))
    done
    awk -F'\t' '{ split($4, p, " "); procs += p[1]; split($5, e, " "); errs += e[1]
                  split($6, l, " "); def += l[3]; ind += l[6]
                  split($7, s, " "); supp += s[2]; sb += s[4] }
                END { printf "memcheck suite: %d processes, %d errors (leak errors included), definitely lost %d B, indirectly %d B, suppressed %d errors (%d B)\n", procs, errs, def, ind, supp, sb }' \
        "${results[@]}" /dev/null
    echo "memcheck suite: $total tests, $failed not clean"
    [ "$failed" -eq 0 ]
}

main "$@"
