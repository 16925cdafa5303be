#!/bin/sh
test_description='make install and uninstall honour PREFIX and DESTDIR'
. "${0%/*}/../lib/test-lib.sh"

SAN=
case $CG_BUILD in *build-san) SAN=SANITIZE=1 ;; esac
D=$TRASH/dest

# The default PREFIX, so that the build under test is not rebuilt.
test_expect_success 'install into DESTDIR under PREFIX' '
	make -s -C "$SRC_DIR" install O="$CG_BUILD" $SAN DESTDIR="$D" >log 2>&1 &&
	for c in cg-checkin cg-duty cg-journal cg-pass cg-quarantine cg-report cg-sync; do
		test -x "$D/usr/local/bin/$c" || exit 1
	done &&
	test -f "$D/usr/local/share/man/man1/cg-checkin.1" &&
	test -f "$D/usr/local/share/man/man7/cg.7" &&
	test -f "$D/usr/local/share/man/zh_CN/man1/cg-checkin.1" &&
	test -f "$D/usr/local/share/man/zh_CN/man7/cg.7" &&
	test -f "$D/usr/local/share/locale/zh_CN/LC_MESSAGES/cg.mo" &&
	test -f "$D/usr/local/share/cg/config.json" &&
	test -f "$D/usr/local/share/cg/sample/gate-day.jsonl" &&
	test -f "$D/usr/local/share/cg/clickhouse/schema.sql" &&
	test -f "$D/usr/local/share/cg/clickhouse/report/totals.sql" &&
	test -f "$D/usr/local/share/cg/clickhouse/cluster/schema.sql" &&
	test -f "$D/usr/local/share/cg/clickhouse/README" &&
	test -x "$D/usr/local/share/cg/clickhouse/daily-report" &&
	test -f "$D/usr/local/share/cg/clickhouse/report/daily.jq" &&
	test -f "$D/usr/local/share/cg/elasticsearch/index-template.json" &&
	test -f "$D/usr/local/share/bash-completion/completions/cg-checkin" &&
	test -f "$D/usr/local/share/zsh/site-functions/_cg-checkin" &&
	test -f "$D/usr/local/share/fish/vendor_completions.d/cg-checkin.fish"
'

test_expect_success 'the installed binary works and finds its catalog without CG_LOCALEDIR' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
	"$D/usr/local/bin/cg-checkin" --dry-run --now "$NOW" >out &&
	test "$(jq -r .decision out)" = admit &&
	test "$(strings "$D/usr/local/bin/cg-checkin" | grep -c "^/usr/local/share/locale$")" -ge 1
'

test_expect_success 'the build records the flags that a new PREFIX must rebuild' '
	grep -q "^/usr/local/share/locale " "$CG_BUILD/BUILD-FLAGS"
'

# install-man alone, which install runs: another PREFIX would rebuild
# the build under test (its catalog directory is compiled in).
test_expect_success 'the installed man pages name the PREFIX, not /usr/local' '
	make -s -C "$SRC_DIR" install-man PREFIX=/opt/x DESTDIR="$TRASH/opt" >log 2>&1 &&
	M=$TRASH/opt/opt/x/share/man &&
	grep -q "^\.Pa /opt/x/share/cg/config.json" "$M/man1/cg-checkin.1" &&
	grep -q "^\.Pq Pa /opt/x/share/locale" "$M/man1/cg-checkin.1" &&
	grep -q "^\.Pa /opt/x/share/cg/config.json" "$M/zh_CN/man1/cg-checkin.1" &&
	grep -q "/opt/x/share/cg/report.schema.json" "$M/man1/cg-report.1" &&
	test -f "$M/man7/cg.7" && test -f "$M/zh_CN/man7/cg.7" &&
	test_must_fail grep -r -n "/usr/local" "$M"
'

test_expect_success 'uninstall removes what install put there' '
	make -s -C "$SRC_DIR" uninstall O="$CG_BUILD" $SAN DESTDIR="$D" >log 2>&1 &&
	find "$D" -type f >left &&
	test_must_fail test -s left
'

test_done
