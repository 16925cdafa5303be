#!/bin/sh
# build-independent: the generated documents against the option tables and man pages, which no build changes
test_description='options: the generated docs are the committed ones, every described option parses and is documented; EXAMPLES run'

# Every option is described once, in the option tables of cmd/CMD.c (and
# lib/core/options.c for the shared ones).  --help and the getopt tables
# are made from them at run time; the SYNOPSIS and OPTIONS of the man pages
# and the completions by scripts/gen-docs (make docs) from --dump-options.
# This checks that what is committed is what gen-docs makes, that every
# option described is taken by the parser and shown where it should be, and
# it runs the EXAMPLES of cg-checkin(1) that read only standard input.

. "${0%/*}/../lib/test-lib.sh"

COMMANDS="cg-checkin cg-duty cg-journal cg-pass cg-quarantine cg-report cg-sync"

test_expect_success JQ 'the generated docs are the committed ones (make docs)' '
	bins= &&
	for cmd in $COMMANDS; do bins="$bins $CG_BUILD/bin/$cmd"; done &&
	"$SRC_DIR/scripts/gen-docs" gen $bins &&
	for cmd in $COMMANDS; do
		for f in share/man/man1/$cmd.1 completions/bash/$cmd completions/zsh/_$cmd \
			completions/fish/$cmd.fish; do
			test_cmp "$SRC_DIR/$f" "gen/$f" || {
				echo "$f differs from what scripts/gen-docs makes: run make docs" >&2
				return 1
			}
		done
	done
'

# sample KIND: a value the parser takes for an argument of KIND.
sample() {
	case $1 in
	file) echo /dev/null ;;
	dir) echo "$TRASH" ;;
	time) echo 2026-01-25T08:00:00+08:00 ;;
	date | journal-day) echo 2026-01-25 ;;
	day) echo today ;;
	number | seconds) echo 1 ;;
	size) echo 1M ;;
	url) echo http://127.0.0.1/ ;;
	gate) echo north ;;
	class) echo resident ;;
	household) echo 1-1-101 ;;
	choice:*) set -- ${1#choice:}; echo "$1" ;;
	*) echo x ;;
	esac
}

# probes CMD: one line per option and subcommand that takes it:
# "SUB|LONG|SHORT|KIND" (SUB and SHORT may be empty; KIND "-" for no argument).
probes() {
	"$CG_BUILD/bin/$1" --dump-options | jq -rs '
		[.[] | select(.subcommand) | .subcommand] as $subs
		| .[] | select(.option and .option != "help" and .option != "version")
		| . as $o
		| (if .sub then [.sub] elif ($subs | length) == 0 then [""]
		   elif .subs then .subs else $subs end)[]
		| "\(.)|\($o.option)|\($o.short // "")|\(if $o.arg then $o.complete // "text" else "-" end)"'
}

for cmd in $COMMANDS; do
	test_expect_success JQ "$cmd: every option described is taken by the parser, in --help, the man page and the completions" '
		probes $cmd >probes &&
		test -s probes &&
		while IFS="|" read -r sub long short kind; do
			if [ "$kind" = - ]; then val=; else val=$(sample "$kind"); fi
			for flag in --$long ${short:+-$short}; do
				if [ -n "$val" ]; then
					set -- $sub "$flag" "$val" --help
				else
					set -- $sub "$flag" --help
				fi
				"$cmd" "$@" >help 2>err || {
					echo "$cmd $*: exit $?" >&2; cat err >&2; return 1
				}
				grep -q -e "--$long\\( \\|\$\\)" help || {
					echo "$cmd $sub --help does not show --$long" >&2; return 1
				}
			done
			grep -q "^\\.It .*Fl -$long\\( \\|\$\\)" "$SRC_DIR/share/man/man1/$cmd.1" || {
				echo "$cmd.1 has no item for --$long" >&2; return 1
			}
			grep -q -e "--$long\\b" "$SRC_DIR/completions/bash/$cmd" &&
			grep -q -e "--$long\\b" "$SRC_DIR/completions/zsh/_$cmd" &&
			grep -q -e "-l $long\\b" "$SRC_DIR/completions/fish/$cmd.fish" || {
				echo "a completion of $cmd lacks --$long" >&2; return 1
			}
		done <probes
	'
