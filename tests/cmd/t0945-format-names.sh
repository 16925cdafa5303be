#!/bin/sh
test_description='--format: one spelling of each name in every command (text, or txt; md, or markdown), one message for an unknown one listing the names'
. "${0%/*}/../lib/test-lib.sh"

# Every --format a command describes, as "COMMAND ARGS... NAMES...": the
# subcommand (release --format goes with --explain, dead with list) and
# the names it takes.
format_options() {
	for cmd in cg-duty cg-journal cg-pass cg-quarantine cg-report cg-sync; do
		"$cmd" --dump-options | jq -r --arg cmd "$cmd" '
			select(.option == "format") as $o
			| (if $o.sub then [$o.sub] elif $o.subs then $o.subs else [""] end)[]
			| . as $s
			| {"release": "release --explain", "dead": "dead list t"}[$s] // $s
			| "\($cmd)|\(.)|\($o.complete | ltrimstr("choice:"))"' || return 1
	done
}

test_expect_success JQ,PLAIN_BUILD 'an unknown name: usage error listing the names the option describes' '
	format_options >options &&
	test_line_count -ge 15 options &&
	while IFS="|" read -r cmd sub names
	do
		list=$(echo "$names" | sed "s/ /, /g") &&
		test_expect_code 2 $cmd $sub --format bogus </dev/null >out 2>err &&
		echo "$cmd: unknown format '"'"'bogus'"'"' for --format ($list)" >expect &&
		head -n 1 err >actual &&
		test_cmp expect actual || { echo "=> $cmd $sub" >&2; return 1; }
	done <options
'

test_expect_success JQ,PLAIN_BUILD 'wherever text is a format, txt is the same; text and json are spelt so everywhere' '
	grep "|.*\<text\>" options >text-options &&
	test_line_count -ge 12 text-options &&
	! grep -e "\<txt\>" -e "\<jsonl\>" -e "\<markdown\>" options &&
	cg-quarantine stats --format txt --now "$NOW" >txt &&
	cg-quarantine stats --format text --now "$NOW" >text &&
	test_cmp text txt &&
	cg-report --format txt --now "$NOW" >txt &&
	cg-report --format text --now "$NOW" >text &&
	test_cmp text txt &&
	cg-report --format markdown --now "$NOW" >markdown &&
	cg-report --format md --now "$NOW" >md &&
	test_cmp md markdown &&
	cg-pass print --format txt </dev/null &&
	cg-duty care --format txt --now "$NOW" >/dev/null &&
	cg-sync status --format txt >/dev/null &&
	cg-journal verify --format txt >/dev/null
'

test_done
