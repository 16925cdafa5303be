#!/bin/sh
# build-independent: the man pages' translations
test_description='the zh_CN man pages: whole translations of the English pages, and they render'
. "${0%/*}/../lib/test-lib.sh"

# The pages translated (share/man/po/po4a.cfg lists them).
PAGES="man7/cg.7 man1/cg-checkin.1"
HOW="run 'make man-po', translate in share/man/po/zh_CN.po every entry it leaves untranslated or fuzzy, run 'make man-po' again and commit share/man/po and share/man/zh_CN"

test_expect_success 'the committed catalogue is whole: nothing untranslated or fuzzy' '
	msgfmt --check -o /dev/null "$SRC_DIR/share/man/po/zh_CN.po" &&
	msgattrib --untranslated "$SRC_DIR/share/man/po/zh_CN.po" >untranslated &&
	msgattrib --only-fuzzy "$SRC_DIR/share/man/po/zh_CN.po" >fuzzy &&
	if test -s untranslated || test -s fuzzy; then
		cat untranslated fuzzy >&2
		echo "share/man/po/zh_CN.po is not whole: $HOW" >&2
		false
	fi
'

test_expect_success MANDOC 'mandoc -T lint finds nothing wrong with the zh_CN pages' '
	for p in $PAGES; do
		test -f "$SRC_DIR/share/man/zh_CN/$p" || { echo "no share/man/zh_CN/$p" >&2; return 1; }
		mandoc -T lint -W warning "$SRC_DIR/share/man/zh_CN/$p" >lint 2>&1
		code=$?
		grep -v "mandoc.db" lint >lint2
		if [ $code -ne 0 ] || [ -s lint2 ]; then
			cat lint2 >&2
			return 1
		fi
	done
'

test_expect_success 'man -l renders them in Chinese, section by section' '
	for p in $PAGES; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$SRC_DIR/share/man/zh_CN/$p" >page 2>err ||
			{ cat err >&2; return 1; }
		test_must_fail test -s err &&
		grep -q "^描述" page &&
		grep -q "^退出状态" page &&
		grep -q "^示例" page &&
		grep -q "^参见" page || { echo "$p: a section heading is not Chinese" >&2; return 1; }
	done &&
	grep -q "门岗检查" page
'

# po4a run on a copy of the pages, the catalogue and the configuration:
# it must find every entry of the English pages as committed translated,
# and make the committed zh_CN pages byte for byte.
regen() {
	rm -rf tree && mkdir -p tree/share/man &&
	cp -R "$SRC_DIR/share/man/man1" "$SRC_DIR/share/man/man7" \
		"$SRC_DIR/share/man/po" "$SRC_DIR/share/man/zh_CN" tree/share/man/ &&
	if [ -n "${1-}" ]; then
		printf "%s\n" ".Pp" "$1" >>tree/share/man/man7/cg.7
	fi &&
	rm -rf tree/share/man/zh_CN &&
	(cd tree && po4a -q --porefs file --keep 0 share/man/po/po4a.cfg) >po4a.log 2>&1 ||
		{ cat po4a.log >&2; return 1; }
	msgattrib --untranslated tree/share/man/po/zh_CN.po >untranslated &&
	msgattrib --only-fuzzy tree/share/man/po/zh_CN.po >fuzzy &&
	if test -s untranslated || test -s fuzzy; then
		grep "^msgid" untranslated fuzzy >&2
		echo "the English pages changed without their translation: $HOW" >&2
		return 1
	fi
}

test_expect_success PO4A 'every entry of the English pages as committed is translated' '
	regen
'

test_expect_success PO4A 'the committed zh_CN pages are what po4a makes of them' '
	regen &&
	for p in $PAGES; do
		cmp "$SRC_DIR/share/man/zh_CN/$p" "tree/share/man/zh_CN/$p" || {
			echo "share/man/zh_CN/$p is not what po4a makes: $HOW" >&2
			return 1
		}
	done
'

test_expect_success PO4A 'a sentence added to an English page without its translation fails the check' '
	test_must_fail regen "A sentence nobody translated yet." 2>err &&
	grep -q "A sentence nobody translated yet" err &&
	grep -q "make man-po" err
'

test_done
