#!/bin/sh
test_description='cg-sync push: the checkpoint stream, every signed checkpoint once, kept by ClickHouse'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

C=$CG_HOME/sync/city
DAY=2026-01-25
STORE=checkpoints/checkin-$DAY.jsonl

if test_have_prereq PYTHON,JQ; then
	start_upstream up
fi

# sign: a checkpoint of every journal.
sign() {
	cg-journal --now "$NOW" checkpoint >/dev/null
}

# ckpt_rids: the checkpoint rids the upstream accepted, each key once.
ckpt_rids() {
	delivered "$1" | grep /checkpoint/ || :
}

test_expect_success PYTHON,JQ 'setup: a day of check-ins, signed; a pass, signed' '
	checkins 5 && sign &&
	echo "{\"name\":\"张三\",\"id_no\":\"110101199003074514\",\"household\":\"3-2-501\"}" |
		cg-pass issue --now "$NOW" >/dev/null && sign &&
	test_line_count = 1 "$CG_HOME/$STORE" &&
	test_line_count = 1 "$CG_HOME/checkpoints/pass.jsonl"
'

test_expect_success PYTHON,JQ 'the checkpoint stream is the stored checkpoints, the proof in plain columns' '
	cg-sync push --target dry --from-start --dry-run --stream checkpoint >out &&
	test_line_count = 2 out &&
	jq -r .rid out >got &&
	printf "%s\n" DEMO-0001/checkpoint/checkin-$DAY/1 DEMO-0001/checkpoint/pass/1 >want &&
	test_cmp want got &&
	jq -c "{ts, journal, origin, size, root, checkpoint}" "$CG_HOME/$STORE" >want &&
	head -n 1 out | jq -c "{ts, journal, origin, size, root, checkpoint}" >got &&
	test_cmp want got &&
	test "$(head -n 1 out | jq -c "[.old, .proof, .compound, has(\"consistency\")]")" = "[0,[],\"DEMO-0001\",false]"
'

test_expect_success PYTHON,JQ 'a push sends the records and then the checkpoints; each once' '
	cg-sync push --target city --url "$URL/in" --from-start >out &&
	test "$(field stream out | tr "\n" " ")" = "checkin pass checkpoint " &&
	ckpt_rids up >got &&
	printf "%s\n" DEMO-0001/checkpoint/checkin-$DAY/1 DEMO-0001/checkpoint/pass/1 >want &&
	test_cmp want got &&
	jq -c .checkpoint "$C/cursor.json" >cur &&
	echo "{\"seq\":2,\"files\":{\"checkin-$DAY\":1,\"pass\":1}}" >want &&
	test_cmp want cur &&
	cg-sync push --target city --url "$URL/in" >out &&
	test_line_count = 0 out &&
	sign && cg-sync push --target city --url "$URL/in" >out &&
	test_line_count = 0 out
'

test_expect_success PYTHON,JQ 'a new checkpoint after appends: sent once, with its proof from the last' '
	checkins 3 && sign &&
	cg-sync push --target city --url "$URL/in" >out &&
	test "$(field stream out | tr "\n" " ")" = "checkin checkpoint " &&
	test "$(jq -r "select(.stream == \"checkpoint\") | .records" out)" = 1 &&
	ckpt_rids up | sort >got &&
	printf "%s\n" DEMO-0001/checkpoint/checkin-$DAY/1 DEMO-0001/checkpoint/checkin-$DAY/2 \
		DEMO-0001/checkpoint/pass/1 | sort >want &&
	test_cmp want got &&
	cg-sync push --target dry2 --from-start --dry-run --stream checkpoint >all &&
	jq -c "select(.size == 8) | [.old, .proof]" all >got &&
	sed -n 2p "$CG_HOME/$STORE" | jq -c "[.consistency.old, .consistency.proof]" >want &&
	test_cmp want got && test "$(jq ".[0]" got)" = 5
'

test_expect_success PYTHON,JQ '--stream picks the checkpoint stream in or out' '
	checkins 1 && sign &&
	cg-sync push --target city --url "$URL/in" --stream checkin >out &&
	test "$(field stream out)" = checkin &&
	cg-sync push --target city --url "$URL/in" --stream checkpoint >out &&
	test "$(field stream out)" = checkpoint &&
	test "$(field records out)" = 1 &&
	test_expect_code 2 cg-sync push --target city --stream checkpoints 2>err &&
	grep -q "checkpoint)" err
'

test_expect_success PYTHON,JQ 'a cursor from before the stream sends every checkpoint once; a damaged one is refused' '
	cg-sync push --target old --url "$URL/in" --from-start --stream checkin,pass >out &&
	jq -c "del(.checkpoint)" "$CG_HOME/sync/old/cursor.json" >c &&
	cat c >"$CG_HOME/sync/old/cursor.json" &&
	cg-sync push --target old --url "$URL/in" >out &&
	test "$(field stream out)" = checkpoint &&
	test "$(field records out)" = 4 &&
	jq -c ".checkpoint.files = []" "$CG_HOME/sync/old/cursor.json" >c &&
	cat c >"$CG_HOME/sync/old/cursor.json" &&
	test_expect_code 6 cg-sync push --target old --url "$URL/in" 2>err &&
	grep -q "sync/old/cursor.json. is damaged" err
'

test_have_prereq PYTHON,JQ && { stop_upstream up; start_upstream down --plan 500,500,500,500,500; }

test_expect_success PYTHON,JQ 'an upstream that fails keeps the checkpoints in the outbox; the next push sends them, once' '
	checkins 1 && sign &&
	test_expect_code 4 cg-sync push --target city --url "$URL/in" --stream checkpoint \
		--max-retries 1 --backoff-base 0.01 --backoff-cap 0.05 >out 2>err &&
	test "$(jq -r .result out)" = failed &&
	test -f "$C/outbox" &&
	head -n 1 "$C/outbox" | jq -r .stream >s && echo checkpoint >want && test_cmp want s &&
	cg-sync push --target city --url "$URL/in" --stream checkpoint --backoff-base 0.01 --backoff-cap 0.05 >out &&
	test "$(jq -r .result out | sort -u)" = sent &&
	test ! -e "$C/outbox" &&
	ckpt_rids down >got &&
	echo DEMO-0001/checkpoint/checkin-$DAY/4 >want &&
	test_cmp want got &&
	test "$(jq -r "select(.accepted) | .key" "$TRASH/down/requests.jsonl" | sort -u | wc -l)" = 1
'

# A real clickhouse-server, as t0540 starts it.
CH=$TRASH/ch
CHPORT=$((20000 + ($$ + 7) % 20000))

start_clickhouse() {
	mkdir -p "$CH/data" "$CH/tmp" "$CH/log" &&
	cat >"$CH/config.xml" <<-XML &&
	<yandex>
	  <logger><level>warning</level><log>$CH/log/server.log</log><errorlog>$CH/log/err.log</errorlog></logger>
	  <http_port>$CHPORT</http_port>
	  <tcp_port>$((CHPORT + 1))</tcp_port>
	  <listen_host>127.0.0.1</listen_host>
	  <path>$CH/data/</path>
	  <tmp_path>$CH/tmp/</tmp_path>
	  <users_config>$CH/users.xml</users_config>
	  <default_profile>default</default_profile>
	  <default_database>default</default_database>
	  <mark_cache_size>5368709</mark_cache_size>
	</yandex>
	XML
	cat >"$CH/users.xml" <<-XML &&
	<yandex>
	  <profiles><default></default></profiles>
	  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
	    <profile>default</profile><quota>default</quota></default></users>
	  <quotas><default></default></quotas>
	</yandex>
	XML
	(cd "$CH" && exec clickhouse-server --config-file="$CH/config.xml" >"$CH/out.log" 2>&1 3>&- </dev/null) &
	mkdir -p "$TRASH/chsrv" && echo $! >"$TRASH/chsrv/pid"
	i=0
	while [ $i -lt 100 ]; do
		curl -sf "http://127.0.0.1:$CHPORT/?query=SELECT%201" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

chq() {
	curl -sf --data-binary @- "http://127.0.0.1:$CHPORT/"
}

if test_have_prereq CLICKHOUSE && start_clickhouse; then
	CHURL=http://127.0.0.1:$CHPORT/
else
	echo "# clickhouse-server did not start; skipping"
fi
test_have_prereq CLICKHOUSE && [ -n "${CHURL:-}" ] && CHOK=CLICKHOUSE || CHOK=NO_CLICKHOUSE

test_expect_success $CHOK,JQ 'share/clickhouse/checkpoint.sql: cg_checkpoint keeps every checkpoint, once' '
	sed -e "s/--.*//" "$SRC_DIR/share/clickhouse/checkpoint.sql" | tr "\n" " " | tr ";" "\n" |
	while read -r q; do
		[ -z "$q" ] || echo "$q" | chq || return 1
	done &&
	cg-sync push --target ch --format clickhouse --url "$CHURL" --from-start --stream checkpoint >out &&
	cg-sync push --target ch-again --format clickhouse --url "$CHURL" --from-start --stream checkpoint >out &&
	echo "SELECT count() FROM cg_checkpoint FINAL" | chq >n &&
	test "$(cat n)" = "$(cat "$CG_HOME"/checkpoints/*.jsonl | wc -l)" &&
	echo "SELECT origin, size, root, checkpoint, old, proof FROM cg_checkpoint FINAL
	      WHERE origin = '\''DEMO-0001/checkin/$DAY'\'' ORDER BY size FORMAT JSONEachRow" | chq |
		jq -c "[.origin, (.size | tonumber), .root, .checkpoint, (.old | tonumber), .proof]" >got &&
	jq -c "[.origin, .size, .root, .checkpoint, (.consistency.old // 0), (.consistency.proof // [])]" \
		"$CG_HOME/$STORE" >want &&
	test_cmp want got
'

[ -f "$TRASH/chsrv/pid" ] && kill "$(cat "$TRASH/chsrv/pid")" 2>/dev/null
test_done
