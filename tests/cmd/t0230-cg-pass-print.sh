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

# sheets.py SVG PREFIX: parse SVG with an XML parser (it must be one
# well-formed document with an <svg> root), write each sheet as a document
# of its own, PREFIX-0.svg ..., and print the number of sheets.
cat >sheets.py <<\EOF
import sys
import xml.etree.ElementTree as ET
NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", NS)
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{%s}svg" % NS, root.tag
nested = [e for e in root if e.tag == "{%s}svg" % NS]
sheets = nested if nested else [root]
for i, e in enumerate(sheets):
    if nested:
        assert float(e.get("y")) == 297 * i, e.get("y")
    for a in ("x", "y"):
        e.attrib.pop(a, None)
    e.set("width", "210mm")
    e.set("height", "297mm")
    ET.ElementTree(e).write("%s-%d.svg" % (sys.argv[2], i), encoding="UTF-8", xml_declaration=True)
    ET.parse("%s-%d.svg" % (sys.argv[2], i))
print(len(sheets))
EOF

test_expect_success PYTHON 'svg: one valid document, an A4 sheet per eight cards' '
	cg-pass print --format svg <passes >sheets.svg &&
	test "$(grep -c "^<?xml" sheets.svg)" = 1 &&
	grep -q "width=\"210mm\" height=\"594mm\" viewBox=\"0 0 210 594\"" sheets.svg &&
	test "$(python3 sheets.py sheets.svg sheet)" = 2 &&
	test -f sheet-0.svg && test -f sheet-1.svg &&
	head -n 8 passes | cg-pass print --format svg >one.svg &&
	grep -q "width=\"210mm\" height=\"297mm\"" one.svg &&
	test "$(python3 sheets.py one.svg one)" = 1 &&
	cg-pass print --format svg </dev/null >none.svg &&
	test_line_count = 0 none.svg
'

test_expect_success RSVG 'svg: the document and each sheet render' '
	rsvg-convert -d 30 -p 30 sheets.svg -o all.png &&
	rsvg-convert -d 30 -p 30 sheet-0.svg -o p0.png &&
	rsvg-convert -d 30 -p 30 sheet-1.svg -o p1.png &&
	rsvg-convert -d 30 -p 30 one.svg -o one.png &&
	python3 -c "import struct,sys; w,h=struct.unpack(\">II\",open(sys.argv[1],\"rb\").read()[16:24]); print(w, h)" all.png >size &&
	read w h <size && test "$h" -gt "$((w * 2))"
'

test_expect_success ZBAR 'svg: every QR code decodes back to its token' '
	rsvg-convert -d 150 -p 150 sheet-0.svg -o s0.png 2>/dev/null &&
	rsvg-convert -d 150 -p 150 sheet-1.svg -o s1.png 2>/dev/null &&
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
	for id in $(jq -r .pass_id passes); do grep -q "$id" sheets.html || exit 1; done
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
	grep -q "unknown format .pdf. for --format (html, svg, text)" err
'

test_done
