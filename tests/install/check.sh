#!/usr/bin/env bash
# tests/install/check.sh - build Gazette as a packager would (Debian's
# build flags, a plain Release configure with prefix /usr, then -Werror),
# check that a plain configure without cmocka leaves the tests out (and
# that CI or an explicit request fails instead), install it into a scratch
# prefix and into a DESTDIR, and check what an outside project sees: the
# layout, the exported symbols, pkg-config (shared and static, and for a
# /usr install no -I or -L), find_package(Gazette), C and C++ consumers,
# man pages, programs that run from the prefix on the installed library
# (through their RUNPATH; a /usr install and CMAKE_SKIP_INSTALL_RPATH have
# none), the hardening Debian's flags ask for, the public header alone, and
# a libgazette.a built with Debian's LTO flags (GCC's, and clang's
# -flto=thin) that a program built without LTO links.
#   tests/install/check.sh [--build-only] [BUILD-DIR]
#                         (default: build-release; its CMake cache is made
#                         anew). --build-only stops after the packager's
#                         build: scripts/dev test runs ctest in that tree
#                         first, so the whole check later builds nothing
#                         again.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_ONLY=
if [ "${1:-}" = --build-only ]; then BUILD_ONLY=1; shift; fi
BUILD=${1:-$ROOT/build-release}
JOBS=$(nproc 2>/dev/null || echo 2)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gazette-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix
fails=0
ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; fails=$((fails + 1)); }
# check WHAT COMMAND...: ok, or FAIL with the compiler's complaints (else
# the first lines of the output).
check() {
    local what=$1; shift
    if "$@" >"$WORK/out" 2>&1; then ok "$what"; return; fi
    bad "$what"
    { grep -E '(error|warning):' "$WORK/out" || head -20 "$WORK/out"; } | head -20 | sed 's/^/     /'
}

# 1. A packager's build, as dh_auto_configure makes it: Debian's build
#    flags (dpkg-buildflags with all hardening, run from the source tree as
#    in a package build; CPPFLAGS, which CMake does not read, added to
#    CFLAGS and CXXFLAGS: -D_FORTIFY_SOURCE=2 makes glibc's
#    warn_unused_result functions warn), a plain Release configure from a
#    fresh cache with prefix /usr; then the same, everything the plain
#    build builds (the tests too), warning-free with -Werror (our own bar).
if ! command -v dpkg-buildflags >/dev/null; then
    echo "install check: dpkg-buildflags missing (Debian: dpkg-dev; scripts/dev deps installs it)" >&2
    exit 1
fi
DEB_ENV=()
for v in CFLAGS CXXFLAGS CPPFLAGS LDFLAGS; do
    DEB_ENV+=("$v=$(cd "$ROOT" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$v")")
done
DEB_ENV[0]+=" ${DEB_ENV[2]#CPPFLAGS=}"
DEB_ENV[1]+=" ${DEB_ENV[2]#CPPFLAGS=}"
check "plain Release configure, Debian's build flags" env "${DEB_ENV[@]}" \
    cmake -S "$ROOT" -B "$WORK/packager" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
check "Debian's build flags in use" grep -q '^CMAKE_CXX_FLAGS:.*-D_FORTIFY_SOURCE=2' "$WORK/packager/CMakeCache.txt"
# BUILD gets the same configure with -Werror at once: a configure without
# it first would rewrite every flags.make, and so rebuild everything that
# --build-only built before.
rm -f "$BUILD/CMakeCache.txt"
check "Release build with -Werror" bash -c "env ${DEB_ENV[*]@Q} cmake -S '$ROOT' -B '$BUILD' \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DGAZETTE_WERROR=ON >/dev/null \
    && cmake --build '$BUILD' -j $JOBS"
if [ -n "$BUILD_ONLY" ]; then
    [ "$fails" -eq 0 ] && echo "install check: the packager's build is in $BUILD"
    exit $((fails > 0))
fi

