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

# Where the catalog is found when CG_LOCALEDIR is not set (core/i18n.h).
# A catalog of one message marks each place, so that the test sees which
# one was read.
marked_mo() {
	mkdir -p "$1/zh_CN/LC_MESSAGES" &&
	printf "%s\n" "msgid \"\"" "msgstr \"Content-Type: text/plain; charset=UTF-8\\n\"" \
		"msgid \"Usage: \"" "msgstr \"$2 \"" >"$TRASH/marked.po" &&
	msgfmt -o "$1/zh_CN/LC_MESSAGES/cg.mo" "$TRASH/marked.po"
}
# The catalog directory compiled in (the first word of BUILD-FLAGS).
INSTALLED=$(sed -n "1s/ .*//p" "$CG_BUILD/BUILD-FLAGS")
installed_catalog() {
	ls "$INSTALLED"/*/LC_MESSAGES/cg.mo >/dev/null 2>&1
}
no_env() {
	env -u CG_LOCALEDIR LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL= "$@"
}

test_expect_success 'from the build tree, LANGUAGE=zh_CN speaks Chinese without CG_LOCALEDIR or make install' '
	test -f "$CG_BUILD/locale/zh_CN/LC_MESSAGES/cg.mo" &&
	no_env "$CG_BUILD/bin/cg-checkin" --help >help &&
	grep -q "^用法：cg-checkin" help &&
	no_env "$CG_BUILD/bin/cg-pass" --help >help &&
	grep -q "^用法：cg-pass" help
'

test_expect_success 'a build tree reads its own catalog, not the installed one' '
	mkdir -p tree/bin && cp "$CG_BUILD/bin/cg-checkin" tree/bin/ &&
	marked_mo tree/locale BUILD-TREE: &&
	no_env tree/bin/cg-checkin --help >help &&
	grep -q "^BUILD-TREE: cg-checkin" help
'

test_expect_success 'CG_LOCALEDIR still comes first' '
	marked_mo elsewhere FROM-ENV: &&
	env CG_LOCALEDIR="$TRASH/elsewhere" LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL= \
		tree/bin/cg-checkin --help >help &&
	grep -q "^FROM-ENV: cg-checkin" help
'

test_expect_success 'an install moved elsewhere reads PREFIX/share/locale, when the compiled-in place has none' '
	if installed_catalog; then
		echo "$INSTALLED has a catalog of cg: it is read first" && return 0
	fi &&
	mkdir -p moved/bin && cp "$CG_BUILD/bin/cg-checkin" moved/bin/ &&
	marked_mo moved/share/locale MOVED: &&
	no_env moved/bin/cg-checkin --help >help &&
	grep -q "^MOVED: cg-checkin" help &&
	mkdir lone && cp "$CG_BUILD/bin/cg-checkin" lone/ &&
	no_env lone/cg-checkin --help >help &&
	grep -q "^Usage: cg-checkin" help
'

test_done