done

test_expect_success JQ 'an option given to a subcommand that does not take it is a usage error naming it' '
	for cmd in cg-duty cg-journal cg-pass cg-quarantine cg-sync; do
		"$cmd" --dump-options | jq -rs "
			[.[] | select(.subcommand) | .subcommand] as \$subs
			| [.[] | select(.option)] as \$o
			| \$subs[] as \$s | (\$o | map(.option) | unique)[] as \$n
			| select(any(\$o[]; .option == \$n and (.sub == \$s or (.sub == null
				and (.subs == null or any(.subs[]; . == \$s))))) | not)
			| [\$o[] | select(.option == \$n)][0] as \$e
			| \"\\(\$s) \\(\$n) \\(if \$e.arg then \"x\" else \"\" end)\"" |
			sort -u >bad &&
		test -s bad &&
		while read -r sub long val; do
			test_expect_code 2 "$cmd" "$sub" "--$long" $val >out 2>err || return 1
			grep -q "^$cmd: --$long does not go with .$sub.\$" err || {
				cat err >&2; return 1
			}
			test_must_fail test -s out || return 1
		done <bad
	done
'

test_expect_success MANDOC 'mandoc -T lint finds nothing wrong with the pages' '
	for cmd in $COMMANDS; do
		mandoc -T lint -W warning "$SRC_DIR/share/man/man1/$cmd.1" >lint 2>&1
		code=$?
		grep -v "mandoc.db" lint >lint2
		if [ $code -ne 0 ] || [ -s lint2 ]; then
			cat lint2 >&2
			return 1
		fi
	done
'

test_expect_success MANDOC 'the SYNOPSIS of each page reads as the usage of its --help' '
	for cmd in $COMMANDS; do
		"$cmd" --help | sed -n -e "/^Usage: /,/^[^ U]/{" -e "s/^Usage: //p" -e t \
			-e "s/^ *or: //p" -e t -e "s/^ \{1,\}//p" -e "}" >expect &&
		mandoc -T ascii "$SRC_DIR/share/man/man1/$cmd.1" | sed "s/.$(printf "\b")//g" |
			sed -n "/^SYNOPSIS/,/^[A-Z]/{/^ /p;}" | sed "s/^ *//" >actual &&
		test_cmp expect actual || return 1
	done
'

for cmd in $COMMANDS; do
	test_expect_success "$cmd: --help and --version to a full disk: exit 3 and a message" '
		test_expect_code 3 "$cmd" --help >/dev/full 2>err &&
		grep -q "^$cmd: cannot write to standard output: No space left on device\$" err &&
		test_expect_code 3 "$cmd" --version >/dev/full 2>err &&
		grep -q "^$cmd: cannot write to standard output: " err &&
		case $cmd in
		cg-pass) sub=issue ;;
		cg-quarantine) sub=due ;;
		cg-duty) sub=due ;;
		cg-sync) sub=push ;;
		cg-journal) sub=verify ;;
		*) sub= ;;
		esac &&
		if [ -n "$sub" ]; then
			test_expect_code 3 "$cmd" $sub --help >/dev/full 2>err &&
			grep -q "^$cmd: cannot write to standard output: " err
		fi
	'
done

test_expect_success ZH_LOCALE 'with LANGUAGE=zh_CN every help line of every option and subcommand is Chinese' '
	for cmd in $COMMANDS; do
		LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$cmd" --help >help &&
		grep -q "^用法：$cmd" help &&
		sed "/^退出状态/,\$d" help | grep -e "^  -. " -e "^      --" -e "^  [a-z]" >lines &&
		test -s lines &&
		if LC_ALL=C grep -v "[^ -~]" lines; then
			echo "$cmd: lines of --help not translated" >&2
			return 1
		fi
	done
'

help_argopts() {
	sed -n 's/^ \{1,8\}-\([A-Za-z0-9]\), \{1,\}--\([A-Za-z0-9-]*\)[ =][A-Z].*/-\1 --\2/p
		s/^ \{1,8\}--\([A-Za-z0-9-]*\)[ =][A-Z].*/--\1/p' "$1"
}

cg-checkin --help >"$TRASH/cg-checkin.help"

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
