#!/bin/sh
test_description='options agree across getopt table, --help, man page and completions; EXAMPLES run'

# An option lives in four places (STYLE.md, "One source for options"): the
# getopt_long table of cmd/CMD.c, CMD --help, share/man/man1/CMD.1 and the
# bash, zsh and fish completions.  For every built command whose --help
# works, this checks that they agree, and it runs the EXAMPLES of
# cg-checkin(1) that read only standard input.

. "${0%/*}/../lib/test-lib.sh"

BS=$(printf '\b')

# help_longs HELPFILE: the long options the help lists, one per line
# ("  -a, --ask ..." and "      --home DIR ..."; not continuation lines).
help_longs() {
	sed -n 's/^ \{1,8\}\(-[A-Za-z0-9], \{1,\}\)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\).*/--\2/p' "$1"
}

# help_shorts HELPFILE: the short options the help lists ("-a").
help_shorts() {
	sed -n 's/^ \{1,8\}\(-[A-Za-z0-9]\)[, ].*/\1/p' "$1"
}

# help_argopts HELPFILE: the options that take an argument, long and short.
help_argopts() {
	sed -n 's/^ \{1,8\}-\([A-Za-z0-9]\), \{1,\}--\([A-Za-z0-9-]*\)[ =][A-Z].*/-\1 --\2/p
		s/^ \{1,8\}--\([A-Za-z0-9-]*\)[ =][A-Z].*/--\1/p' "$1"
}

# cmd_sources CMD: the C sources of a command (cmd/CMD.c or cmd/CMD/*.c).
cmd_sources() {
	for src_f in "$SRC_DIR/cmd/$1.c" "$SRC_DIR/cmd/$1"/*.c; do
		if [ -f "$src_f" ]; then
			echo "$src_f"
		fi
	done
}

# table_longs SOURCE...: the names of the { "name", ... } entries of the
# getopt_long table options[], with those of the shared option lists
# (CG_RECORD_OPTIONS, ...) it names.
table_longs() {
	sed -n '/struct option options\[\]/,/^};/p' "$@" >"$TRASH/table.c" &&
	entry_longs "$TRASH/table.c" &&
	for tl_macro in $(grep -o 'CG_[A-Z]*_OPTIONS' "$TRASH/table.c"); do
		macro_longs "$tl_macro"
	done
}

entry_longs() {
	sed -n 's/^[[:space:]]*{[[:space:]]*"\([^"]*\)".*/--\1/p' "$1"
}

# macro_longs NAME: the long options of lib/core/cmd.h's list NAME, and of the
# lists it names in turn.
macro_longs() {
	sed -n "/^#define $1 /,/[^\\\\]\$/p" "$SRC_DIR/lib/core/cmd.h" >"$TRASH/$1.h" &&
	test -s "$TRASH/$1.h" &&
	entry_longs "$TRASH/$1.h" &&
	for ml_inner in $(grep -o 'CG_[A-Z]*_OPTIONS' "$TRASH/$1.h" | grep -v "^$1\$"); do
		macro_longs "$ml_inner"
	done
}

# table_shorts SOURCE...: the short options of getopt_long's option string.
table_shorts() {
	sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$@" | head -n 1 |
		sed 's/^[+-]//; s/://g' | fold -w 1 | sed 's/^/-/'
}

# man_items MANPAGE: the headers of the page's list items (".It ...", and
# the lines of ".It Xo" ... ".Xc"), roff escapes removed and "Fl x" written
# as "-x", so that ".It Fl a , Fl \-ask" reads ".It -a , --ask".
man_items() {
	awk '
		/^\.It/ { print; xo = ($0 ~ /Xo$/); next }
		xo { print; if ($0 ~ /^\.Xc/) xo = 0 }
	' "$1" | man_plain
}

man_plain() {
	sed -e 's/\\&//g' -e 's/\\-/-/g' -e 's/\\//g' \
		-e 's/^\.Fl /.-/' -e 's/ Fl / -/g' -e 's/ Fl / -/g'
}

# missing_from WHAT FILE OPTION...: complain about and fail for every
# OPTION that is not a word of FILE.
missing_from() {
	mf_what=$1 mf_file=$2
	shift 2
	mf_bad=0
	for mf_o in "$@"; do
		grep -E -q -e "(^|[^A-Za-z0-9_-])$mf_o([^A-Za-z0-9_-]|\$)" "$mf_file" || {
			echo "$mf_what: $mf_o is missing" >&2
			mf_bad=1
		}
	done
	return $mf_bad
}

# missing_from_fish FILE OPTION...: the same for fish's "-l name" and
# "-s x" (or --long-option / --short-option).
missing_from_fish() {
	mff_file=$1
	shift
	mff_bad=0
	for mff_o in "$@"; do
		case $mff_o in
		--*) mff_re="(-l|--long-option)[= ]+['\"]?${mff_o#--}['\"]?([^A-Za-z0-9_-]|\$)" ;;
		*) mff_re="(-s|--short-option)[= ]+['\"]?${mff_o#-}['\"]?([^A-Za-z0-9_-]|\$)" ;;
		esac
		grep -E -q -e "$mff_re" "$mff_file" || {
			echo "${mff_file##*/}: $mff_o is missing" >&2
			mff_bad=1
		}
	done
	return $mff_bad
}

