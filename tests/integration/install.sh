#!/bin/bash
# install.sh - make install and make uninstall: with DESTDIR, for
# --prefix=/usr and /usr/local and for --with-*completiondir, exactly the
# program, the man page and the three completions land, nothing outside
# DESTDIR, and uninstall takes every file away again.
#
# The build under test is reused (make install prefix=...: automake's
# directories all derive from prefix); the configure options are checked
# with a fresh configure of a minimal copy of the tree and make install-data
# (the man page and the completions; nothing is compiled).
# Environment (set by make check): top_builddir, top_srcdir.
. "$(dirname "$0")/lib.sh"

[ -n "${top_builddir-}" ] || die "set top_builddir to the build to install"
[ -f "$top_builddir/Makefile" ] || die "$top_builddir/Makefile is missing"
[ -x "$top_builddir/src/sockscope" ] || die "$top_builddir/src/sockscope is not built"

# A make run by a test inherits make check's MAKEFLAGS (its jobserver, and
# variables given on its command line, such as TESTS=): start afresh.
sc_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		-u DESTDIR make -s "$@" >"$SC_TMP/make.out" 2>&1
}

# files DIR: every file and symbolic link under DIR, as /path from DIR.
files() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '/%P\n' | LC_ALL=C sort)
}

# Our files anywhere they could land outside DESTDIR, changed since the
# stamp: an install that ignored DESTDIR would leave one of these.
stamp=$SC_TMP/stamp
: >"$stamp"
sleep 1 # find -newer compares whole seconds on some file systems
leaked() {
	local dir dirs=()
	for dir in /usr/bin /usr/local /usr/share/man/man8 \
		/usr/share/bash-completion /usr/share/zsh /usr/share/fish \
		/etc/bash_completion.d /opt/zsh; do
		[ ! -d "$dir" ] || dirs+=("$dir")
	done
	find "${dirs[@]}" \( -name sockscope -o -name sockscope.8 -o -name 'sockscope.8.*' \
		-o -name _sockscope -o -name sockscope.fish \) \
		-newer "$stamp" -print 2>/dev/null | LC_ALL=C sort
}

# expect_install WHAT DESTDIR PREFIX BASHDIR ZSHDIR FISHDIR [BIN]: the
# files under DESTDIR are exactly the man page and completions (and the
# program when BIN is given), identical to their sources.
expect_install() {
	local what=$1 d=$2 prefix=$3 bashdir=$4 zshdir=$5 fishdir=$6 bin=${7-}
	{
		[ -z "$bin" ] || echo "$prefix/bin/sockscope"
		echo "$prefix/share/man/man8/sockscope.8"
		echo "$bashdir/sockscope"
		echo "$zshdir/_sockscope"
		echo "$fishdir/sockscope.fish"
	} | LC_ALL=C sort >"$SC_TMP/want"
	files "$d" >"$SC_TMP/got"
	assert_same_lines "$what: the files installed" "$SC_TMP/want" "$SC_TMP/got"
	cmp_installed "$what" "$top_srcdir/man/sockscope.8" \
		"$d$prefix/share/man/man8/sockscope.8"
	cmp_installed "$what" "$top_srcdir/completions/sockscope" \
		"$d$bashdir/sockscope"
	cmp_installed "$what" "$top_srcdir/completions/_sockscope" \
		"$d$zshdir/_sockscope"
	cmp_installed "$what" "$top_srcdir/completions/sockscope.fish" \
		"$d$fishdir/sockscope.fish"
	if [ -n "$bin" ]; then
		if [ -x "$d$prefix/bin/sockscope" ] &&
			"$d$prefix/bin/sockscope" --version >"$SC_TMP/ver" 2>&1 &&
			[ "$(head -n 1 "$SC_TMP/ver")" = "sockscope 0.1.0" ]; then
			pass "$what: the installed program runs"
		else
			fail "$what: the installed program runs" "sockscope 0.1.0" \
				"$(head -n 3 "$SC_TMP/ver" 2>/dev/null)"
		fi
	fi
	assert_eq "$what: nothing installed outside DESTDIR" "" "$(leaked)"
}

# cmp_installed WHAT SOURCE INSTALLED: the installed file is its source.
cmp_installed() {
	if [ -f "$3" ] && cmp -s "$2" "$3"; then
		pass "$1: $(basename "$3") is installed as it is"
	elif [ -f "$3" ]; then
		fail "$1: $(basename "$3") is installed as it is" \
			"a copy of $2" "a different file"
	fi
}

# expect_uninstall WHAT DESTDIR: make uninstall left no file behind.
expect_uninstall() {
	assert_eq "$1: make uninstall leaves no file" "" "$(files "$2")"
	assert_eq "$1: make uninstall touches nothing outside DESTDIR" "" \
		"$(leaked)"
}

