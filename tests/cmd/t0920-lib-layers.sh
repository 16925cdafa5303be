#!/bin/sh
# build-independent: the includes of lib/
test_description='lib/: every include goes down the layers of lib/LAYERS'
. "${0%/*}/../lib/test-lib.sh"

# layers LIBDIR: the layers of LIBDIR/LAYERS, bottom first.
layers() {
	sed -e '/^#/d' -e 's/[[:space:]].*//' "$1/LAYERS"
}

# layer_violations LIBDIR: one line per include of a file in LIBDIR/LAYER/
# that names no layer, or names a layer above its own.
layer_violations() {
	layers "$1" >"$TRASH/order" &&
	for lv_f in "$1"/*/*.[ch]; do
		lv_rel=${lv_f#"$1"/}
		sed -n 's/^#include "\([^"]*\)".*/\1/p' "$lv_f" | while read -r lv_inc; do
			awk -v own="${lv_rel%%/*}" -v inc="$lv_inc" -v file="$lv_rel" '
				BEGIN { layer = inc; if (!sub(/\/.*/, "", layer)) layer = "" }
				$0 == own { o = NR } layer != "" && $0 == layer { i = NR }
				END {
					if (!i) print file ": #include \"" inc "\" names no layer"
					else if (i > o) print file ": #include \"" inc "\" goes up from " own
				}' "$TRASH/order"
		done
	done
}

test_expect_success 'every folder of lib/ is a layer, and every layer a folder' '
	layers "$SRC_DIR/lib" | sort >want &&
	(cd "$SRC_DIR/lib" && for d in */; do echo "${d%/}"; done) | sort >got &&
	test_cmp want got
'

test_expect_success 'no source file sits in lib/ outside a layer' '
	(cd "$SRC_DIR/lib" && ls) >files &&
	grep "\.[ch]\$" files >loose || true &&
	test_line_count = 0 loose
'

test_expect_success 'lib includes name their layer and never go up one' '
	layer_violations "$SRC_DIR/lib" >wrong &&
	cat wrong >&2 &&
	test_line_count = 0 wrong
'

test_expect_success 'the check sees an include going up and one naming no layer' '
	mkdir -p fake/core fake/ui &&
	cp "$SRC_DIR/lib/LAYERS" fake/ &&
	printf "#include \"ui/ask.h\"\n#include \"buf.h\"\n#include \"core/buf.h\"\n" >fake/core/x.c &&
	printf "#include \"core/buf.h\"\n" >fake/ui/y.c &&
	layer_violations fake >wrong &&
	cat >expect <<-\EOF &&
	core/x.c: #include "ui/ask.h" goes up from core
	core/x.c: #include "buf.h" names no layer
	EOF
	test_cmp expect wrong
'

test_done
