#!/bin/sh
test_description='the Debian package: build, lintian, systemd units, system mode'
. "${0%/*}/../lib/test-lib.sh"

# The package is built from the source, not from the build under test, so
# once per make check (in the plain build's run), from a copy of the tree:
# dpkg-buildpackage writes beside the tree it builds, and debian/build and
# the package's staging tree must not land in the developer's clone.
# Built with noopt (-O0, Debian's own option): what is checked here is the
# packaging, and it halves the compile; scripts/fresh-check --deb builds
# and installs the package as it is released.
UNITS="cg-report.service cg-report.timer cg-sync@.service cg-sync@.timer cg-sync-follow@.service"

test_expect_success DEBBUILD,PLAIN_BUILD 'make deb builds cg_VERSION_ARCH.deb' '
	mkdir src &&
	(cd "$SRC_DIR" && git ls-files -z -c -o --exclude-standard) |
	(cd "$SRC_DIR" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
	(cd src && tar -xf -) &&
	test -f src/debian/rules &&
	version=$(sed -n "s/^VERSION = //p" src/Makefile) &&
	DEB_BUILD_OPTIONS="nocheck noddebs noopt parallel=2" make -C src deb >build.log 2>&1 ||
	{ tail -n 30 build.log; exit 1; } &&
	ls src/build/deb/cg_${version}_*.deb >deb-name &&
	test_line_count = 1 deb-name && deb_name=$(cat deb-name) &&
	mv src/build/deb/* . && test_must_fail ls cg-dbgsym_* 2>/dev/null &&
	mv cg_${version}_*.deb cg.deb &&
	ln -s cg.deb "${deb_name##*/}" && rm -rf src
'

test_expect_success DEBBUILD,PLAIN_BUILD 'the package holds the commands, docs, catalog, data and units' '
	dpkg-deb -c cg.deb | awk "{ print \$6 }" | sed "s|^\./|/|" >files &&
	for f in /usr/bin/cg-checkin /usr/bin/cg-duty /usr/bin/cg-pass /usr/bin/cg-quarantine \
		/usr/bin/cg-report /usr/bin/cg-sync \
		/usr/share/man/man1/cg-checkin.1.gz /usr/share/man/man1/cg-sync.1.gz \
		/usr/share/man/man7/cg.7.gz \
		/usr/share/locale/zh_CN/LC_MESSAGES/cg.mo \
		/usr/share/bash-completion/completions/cg-report \
		/usr/share/zsh/vendor-completions/_cg-report \
		/usr/share/fish/vendor_completions.d/cg-report.fish \
		/usr/share/cg/config.json /usr/share/cg/sample/gate-day.jsonl \
		/usr/share/cg/clickhouse/schema.sql \
		/usr/share/doc/cg/copyright /usr/lib/tmpfiles.d/cg.conf \
		/lib/systemd/system/cg-report.timer /lib/systemd/system/cg-sync@.timer \
		/lib/systemd/system/cg-sync-follow@.service; do
		grep -qx "$f" files || { echo "missing $f"; exit 1; }
	done &&
	for f in share/man/zh_CN/man1/*.1; do
		[ -f "$SRC_DIR/$f" ] || continue
		grep -qx "/usr/${f#share/}.gz" files || { echo "missing $f"; exit 1; }
	done
'

test_expect_success DEBBUILD,PLAIN_BUILD 'its man pages name /usr, where it installs, not /usr/local' '
	mkdir -p x && dpkg-deb -x cg.deb x &&
	zcat x/usr/share/man/man1/cg-checkin.1.gz >page &&
	grep -q "^\.Pa /usr/share/cg/config.json" page &&
	grep -q "^\.Pq Pa /usr/share/locale" page &&
	for f in x/usr/share/man/*/*.gz x/usr/share/man/zh_CN/*/*.gz; do
		[ -f "$f" ] || continue
		if zcat "$f" | grep -n "/usr/local"; then
			echo "$f names /usr/local"; return 1
		fi
	done
'

test_expect_success DEBBUILD,PLAIN_BUILD 'dependencies come from the libraries linked (shlibs)' '
	dpkg-deb -f cg.deb Depends | tr "," "\n" | sed "s/^ *//; s/ .*//" >depends &&
	for p in adduser libc6 libcurl4 libjansson4 libsodium23 libqrencode4 zlib1g; do
		grep -qx "$p" depends || { echo "no $p in Depends"; cat depends; exit 1; }
	done