# ---- the build under test, at two prefixes ----------------------------------
for prefix in /usr /usr/local; do
	d=$SC_TMP/dest${prefix//\//-}
	what="make install prefix=$prefix"
	if ! sc_make -C "$top_builddir" install prefix="$prefix" DESTDIR="$d"; then
		fail "$what DESTDIR=... succeeds" "exit 0" "$(tail -n 20 "$SC_TMP/make.out")"
		continue
	fi
	pass "$what DESTDIR=... succeeds"
	expect_install "$what" "$d" "$prefix" \
		"$prefix/share/bash-completion/completions" \
		"$prefix/share/zsh/site-functions" \
		"$prefix/share/fish/vendor_completions.d" bin
	if ! sc_make -C "$top_builddir" uninstall prefix="$prefix" DESTDIR="$d"; then
		fail "make uninstall prefix=$prefix succeeds" "exit 0" \
			"$(tail -n 20 "$SC_TMP/make.out")"
		continue
	fi
	expect_uninstall "make uninstall prefix=$prefix" "$d"
done

# ---- configure's defaults and its --with-*completiondir options ------------
# configure refuses a VPATH build from a source tree configured in place
# (CI builds in place), so it runs in a copy of what configure and
# make install-data read; cp -p keeps the times, so make does not try to
# regenerate Makefile.in or configure.
tree=$SC_TMP/tree
mkdir -p "$tree" || die "cannot create $tree"
for f in configure configure.ac aclocal.m4 Makefile.am Makefile.in \
	config.h.in build-aux man completions src/main.c; do
	[ -e "$top_srcdir/$f" ] || die "$top_srcdir/$f is missing"
	if ! mkdir -p "$tree/$(dirname "$f")" ||
		! cp -pR "$top_srcdir/$f" "$tree/$f"; then
		die "cannot copy $top_srcdir/$f"
	fi
done
[ ! -d "$top_srcdir/m4" ] || cp -pR "$top_srcdir/m4" "$tree/m4" ||
	die "cannot copy $top_srcdir/m4"
chmod -R u+w "$tree" # distcheck's source tree is read-only

# configure_install WHAT DESTDIR CONFIGURE-OPTIONS...: configure the copy
# afresh with the options, and make install-data into DESTDIR.
configure_install() {
	local what=$1 d=$2
	shift 2
	[ ! -f "$tree/Makefile" ] || sc_make -C "$tree" distclean ||
		die "make distclean in $tree failed: $(tail -n 5 "$SC_TMP/make.out")"
	if ! (cd "$tree" && ./configure -q "$@") >"$SC_TMP/configure.out" 2>&1; then
		fail "$what: configure $* succeeds" "exit 0" \
			"$(tail -n 20 "$SC_TMP/configure.out")"
		return 1
	fi
	if ! sc_make -C "$tree" install-data DESTDIR="$d"; then
		fail "$what: make install-data DESTDIR=... succeeds" "exit 0" \
			"$(tail -n 20 "$SC_TMP/make.out")"
		return 1
	fi
	pass "$what: configure and make install-data succeed"
}

d=$SC_TMP/dest-configure-usr
what="configure --prefix=/usr"
prefix=/usr
if configure_install "$what" "$d" --prefix=$prefix; then
	expect_install "$what" "$d" /usr \
		/usr/share/bash-completion/completions \
		/usr/share/zsh/site-functions \
		/usr/share/fish/vendor_completions.d
	# uninstall-binPROGRAMS fails where the bin directory is missing
	mkdir -p "$d$prefix/bin" || die "cannot create $d$prefix/bin"
	if sc_make -C "$tree" uninstall DESTDIR="$d"; then
		expect_uninstall "$what: make uninstall" "$d"
	else
		fail "$what: make uninstall succeeds" "exit 0" \
			"$(tail -n 20 "$SC_TMP/make.out")"
	fi
fi

d=$SC_TMP/dest-configure-with
what="configure --with-*completiondir"
prefix=/usr/local
if configure_install "$what" "$d" --prefix=$prefix \
	--with-bashcompletiondir=/etc/bash_completion.d \
	--with-zshcompletiondir=/opt/zsh/functions \
	--with-fishcompletiondir=/usr/share/fish/completions; then
	expect_install "$what" "$d" /usr/local \
		/etc/bash_completion.d /opt/zsh/functions \
		/usr/share/fish/completions
	# uninstall-binPROGRAMS fails where the bin directory is missing
	mkdir -p "$d$prefix/bin" || die "cannot create $d$prefix/bin"
	if sc_make -C "$tree" uninstall DESTDIR="$d"; then
		expect_uninstall "$what: make uninstall" "$d"
	else
		fail "$what: make uninstall succeeds" "exit 0" \
			"$(tail -n 20 "$SC_TMP/make.out")"
	fi
fi

# a directory is required: --with-bashcompletiondir alone means "yes"
if (cd "$tree" && sc_make distclean >/dev/null 2>&1; ./configure -q \
	--with-bashcompletiondir) >"$SC_TMP/configure.out" 2>&1; then
	fail "configure --with-bashcompletiondir (no directory) fails" \
		"an error" "configure succeeded"
else
	assert_eq "configure --with-bashcompletiondir (no directory) says why" \
		"configure: error: --with-bashcompletiondir needs a directory" \
		"$(grep '^configure: error' "$SC_TMP/configure.out")"
fi

sc_done
