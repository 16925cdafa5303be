#!/bin/sh
test_description='cg-checkin: messages follow the locale (zh_CN catalog)'
. "${0%/*}/../lib/test-lib.sh"

zh() {
	LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$@"
}

test_expect_success 'the catalog is complete: every message translated' '
	msgfmt --check --statistics -o /dev/null "$SRC_DIR/share/po/zh_CN.po" 2>stats &&
	grep -q "translated messages" stats &&
	test_must_fail grep -q "untranslated\\|fuzzy" stats
'

test_expect_success ZH_LOCALE 'input errors in Chinese, with the FILE:LINE prefix kept' '
	echo "{\"gate\":\"west\",\"dir\":\"in\",\"kind\":\"staff\"}" >in &&
	zh test_expect_code 1 cg-checkin --dry-run <in 2>err &&
	grep -q "^cg-checkin: stdin:1: 未知门岗 .west." err
'

test_expect_success ZH_LOCALE 'the same error in English without LANGUAGE' '
	test_expect_code 1 cg-checkin --dry-run <in 2>err &&
	grep -q "^cg-checkin: stdin:1: unknown gate .west." err
'

test_expect_success ZH_LOCALE 'ID number reasons are translated' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"id_no\":\"110101199003074515\"}" >in &&
	zh test_expect_code 1 cg-checkin --dry-run <in 2>err &&
	grep -q "校验" err
'

test_expect_success ZH_LOCALE '--help in Chinese; records stay English codes' '
	zh cg-checkin --help >help &&
	grep -q "^用法：cg-checkin" help &&
	grep -q -- "--rejects" help &&
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":37.5,\"mask\":true}" |
	zh cg-checkin --dry-run --now "$NOW" >out &&
	test "$(jq -r ".decision + \" \" + .reasons[0]" out)" = "deny fever"
'

test_expect_success DE_LOCALE 'numbers are written with a decimal point in any locale' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.6,\"mask\":true}" |
	LC_ALL=de_DE.UTF-8 cg-checkin --dry-run --now "$NOW" >out &&
	grep -q "\"temp\":36.6," out &&
	test "$(LC_ALL=de_DE.UTF-8 locale decimal_point)" = ","
'

test_done