# 1b. Without cmocka (pkg-config made blind to it) a plain configure leaves
#     the tests out and says so; CI=true, GAZETTE_TESTS=ON (scripts/dev)
#     fail instead. BUILD_TESTING=OFF leaves them out though cmocka is
#     there. Configure only: the build above built everything else.
mkdir "$WORK/pc-no-cmocka"
IFS=: read -ra pcdirs <<<"$(pkg-config --variable pc_path pkg-config)"
for d in "${pcdirs[@]}"; do
    [ -d "$d" ] && cp -n "$d"/*.pc "$WORK/pc-no-cmocka/" 2>/dev/null || true
done
rm -f "$WORK/pc-no-cmocka/cmocka.pc"
CFG=$WORK/configure
NO_CMOCKA="PKG_CONFIG_LIBDIR='$WORK/pc-no-cmocka' cmake -S '$ROOT' -B '$CFG'"
check "plain Release configure without cmocka: no tests, a warning" bash -c \
    "env -u CI $NO_CMOCKA -DCMAKE_BUILD_TYPE=Release >'$WORK/cfg.log' 2>&1 \
     && grep -q 'cmocka not found: the tests are not built' '$WORK/cfg.log' && [ ! -d '$CFG/tests' ]"
check "CI=true without cmocka fails" bash -c \
    "! env CI=true $NO_CMOCKA >'$WORK/cfg.log' 2>&1 \
     && grep -q 'the tests need cmocka' '$WORK/cfg.log'"
check "GAZETTE_TESTS=ON without cmocka fails" bash -c \
    "! env -u CI $NO_CMOCKA -DGAZETTE_TESTS=ON >'$WORK/cfg.log' 2>&1 \
     && grep -q 'the tests need cmocka' '$WORK/cfg.log'"
check "BUILD_TESTING=OFF leaves the tests out" bash -c \
    "CI=true cmake -S '$ROOT' -B '$CFG' -DGAZETTE_TESTS=AUTO -DBUILD_TESTING=OFF >/dev/null && [ ! -d '$CFG/tests' ]"
# LIBRARY_PATH adds to the compiler's link directories, which the install
# takes as the dynamic linker's when it drops the programs' RUNPATH
# (cli/CMakeLists.txt); ld.so does not read it: a ~/.local/lib there
# must not cost a ~/.local install its RUNPATH. Configure only: the list
# the install script compares with is read from it.
check "LIBRARY_PATH's directories are not taken as the dynamic linker's" bash -c \
    "rm -rf '$CFG' && mkdir -p '$WORK/home/.local/lib' && LIBRARY_PATH='$WORK/home/.local/lib:/usr/lib/$(gcc -print-multiarch)' \
         cmake -S '$ROOT' -B '$CFG' -DBUILD_TESTING=OFF >/dev/null \
     && grep '^set(gazette_rpath_system ' '$CFG/cli/cmake_install.cmake' >'$WORK/sys' \
     && ! grep -qF '$WORK/home/.local/lib' '$WORK/sys' \
     && grep -qF '/usr/lib/$(gcc -print-multiarch)' '$WORK/sys'"
check "cmake --install" cmake --install "$BUILD" --prefix "$PREFIX"
check "cmake --install to /usr in a DESTDIR" env DESTDIR="$WORK/root" cmake --install "$BUILD"

# 2. The layout.
LIBDIR=lib   # GNUInstallDirs: lib, or lib/<multiarch> under /usr
for d in "$PREFIX"/lib/*/pkgconfig; do [ -d "$d" ] && LIBDIR=${d#"$PREFIX"/} && LIBDIR=${LIBDIR%/pkgconfig}; done
for f in bin/gazette-index bin/gazette-query include/gazette.h \
         "$LIBDIR/libgazette.so" "$LIBDIR/libgazette.so.0" "$LIBDIR/libgazette.a" \
         "$LIBDIR/pkgconfig/gazette.pc" "$LIBDIR/cmake/Gazette/GazetteConfig.cmake" \
         "$LIBDIR/cmake/Gazette/GazetteConfigVersion.cmake" \
         share/man/man1/gazette-index.1 share/man/man1/gazette-query.1 \
         share/man/man3/gazette.3 share/doc/gazette/examples/search.c \
         share/doc/gazette/examples/feed.c \
         share/doc/gazette/examples/standalone/CMakeLists.txt; do
    if [ -e "$PREFIX/$f" ]; then ok "installed $f"; else bad "missing $f"; fi
done
check "the DESTDIR install to /usr put nothing outside /usr" bash -c \
    "[ -z \"\$(find '$WORK/root' -mindepth 1 -maxdepth 1 ! -name usr)\" ] && [ -x '$WORK/root/usr/bin/gazette-query' ]"
# The documentation the man pages and --help send readers to (docs/json.md,
# the schema of --json, ...) is installed, README.md with docs/ beside it,
# in share/doc/gazette (/usr/share/doc/gazette for a /usr install).
docs_named_installed() {
    local f n=0
    for f in README.md $( { cat "$PREFIX"/share/man/man*/gazette*; "$PREFIX/bin/gazette-query" --help
                           "$PREFIX/bin/gazette-index" --help; } | grep -o 'docs/[a-z_-]*\.md' | sort -u); do
        n=$((n + 1))
        [ -f "$1/$f" ] || { echo "missing $1/$f"; return 1; }
    done
    [ "$n" -gt 3 ]   # README.md and at least json.md, search.md, cron.md
}
check "the docs the man pages and --help name are in share/doc/gazette" \
    docs_named_installed "$PREFIX/share/doc/gazette"
check "/usr install: the docs are in /usr/share/doc/gazette" \
    docs_named_installed "$WORK/root/usr/share/doc/gazette"
check "soname is libgazette.so.0" bash -c "readelf -d '$PREFIX/$LIBDIR/libgazette.so' | grep -q 'SONAME.*libgazette.so.0'"

# 3. What the libraries expose: gazette_* and nothing else.
check "libgazette.so exports only gazette_*" bash -c \
    "! nm -D --defined-only '$PREFIX/$LIBDIR/libgazette.so' | awk '{print \$3}' | grep -v -e '^gazette_' -e '^GAZETTE_0\$'"
# objcopy cannot make local the objects of GNU "unique" binding (nm's
# 'u'): the statics of inline functions and templates, thread_local
# variables of inline linkage. docs/api.md names each one libgazette.a
# keeps global; a new one (a static table in an inline function of the
# shim, say) would go unnoticed by the checks below. Change both together.
UNIQUE_DOCUMENTED='_ZZNSt19_Sp_make_shared_tag5_S_tiEvE5__tag
_ZZNSt8__detail18__to_chars_10_implIjEEvPcjT_E8__digits
_ZZNSt8__detail18__to_chars_10_implImEEvPcjT_E8__digits'
# unique_symbols_documented ARCHIVE [LIST]: the 'u' symbols of ARCHIVE are
# those of LIST, UNIQUE_DOCUMENTED by default (diff says which differ).
# clang gives no object GNU unique binding (they are weak, and made local
# like the rest): a clang-built archive's list is empty.
unique_symbols_documented() {
    diff <(nm -g --defined-only "$1" | awk '$2 == "u" {print $3}' | LC_ALL=C sort) \
         <(printf '%s' "${2-$UNIQUE_DOCUMENTED}" | LC_ALL=C sort)
}
# static_archive_checks WHAT ARCHIVE [UNIQUE]: the global symbols of
# ARCHIVE are gazette_* and the objects of unique binding above, or those
# of UNIQUE (section 8 checks LTO-built ones too).
static_archive_checks() {
    check "$1 has no global gz_/xap_ symbols" bash -c \
        "nm '$2' >'$WORK/nm' && ! grep -E ' [A-TV-Z] (gz_|xap_|_Z[A-Za-z0-9]*shim)' '$WORK/nm'"
    check "$1's global functions are gazette_*" bash -c \
        "nm --defined-only '$2' >'$WORK/nm' && ! grep -E ' T ' '$WORK/nm' | grep -v ' T gazette_'"
    check "$1's global objects of unique binding are those docs/api.md names" \
        unique_symbols_documented "$2" "${3-$UNIQUE_DOCUMENTED}"
}
static_archive_checks libgazette.a "$PREFIX/$LIBDIR/libgazette.a"

# 4. The programs: the installed library, one copy of the engine, no path
#    into a build tree, only gazette.h.
for p in gazette-index gazette-query; do
    check "$p RUNPATH is \$ORIGIN/../$LIBDIR" bash -c \
        "readelf -d '$PREFIX/bin/$p' | grep -E 'RUNPATH|RPATH' | grep -qF '[\$ORIGIN/../$LIBDIR]'"
    check "$p names no build tree" bash -c "! strings '$PREFIX/bin/$p' | grep -qF '$ROOT/build'"
    check "$p uses the installed libgazette" bash -c \
        "[ \"\$(readlink -f \"\$(ldd '$PREFIX/bin/$p' | awk '/libgazette/ {print \$3}')\")\" = \"\$(readlink -f '$PREFIX/$LIBDIR/libgazette.so.0')\" ]"
    check "$p holds no engine code of its own" bash -c \
        "! nm '$PREFIX/bin/$p' | grep -E ' [Tt] (gz_|xap_)'"
done
check "gazette-query loads no GMime, GLib or gumbo (loadlib.c loads them for mail and HTML)" bash -c \
    "! ldd '$PREFIX/bin/gazette-query' | grep -e gmime -e glib -e gobject -e gumbo"
check "the programs include only gazette.h and cli.h" bash -c \
    "! grep -h '^#include \"' '$ROOT'/cli/*.c '$ROOT'/cli/*.h | grep -v -e '\"gazette.h\"' -e '\"cli.h\"'"
check "installed gazette-index indexes the sample" \
    env -i PATH=/usr/bin:/bin "$PREFIX/bin/gazette-index" --quiet --db "$WORK/sample.idx" "$ROOT/corpus/sample"
check "installed gazette-query finds Hezbollah" bash -c \
    "env -i PATH=/usr/bin:/bin '$PREFIX/bin/gazette-query' --db '$WORK/sample.idx' --format paths Hezbollah | grep -q ."

# No RUNPATH where the dynamic linker looks anyway (Debian policy 10.2,
# lintian's custom-library-search-path): in a /usr install none of the
# installed ELF files has one, and the programs run on the library there.
no_runpath() {
    local f out=0
    for f in $(find "$1" -type f \( -perm -u+x -o -name '*.so*' \)); do
        readelf -h "$f" >/dev/null 2>&1 || continue
        if readelf -d "$f" | grep -E 'RUNPATH|RPATH'; then echo "in $f"; out=1; fi
    done
    return $out
}
check "/usr install: no RUNPATH or RPATH in any ELF file" no_runpath "$WORK/root/usr"
check "/usr install: gazette-query runs on the library in /usr/$LIBDIR" bash -c \
    "env -i LD_LIBRARY_PATH='$WORK/root/usr/$LIBDIR' '$WORK/root/usr/bin/gazette-query' \
         --db '$WORK/sample.idx' --format paths Hezbollah | grep -q ."
# CMAKE_SKIP_INSTALL_RPATH (a packager's switch) leaves the installed
# programs without one whatever the prefix, and the programs of the build
# tree, which the tests run, keep theirs: nothing is linked again.
check "CMAKE_SKIP_INSTALL_RPATH=ON: installed programs carry no RUNPATH" bash -c \
    "cmake -S '$ROOT' -B '$BUILD' -DCMAKE_SKIP_INSTALL_RPATH=ON >/dev/null \
     && cmake --build '$BUILD' -j $JOBS >'$WORK/skip.log' && ! grep -q 'Linking' '$WORK/skip.log' \
     && cmake --install '$BUILD' --prefix '$WORK/skip' >/dev/null \
     && ! readelf -d '$WORK/skip/bin/gazette-query' '$WORK/skip/bin/gazette-index' | grep -E 'RUNPATH|RPATH'"
check "CMAKE_SKIP_INSTALL_RPATH=ON: the build tree's programs still run" bash -c \
    "env -i '$BUILD/bin/gazette-query' --db '$WORK/sample.idx' --format paths Hezbollah | grep -q ."
check "CMAKE_SKIP_INSTALL_RPATH=OFF again: a new install has its RUNPATH" bash -c \
    "cmake -S '$ROOT' -B '$BUILD' -DCMAKE_SKIP_INSTALL_RPATH=OFF >/dev/null \
     && cmake --install '$BUILD' --prefix '$WORK/skip' >/dev/null \
     && readelf -d '$WORK/skip/bin/gazette-query' | grep -qF '[\$ORIGIN/../$LIBDIR]'"
# Debian's hardening (hardening=+all): position-independent programs,
# full RELRO (BIND_NOW), no executable stack, no text relocations.
hardened() {
    local f
    for f in "$@"; do
        readelf -h "$f" | grep -q 'Type: *DYN' || { echo "$f: not PIE"; return 1; }
        readelf -d "$f" | grep -q 'FLAGS.*NOW' || { echo "$f: no BIND_NOW"; return 1; }
        readelf -lW "$f" | grep -q GNU_RELRO || { echo "$f: no RELRO"; return 1; }
        readelf -lW "$f" | grep GNU_STACK | grep -q RWE && { echo "$f: executable stack"; return 1; }
        readelf -d "$f" | grep -q TEXTREL && { echo "$f: text relocations"; return 1; }
    done
    return 0
}
check "hardening: PIE, BIND_NOW, RELRO, no executable stack" hardened \
    "$PREFIX/bin/gazette-index" "$PREFIX/bin/gazette-query" "$PREFIX/$LIBDIR/libgazette.so.0"

# 5. pkg-config: shared, static, C and C++.
export PKG_CONFIG_PATH=$PREFIX/$LIBDIR/pkgconfig
STRICT="-Wall -Wextra -Werror -pedantic"
# gazette.h stands alone, first in a file, in C11 and C++, with both
# compilers.
printf '#include <gazette.h>\nint main(void) { return GAZETTE_STATUS_OK; }\n' >"$WORK/header.c"
for cc in "cc -std=c11" "clang -std=c11" "c++ -std=c++11 -x c++" "clang++ -std=c++17 -x c++"; do
    command -v "${cc%% *}" >/dev/null || continue
    check "gazette.h alone compiles ($cc $STRICT)" \
        $cc $STRICT -I"$PREFIX/include" -fsyntax-only "$WORK/header.c"
done
check "pkg-config --modversion" bash -c "[ \"\$(pkg-config --modversion gazette)\" = \"\$(sed -n 's/^project(Gazette VERSION \\([0-9.]*\\).*/\\1/p' '$ROOT/CMakeLists.txt')\" ]"
check "C11 consumer via pkg-config (shared)" bash -c \
    "cc -std=c11 $STRICT '$ROOT/tests/install/consumer.c' -o '$WORK/c-shared' \$(pkg-config --cflags --libs gazette) && LD_LIBRARY_PATH='$PREFIX/$LIBDIR' '$WORK/c-shared' '$WORK/c-shared.idx'"
check "C++ consumer via pkg-config" bash -c \
    "c++ -std=c++17 $STRICT -x c++ '$ROOT/tests/install/consumer.c' -x none -o '$WORK/cxx' \$(pkg-config --cflags --libs gazette) && LD_LIBRARY_PATH='$PREFIX/$LIBDIR' '$WORK/cxx' '$WORK/cxx.idx'"
check "C11 consumer via pkg-config --static" bash -c \
    "cc -std=c11 $STRICT '$ROOT/tests/install/consumer.c' -o '$WORK/c-static' \$(pkg-config --cflags gazette) \
        \$(pkg-config --static --libs gazette | sed 's/-lgazette /-l:libgazette.a /') \
     && ! ldd '$WORK/c-static' | grep -q libgazette && '$WORK/c-static' '$WORK/c-static.idx'"
check "gazette.pc is valid, requires nothing, names no placeholder URL" bash -c \
    "pkg-config --validate gazette && [ -z \"\$(pkg-config --print-requires --print-requires-private gazette)\" ] \
     && ! grep -q example.invalid '$PREFIX/$LIBDIR/pkgconfig/gazette.pc'"
check "the example in docs/api.md links the static library" bash -c \
    "cc -std=c11 $STRICT '$ROOT/tests/install/consumer.c' -o '$WORK/c-static-doc' \$(pkg-config --cflags gazette) \
        -l:libgazette.a \$(pkg-config --static --libs gazette | sed 's/-lgazette//') \
     && ! ldd '$WORK/c-static-doc' | grep -q libgazette && '$WORK/c-static-doc' '$WORK/c-static-doc.idx'"
# A /usr install (DESTDIR): pkg-config sees a system prefix and gives no -I
# or -L (a -L/usr/lib/... would come before a program's own -L), and no
# flags of the libraries libgazette links; PKG_CONFIG_SYSROOT_DIR builds
# against the DESTDIR as against /usr.
USR_PC="PKG_CONFIG_PATH='$WORK/root/usr/$LIBDIR/pkgconfig'"
check "/usr install: pkg-config --cflags --libs gives -lgazette alone" bash -c \
    "out=\$(env $USR_PC pkg-config --cflags --libs gazette) && echo \"\$out\" && [ \"\$(echo \$out)\" = -lgazette ]"
check "/usr install: pkg-config --static gives -l flags alone" bash -c \
    "out=\$(env $USR_PC pkg-config --static --cflags --libs gazette) && echo \"\$out\" \
     && case \" \$out \" in *' -lgazette '*) ;; *) exit 1;; esac \
     && [ -z \"\$(printf '%s\n' \$out | grep -v '^-l')\" ]"
check "/usr install: a C11 consumer through PKG_CONFIG_SYSROOT_DIR" bash -c \
    "cc -std=c11 $STRICT '$ROOT/tests/install/consumer.c' -o '$WORK/c-usr' \
        \$(env $USR_PC PKG_CONFIG_SYSROOT_DIR='$WORK/root' pkg-config --cflags --libs gazette) \
     && LD_LIBRARY_PATH='$WORK/root/usr/$LIBDIR' '$WORK/c-usr' '$WORK/c-usr.idx'"

# 6. find_package(Gazette): the examples, shared and static, as
#    installed (gazette(3) and docs/api.md send an embedder there: the
#    installed files are all such a reader has).
check "find_package(Gazette) builds the installed examples" bash -c \
    "cmake -S '$PREFIX/share/doc/gazette/examples/standalone' -B '$WORK/ex' -DCMAKE_PREFIX_PATH='$PREFIX' -DCMAKE_C_FLAGS='-Werror' && cmake --build '$WORK/ex'"
check "feed example writes three articles" bash -c "'$WORK/ex/feed' '$WORK/feed.idx' | grep -q 'wrote 3 articles'"
check "search example finds them" bash -c \
    "'$WORK/ex/search' '$WORK/feed.idx' harbour | grep -q 'wire/harbour-reopens' && '$WORK/ex/search' '$WORK/feed.idx' 'source:features' | grep -q night-trains"
check "static feed example" bash -c "! ldd '$WORK/ex/feed_static' | grep -q libgazette && '$WORK/ex/feed_static' '$WORK/feed2.idx' | grep -q 'wrote 3'"

# 7. Man pages render, without a warning, in a UTF-8 locale and in the C
#    locale (ASCII, as under cron or in a minimal container).
for m in man1/gazette-index.1 man1/gazette-query.1 man3/gazette.3; do
    for loc in C.UTF-8 C; do
        check "man -l $m (LC_ALL=$loc)" bash -c "export LC_ALL=$loc MANWIDTH=80; man -l '$PREFIX/share/man/$m' 2>&1 >/dev/null | (! grep .) && man -l '$PREFIX/share/man/$m' | grep -q ."
    done
done

# 8. A packager's build with LTO (Debian's optimize=+lto, Ubuntu's
#    default: -flto=auto -ffat-lto-objects in CFLAGS; with clang,
#    -flto=thin): the objects hold GCC's LTO bytecode or LLVM bitcode,
#    which libgazette.a must not (lib/CMakeLists.txt compiles it to code),
#    or a program built without LTO cannot link it. Only libgazette.a is
#    built: the rest of such a build is the plain one's. The clang build
#    is warning-free with -Werror (clang warns of things GCC does not).
LTO_ENV=()
for v in CFLAGS CXXFLAGS CPPFLAGS; do
    LTO_ENV+=("$v=$(cd "$ROOT" && DEB_BUILD_MAINT_OPTIONS='hardening=+all optimize=+lto' dpkg-buildflags --get "$v")")
done
LTO_ENV[0]+=" ${LTO_ENV[2]#CPPFLAGS=}"
LTO_ENV[1]+=" ${LTO_ENV[2]#CPPFLAGS=}"
# clang 14 has no fat LTO objects (it warns of -ffat-lto-objects and
# ignores it); -flto=thin is what a clang package build asks for.
CLANG_LTO_ENV=(CC=clang CXX=clang++)
for v in "${LTO_ENV[@]}"; do
    CLANG_LTO_ENV+=("${v//-flto=auto -ffat-lto-objects/-flto=thin}")
done
# no_bytecode ARCHIVE: every member of ARCHIVE is an ELF object of code,
# with no GCC LTO sections and no LLVM bitcode (a bitcode member is not
# ELF at all; .llvmbc is bitcode embedded in an ELF object).
no_bytecode() {
    local d m
    [ -f "$1" ] || { echo "no $1"; return 1; }
    d=$(mktemp -d "$WORK/ar.XXXXXX")
    (cd "$d" && ar x "$1") || return 1
    for m in "$d"/*; do
        readelf -h "$m" >/dev/null 2>&1 || { echo "$(basename "$m") is not ELF:"; file "$m"; return 1; }
        if readelf -SW "$m" | grep -E ' \.gnu\.lto_| \.llvmbc| \.llvm\.lto'; then return 1; fi
    done
}
# lto_static_checks WHAT BUILD-DIR UNIQUE ENV...: libgazette.a configured
# in BUILD-DIR with ENV (and -flto in its flags), free of bytecode, its
# symbols as section 3 wants them (UNIQUE: its objects of unique
# binding), and linked by a C11 program built without LTO.
lto_static_checks() {
    local what=$1 dir=$2 unique=$3 a=$2/lib/libgazette.a
    shift 3
    check "libgazette.a built with $what" bash -c \
        "env ${*@Q} cmake -S '$ROOT' -B '$dir' -DCMAKE_BUILD_TYPE=None -DGAZETTE_WERROR=ON \
             -DBUILD_TESTING=OFF -DGAZETTE_BENCH=OFF -DGAZETTE_EXAMPLES=OFF >/dev/null \
         && grep -q '^CMAKE_C_FLAGS:.*-flto' '$dir/CMakeCache.txt' \
         && cmake --build '$dir' -j $JOBS --target gazette_static"
    check "libgazette.a built with $what holds no LTO bytecode" no_bytecode "$a"
    static_archive_checks "libgazette.a built with $what" "$a" "$unique"
    check "C11 consumer (no LTO flags) links libgazette.a built with $what" bash -c \
        "cc -std=c11 $STRICT '$ROOT/tests/install/consumer.c' -o '$dir/c-lto' \$(pkg-config --cflags gazette) \
            '$a' \$(pkg-config --static --libs gazette | sed 's/-lgazette//') \
         && '$dir/c-lto' '$dir/c-lto.idx'"
}
lto_static_checks "Debian's LTO flags (-flto=auto -ffat-lto-objects)" "$WORK/lto" \
    "$UNIQUE_DOCUMENTED" "${LTO_ENV[@]}"
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
    lto_static_checks "clang and Debian's flags with -flto=thin" "$WORK/lto-clang" "" \
        "${CLANG_LTO_ENV[@]}"
else
    echo "skip clang: not installed"
fi

if [ "$fails" -eq 0 ]; then echo "install check: all passed"; else echo "install check: $fails failed"; fi
[ "$fails" -eq 0 ]
