#!/bin/sh
# build-independent: the catalogs
test_description='zh_CN: every message of the sources has a translation'
. "${0%/*}/../lib/test-lib.sh"

# The template is made afresh from the sources, as "make pot" does, so a
# message added without a translation fails here, not in front of a user.
test_expect_success 'the catalogue compiles and has no fuzzy entry' '
	msgfmt --check -o /dev/null "$SRC_DIR/share/po/zh_CN.po" &&
	msgattrib --only-fuzzy "$SRC_DIR/share/po/zh_CN.po" >fuzzy &&
	test_line_count = 0 fuzzy
'

test_expect_success 'every message in the sources has a zh_CN translation' '
	(cd "$SRC_DIR" && xgettext --from-code=UTF-8 -k_ -kN_ -o "$TRASH/fresh.pot" \
		cmd/*.c lib/*/*.c) &&
	msgcmp "$SRC_DIR/share/po/zh_CN.po" fresh.pot 2>missing ||
	{ cat missing >&2; false; }
'

test_expect_success 'no translation is empty' '
	msgattrib --untranslated "$SRC_DIR/share/po/zh_CN.po" >untranslated &&
	test_line_count = 0 untranslated
'

test_expect_success 'the check sees a message without a translation' '
	printf "%s\n" "#include <libintl.h>" "#define _(s) gettext(s)" \
		"const char *f(void) { return _(\"a message nobody translated\"); }" >new.c &&
	xgettext --from-code=UTF-8 -k_ -o with-new.pot new.c &&
	test_must_fail msgcmp "$SRC_DIR/share/po/zh_CN.po" with-new.pot 2>/dev/null
'

test_done