# not_in WHAT LISTFILE OPTION...: fail for every OPTION not a line of LISTFILE.
not_in() {
	ni_what=$1 ni_list=$2
	shift 2
	ni_bad=0
	for ni_o in "$@"; do
		grep -q -x -e "$ni_o" "$ni_list" || {
			echo "$ni_o: not in $ni_what" >&2
			ni_bad=1
		}
	done
	return $ni_bad
}

# bash_offers FILE CMD WORD: what the bash completion of FILE offers for
# "CMD WORD", one per line (its function is found with complete -p).
bash_offers() {
	bash -c '
		. "$1" || exit 1
		spec=$(complete -p "$2") || exit 1
		fn=${spec#*-F }
		fn=${fn%% *}
		COMP_WORDS=("$2" "$3")
		COMP_CWORD=1
		COMP_LINE="$2 $3"
		COMP_POINT=${#COMP_LINE}
		"$fn" "$2" "$3" "$2"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$@"
}

# fish_offers FILE CMD WORD: the same for fish.
fish_offers() {
	fish -c 'set -g fish_complete_path; source $argv[1]; or exit 1
		complete -C "$argv[2] $argv[3]"' "$@" | cut -f 1
}

# render MANPAGE: the page as plain text, with mandoc or man.
render() {
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -T ascii "$1"
	else
		MANWIDTH=200 MANPAGER=cat PAGER=cat man -l "$1" 2>/dev/null
	fi | sed "s/.$BS//g"
}

ncommands=0
for bin in "$CG_BUILD"/bin/cg-*; do
	cmd=${bin##*/}
	if ! "$bin" --help >"$TRASH/$cmd.help" 2>/dev/null; then
		echo "# $cmd: --help exits non-zero (not implemented?); not checked"
		continue
	fi
	ncommands=$((ncommands + 1))
	man=$SRC_DIR/share/man/man1/$cmd.1
	comp_bash=$SRC_DIR/completions/bash/$cmd
	comp_zsh=$SRC_DIR/completions/zsh/_$cmd
	comp_fish=$SRC_DIR/completions/fish/$cmd.fish
	help=$TRASH/$cmd.help
	help_longs "$help" >"$TRASH/$cmd.longs"
	help_shorts "$help" >"$TRASH/$cmd.shorts"
	longs=$(cat "$TRASH/$cmd.longs")
	shorts=$(cat "$TRASH/$cmd.shorts")

	test_expect_success "$cmd: --help lists its options" '
		test -n "$longs" &&
		missing_from "$cmd --help" "$help" --help --version
	'

	test_expect_success "$cmd: every getopt options[] entry is in --help, and back" '
		sources=$(cmd_sources "$cmd") &&
		test -n "$sources" &&
		table_longs $sources >"$TRASH/$cmd.table" &&
		test -s "$TRASH/$cmd.table" &&
		not_in "$cmd --help" "$TRASH/$cmd.longs" $(cat "$TRASH/$cmd.table") &&
		not_in "options[] of cmd/$cmd.c" "$TRASH/$cmd.table" $longs
	'

	test_expect_success "$cmd: the getopt short options are in --help, and back" '
		table_shorts $(cmd_sources "$cmd") >"$TRASH/$cmd.tshorts" &&
		not_in "$cmd --help" "$TRASH/$cmd.shorts" $(cat "$TRASH/$cmd.tshorts") &&
		not_in "the getopt_long option string of $cmd" "$TRASH/$cmd.tshorts" $shorts
	'

	test_expect_success "$cmd: every option of --help is in $cmd.1" '
		test -f "$man" &&
		man_items "$man" >"$TRASH/$cmd.items" &&
		missing_from "$cmd.1" "$TRASH/$cmd.items" $longs $shorts
	'

	test_expect_success "$cmd: every option $cmd.1 lists is in --help" '
		grep -E -o -e "(^|[ .])--[A-Za-z0-9][A-Za-z0-9-]*" "$TRASH/$cmd.items" |
			sed "s/^[ .]//" | sort -u >"$TRASH/$cmd.manlongs" &&
		not_in "$cmd --help" "$TRASH/$cmd.longs" $(cat "$TRASH/$cmd.manlongs")
	'

	test_expect_success "$cmd: every option of --help is in the bash completion" '
		test -f "$comp_bash" &&
		missing_from "completions/bash/$cmd" "$comp_bash" $longs $shorts &&
		if command -v bash >/dev/null 2>&1
		then
			bash_offers "$comp_bash" "$cmd" - >"$TRASH/$cmd.bash" &&
			missing_from "bash completion of \"$cmd -\"" "$TRASH/$cmd.bash" $longs $shorts &&
			grep -e "^--" "$TRASH/$cmd.bash" >"$TRASH/$cmd.bashlongs" &&
			not_in "$cmd --help" "$TRASH/$cmd.longs" $(cat "$TRASH/$cmd.bashlongs")
		fi
	'

	test_expect_success "$cmd: every option of --help is in the zsh completion" '
		test -f "$comp_zsh" &&
		missing_from "completions/zsh/_$cmd" "$comp_zsh" $longs $shorts &&
		if command -v zsh >/dev/null 2>&1
		then
			zsh -n "$comp_zsh"
		fi
	'

	test_expect_success "$cmd: every option of --help is in the fish completion" '
		test -f "$comp_fish" &&
		missing_from_fish "$comp_fish" $longs $shorts &&
		if command -v fish >/dev/null 2>&1
		then
			fish -n "$comp_fish" &&
			fish_offers "$comp_fish" "$cmd" - >"$TRASH/$cmd.fish" &&
			missing_from "fish completion of \"$cmd -\"" "$TRASH/$cmd.fish" $longs $shorts
		fi
	'

	if command -v mandoc >/dev/null 2>&1 || command -v man >/dev/null 2>&1; then
		test_expect_success "$cmd: the SYNOPSIS of $cmd.1 is the usage text" '
			sed -n -e "/^Usage: /,/^[^ U]/{" -e "s/^Usage: //p" -e t \
				-e "s/^ *or: //p" -e t -e "s/^ \{1,\}//p" -e "}" "$help" >expect &&
			render "$man" | sed -n "/^SYNOPSIS/,/^[A-Z]/{/^ /p;}" |
				sed "s/^ *//" >actual &&
			test_cmp expect actual
		'
	fi
done

test_expect_success 'some command is implemented and was checked' '
	test "$ncommands" -gt 0
'

# The EXAMPLES of cg-checkin(1): the lines of its literal displays, roff
# escapes removed, with lines ending in "\" or "|" joined to the next.
man_examples() {
	awk '
		/^\.Sh / { ex = ($0 ~ /^\.Sh EXAMPLES/); next }
		!ex { next }
		/^\.Bd -literal/ { lit = 1; next }
		/^\.Ed/ { if (acc != "") print acc; acc = ""; lit = 0; next }
		!lit || /^\.\\"/ { next }
		/\\e$/ { acc = acc substr($0, 1, length($0) - 2) " "; next }
		/\|[ \t]*$/ { acc = acc $0 " "; next }
		{ print acc $0; acc = "" }
	' "$1" | sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
		-e 's/\\(dq/"/g' -e 's/\\e/\\/g'
}

# names_a_file ARGOPTS: reading pipelines, print those in which no
# cg-checkin names a file operand (a DATE or "-" is no file).
stdin_only() {
	awk -v argopts="$1" '
		BEGIN { n = split(argopts, a, /[ \n]+/); for (i = 1; i <= n; i++) takes[a[i]] = 1 }
		function names_file(line,   segs, ns, i, w, nw, j) {
			ns = split(line, segs, /\|/)
			for (i = 1; i <= ns; i++) {
				nw = split(segs[i], w, /[ \t]+/)
				j = (w[1] == "") ? 2 : 1
				if (w[j] != "cg-checkin")
					continue
				for (j++; j <= nw; j++) {
					if (w[j] == "")
						continue
					if (w[j] ~ /^[0-9]*[<>]/) {
						if (w[j] ~ /^[0-9]*[<>]+&?$/)
							j++
						continue
					}
					if (w[j] ~ /^-[-A-Za-z]/) {
						if (w[j] !~ /=/ && (w[j] in takes))
							j++
						continue
					}
					if (w[j] == "-" || w[j] ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/)
						continue
					return 1
				}
			}
			return 0
		}
		!names_file($0)
	'
}

test_expect_success JQ 'the EXAMPLES of cg-checkin.1 that read standard input run' '
	man_examples "$SRC_DIR/share/man/man1/cg-checkin.1" >examples.all &&
	grep -E "^(echo|cg-checkin)( |\$)" examples.all >examples.cands &&
	stdin_only "$(help_argopts "$TRASH/cg-checkin.help")" <examples.cands >examples.run &&
	test_line_count -ge 3 examples.run &&
	mkdir -p wrap ex &&
	printf "%s\n" "#!/bin/sh" \
		"\"\$CG_BUILD/bin/cg-checkin\" \"\$@\"" \
		"st=\$?" \
		"echo \$st >>\"\$TRASH/ex.status\"" \
		"exit \$st" >wrap/cg-checkin &&
	chmod +x wrap/cg-checkin &&
	ok=0 &&
	while IFS= read -r ex
	do
		run=$(printf "%s\n" "$ex" | sed "s#<[[:space:]]*[^[:space:]<>|&;]*#</dev/null#g") &&
		: >"$TRASH/ex.status" &&
		echo "\$ $run" &&
		(cd ex && PATH=$TRASH/wrap:$PATH sh -c "$run" </dev/null)
		code=$?
		echo "=> exit $code; cg-checkin exited: $(tr "\n" " " <"$TRASH/ex.status")"
		if [ $code -gt 1 ] || ! [ -s "$TRASH/ex.status" ] ||
			grep -v -x -e 0 -e 1 "$TRASH/ex.status"
		then
			ok=1
		fi
	done <examples.run &&
	test $ok = 0
'

test_done
