#!/bin/sh
test_description='cg-pass print: sheets whose QR codes read back as the tokens'
. "${0%/*}/../lib/test-lib.sh"


decode_png() {
	zbarimg -q --raw "$1" 2>/dev/null | sort
}

test_expect_success 'setup: ten passes' '
	i=0 && while [ $i -lt 9 ]; do
		printf "{\"name\":\"住户%d\",\"phone\":\"1380000%04d\",\"household\":\"%d-1-101\"}\n" $i $i $((i + 1))
		i=$((i + 1))
	done >people &&
	echo "{\"plate\":\"京N·8F2K1\",\"household\":\"7-1-301\"}" >>people &&
	cg-pass issue --now "$NOW" <people >passes &&
	test_line_count = 10 passes &&
	jq -r .token passes | sort >tokens
'

test_expect_success 'svg: one A4 sheet per eight cards' '
	cg-pass print --format svg <passes >sheets.svg &&
	test "$(grep -c "^<?xml" sheets.svg)" = 2 &&
	grep -q "width=\"210mm\" height=\"297mm\"" sheets.svg &&
	csplit -s -z -f sheet- sheets.svg "/^<?xml/" "{*}" &&
	test -f sheet-00 && test -f sheet-01
'

test_expect_success ZBAR 'svg: every QR code decodes back to its token' '
	rsvg-convert -d 150 -p 150 sheet-00 -o s0.png 2>/dev/null &&
	rsvg-convert -d 150 -p 150 sheet-01 -o s1.png 2>/dev/null &&
	{ decode_png s0.png; decode_png s1.png; } | sort >decoded &&
	test_cmp tokens decoded
'

test_expect_success 'cards show the pass id, the masked holder, the class colour, not the full name' '
	for id in $(jq -r .pass_id passes); do grep -q "$id" sheets.svg || exit 1; done &&
	grep -q "住\*" sheets.svg &&
	test_must_fail grep -q "住户3" sheets.svg &&
	test_must_fail grep -q 13800000003 sheets.svg &&
	grep -q "#f4a6c6" sheets.svg && grep -q "#bdbdbd" sheets.svg &&
	grep -q "through 2027-01-24" sheets.svg
'

test_expect_success 'html (the default): a self-contained page, the same sheets' '
	cg-pass print <passes >sheets.html &&
	grep -q "^<!DOCTYPE html>" sheets.html &&
	test "$(grep -o "<div class=\"sheet\">" sheets.html | wc -l)" = 2 &&
	grep -q "@page{size:A4" sheets.html &&
	test_must_fail grep -q "http://\(www\.\)\?[a-z]*\.com\|<script\|<link" sheets.html &&
	sed -n "s/^<div class=\"sheet\">//p" sheets.html >from-html &&
	grep -h "^<svg" sheet-00 sheet-01 >from-svg &&
	test_cmp from-svg from-html
'

test_expect_success ZBAR 'txt: the terminal QR codes decode too' '
	cg-pass print --format txt <passes >cards.txt &&
	test "$(grep -c "Valid from" cards.txt)" = 10 &&
	head -n 40 cards.txt | python3 "$SRC_DIR/tests/lib/halfblocks2pbm.py" 4 >first.pbm &&
	zbarimg -q --raw first.pbm 2>/dev/null >got &&
	head -n 1 passes | jq -r .token >want &&
	test_cmp want got
'

test_expect_success 'print from list, and labels in Chinese under zh_CN' '
	cg-pass list --class vehicle | cg-pass print --format svg >v.svg &&
	test "$(grep -o "<text" v.svg | wc -l)" -ge 7 &&
	if test_have_prereq ZH_LOCALE; then
		cg-pass list --class vehicle | LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 cg-pass print --format svg >zh.svg &&
		grep -q "车辆" zh.svg
	fi
'

test_expect_success 'records that are not passes are rejected by line, the others printed' '
	{ head -n 1 passes; echo "{\"pass_id\":\"X\"}"; echo "[1]"; sed -n 2p passes; } >in &&
	test_expect_code 1 cg-pass print --format svg --rejects rej <in >p.svg 2>err &&
	grep -q "stdin:2: not a pass record" err &&
	grep -q "stdin:3: not a JSON object" err &&
	test_line_count = 2 rej &&
	test "$(grep -o "<text" p.svg | wc -l)" -ge 14
'

test_expect_success 'empty input prints nothing' '
	cg-pass print --format svg </dev/null >e.svg &&
	test_must_fail test -s e.svg
'

test_expect_success 'text is the format name, txt the same; a wrong one lists them' '
	cg-pass print --format text <passes >text.out &&
	cg-pass print --format txt <passes >txt.out &&
	test_cmp text.out txt.out &&
	test "$(grep -c "Valid from" text.out)" = 10 &&
	test_expect_code 2 cg-pass print --format pdf <passes 2>err &&
	grep -q "unknown format .pdf. (html, svg, text)" err
'

test_done
