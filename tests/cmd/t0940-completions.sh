#!/bin/sh
test_description='bash completions offer the values of the data directory'
. "${0%/*}/../lib/test-lib.sh"

# complete CMD WORD...: what bash completion of CMD offers for the last
# WORD (may be empty), one per line, sorted.
complete_words() {
	cw_cmd=$1
	shift
	bash -c '
		. "$1/completions/bash/$2"
		fn=$(complete -p "$2" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		"$fn" 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"
	' - "$SRC_DIR" "$cw_cmd" "$cw_cmd" "$@" | sed "/^\$/d" | sort
}

test_expect_success JQ 'setup: gates, a check-in day, passes, a case' '
	write_config "{\"gates\":[\"east\",\"west\"],\"targets\":{\"city\":{\"url\":\"http://127.0.0.1:9/x\"}}}" &&
	echo "{\"gate\":\"east\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
	cg-checkin --now 2026-01-25T08:00:00+08:00 >/dev/null &&
	echo "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\"}" |
	cg-pass issue --now 2026-01-25T09:00:00+08:00 >pass.json &&
	echo "{\"name\":\"李四\",\"phone\":\"13812348000\",\"household\":\"1-1-101\",\"reason\":\"risk_area_return\"}" |
	cg-quarantine open --now 2026-01-25T09:00:00+08:00 >case.json
'

test_expect_success JQ 'cg-checkin --gate offers the gates of config.json' '
	complete_words cg-checkin --gate "" >got &&
	printf "east\nwest\n" >want && test_cmp want got &&
	complete_words cg-checkin -g w >got &&
	echo west >want && test_cmp want got
'

test_expect_success JQ 'cg-checkin --verify offers the days that have a journal' '
	complete_words cg-checkin --verify "" >got &&
	echo 2026-01-25 >want && test_cmp want got
'

test_expect_success JQ 'cg-pass revoke offers the pass ids issued' '
	complete_words cg-pass revoke "" >got &&
	jq -r .pass_id pass.json >want && test_cmp want got
'

test_expect_success JQ 'cg-pass list --household offers the households with passes' '
	complete_words cg-pass list --household "" >got &&
	echo 3-2-501 >want && test_cmp want got
'

test_expect_success JQ 'cg-quarantine show offers the case ids' '
	complete_words cg-quarantine show "" >got &&
	jq -r .case_id case.json >want && test_cmp want got
'

test_expect_success JQ 'cg-report --format offers its formats; --home points elsewhere' '
	complete_words cg-report --format "" >got &&
	printf "csv\nhtml\njson\nmd\ntext\n" >want && test_cmp want got &&
	complete_words cg-checkin --home /nonexistent --gate "" >got &&
	printf "north\nsouth\n" >want && test_cmp want got
'

test_expect_success 'subcommands and options are offered' '
	complete_words cg-pass "" >got &&
	grep -qx issue got && grep -qx revoke got &&
	complete_words cg-report --fo >got &&
	echo --format >want && test_cmp want got
'

test_done