'

test_expect_success DEBBUILD,PLAIN_BUILD 'lintian: no errors, no warnings' '
	lintian --fail-on error,warning -EIL +pedantic cg_*.changes >lintian.out 2>lintian.err ||
	{ cat lintian.out lintian.err; exit 1; } &&
	test_must_fail grep "^[EW]: " lintian.out
'

test_expect_success 'every build package of scripts/deps is a Build-Depends' '
	sed -n "/^BUILD_PACKAGES=\"/,/^\"/p" "$SRC_DIR/scripts/deps" |
	grep -E -e "-dev\$" -e "^(pkg-config|gettext)\$" | sort >want &&
	test -s want &&
	sed -n "/^Build-Depends:/,/^[^ ]/p" "$SRC_DIR/debian/control" |
	sed -n "s/^ \([a-z0-9.+-]*\).*/\1/p" | sort >have &&
	comm -23 want have >missing &&
	test_must_fail test -s missing
'

# A root for systemd-analyze: the units, the commands they run, a shell
# and the host's targets (timers.target, network-online.target...).
unit_root() {
	mkdir -p root/lib/systemd/system root/usr/bin root/bin &&
	cp "$SRC_DIR"/debian/systemd/* root/lib/systemd/system/ &&
	cp /lib/systemd/system/*.target root/lib/systemd/system/ &&
	cp "$CG_BUILD"/bin/cg-* root/usr/bin/ &&
	cp "$(command -v sh)" root/bin/sh
}

test_expect_success SYSTEMD_ANALYZE 'systemd-analyze verify: the units are clean' '
	unit_root &&
	systemd-analyze verify --man=no --root="$PWD/root" \
		/lib/systemd/system/cg-report.service /lib/systemd/system/cg-report.timer \
		/lib/systemd/system/cg-sync@city.service /lib/systemd/system/cg-sync@city.timer \
		/lib/systemd/system/cg-sync-follow@city.service \
		>verify.out 2>&1 &&
	test_must_fail test -s verify.out
'

test_expect_success SYSTEMD_ANALYZE 'systemd-analyze verify sees a misspelt directive' '
	cp root/lib/systemd/system/cg-report.service saved &&
	test_when_finished "cp saved root/lib/systemd/system/cg-report.service" &&
	echo "ProtectSystm=strict" >>root/lib/systemd/system/cg-report.service &&
	systemd-analyze verify --man=no --root="$PWD/root" \
		/lib/systemd/system/cg-report.service >verify.out 2>&1 ;
	grep -q "Unknown key" verify.out
'

test_expect_success SYSTEMD_ANALYZE 'systemd-analyze security: each service is OK or better' '
	for u in cg-report.service cg-sync@city.service cg-sync-follow@city.service; do
		systemd-analyze security --offline=yes --root="$PWD/root" "$u" >sec.out 2>&1 ||
		{ cat sec.out; exit 1; }
		grep "Overall exposure level" sec.out
		grep -Eq "Overall exposure level for $u: [0-9.]+ (SAFE|OK)" sec.out ||
		{ cat sec.out; exit 1; }
	done
'

test_expect_success 'the units are sandboxed as the package promises' '
	for u in cg-report.service cg-sync@.service cg-sync-follow@.service; do
		f=$SRC_DIR/debian/systemd/$u &&
		for d in User=cg StateDirectory=cg ProtectSystem=strict ProtectHome=yes \
			PrivateTmp=yes NoNewPrivileges=yes CapabilityBoundingSet= \
			Environment=CG_HOME=/var/lib/cg; do
			grep -qx "$d" "$f" || { echo "$u: no $d"; exit 1; }
		done
	done &&
	for u in $UNITS; do
		test -f "$SRC_DIR/debian/systemd/$u" || exit 1
	done &&
	test_must_fail grep -h "^\(ReadWritePaths\|AmbientCapabilities\)=." \
		"$SRC_DIR"/debian/systemd/*.service
'

# The shell of cg-report.service, as systemd runs it ($$ and %% unescaped),
# with a date(1) whose yesterday is 2026-01-25, the day of the sample.
report_unit() {
	mkdir -p shim &&
	printf "#!/bin/sh\necho 2026-01-25\n" >shim/date && chmod +x shim/date &&
	sed -n "s/^ExecStart=\/bin\/sh -c //p" "$SRC_DIR/debian/systemd/cg-report.service" |
	sed "s/^'//; s/'\$//; s/\\$\\$/\$/g; s/%%/%/g; s|/usr/bin/||g" >report-unit.sh &&
	test -s report-unit.sh &&
	PATH=$PWD/shim:$PATH CG_REPORT_DIR=$PWD/reports sh report-unit.sh >report.out
}

test_expect_success 'cg-report.service: a day without alerts: the page, success' '
	write_config "{\"gates\":[\"north\"],\"policy\":{\"duty_gap_max_min\":1440}}" &&
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" |
	cg-checkin --now 2026-01-25T12:00:00+08:00 >/dev/null &&
	report_unit &&
	test -s reports/2026-01-25.html &&
	test_must_fail test -e reports/2026-01-25.html.tmp &&
	grep -q "^Daily report" report.out
'

test_expect_success 'cg-report.service: a day with an alert (a fever) fails the unit, page made' '
	rm -rf reports "$CG_HOME" &&
	cg-checkin --now 2026-01-25T23:00:00+08:00 <"$SRC_DIR/share/cg/sample/gate-day.jsonl" >/dev/null &&
	test_expect_code 5 report_unit &&
	test -s reports/2026-01-25.html &&
	grep -q "^  alert " report.out
'

test_expect_success 'cg-report.service: no page, no report when the folder cannot be made' '
	rm -rf reports && : >reports &&
	test_must_fail report_unit &&
	test_must_fail test -s report.out
'

# The system mode, in a private mount namespace: a passwd with a user
# whose home is /var/lib/cg, and a tmpfs on /var/lib to hold it.
as_system_user() {
	unshare -m --propagation private sh -c '
		cp /etc/passwd passwd && echo "cgtest:x:4242:4242::/var/lib/cg:/bin/sh" >>passwd &&
		mount --bind "$PWD/passwd" /etc/passwd &&
		mount -t tmpfs -o mode=755 cg-test /var/lib &&
		install -d -o 4242 -g 4242 -m 0700 /var/lib/cg &&
		setpriv --reuid=4242 --regid=4242 --clear-groups env HOME=/nonexistent "$@" &&
		find /var/lib/cg -type f | sort >system-files
	' - "$@"
}

test_expect_success ROOT_NS 'a user whose passwd home is /var/lib/cg keeps its data there' '
	echo "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"staff\",\"temp\":36.5,\"mask\":true}" >in.jsonl &&
	as_system_user sh -c "unset CG_HOME; cg-checkin --now $NOW" <in.jsonl >out &&
	test "$(jq -r .decision out)" = admit &&
	grep -qx /var/lib/cg/journal/checkin/2026-01-25.jsonl system-files
'

test_expect_success ROOT_NS 'CG_HOME still comes first for that user' '
	as_system_user sh -c "CG_HOME=/var/lib/cg/other cg-checkin --now $NOW" <in.jsonl >out &&
	grep -qx /var/lib/cg/other/journal/checkin/2026-01-25.jsonl system-files &&
	test_must_fail grep -qx /var/lib/cg/journal/checkin/2026-01-25.jsonl system-files
'

test_expect_success ROOT_NS 'the bash completion looks in /var/lib/cg for that user' '
	as_system_user bash -c "unset CG_HOME; . \"\$1\"; COMP_WORDS=(cg-report \"\"); _cg_home" \
		bash "$SRC_DIR/completions/bash/cg-report" >out &&
	echo /var/lib/cg >expect &&
	test_cmp expect out
'

test_done
