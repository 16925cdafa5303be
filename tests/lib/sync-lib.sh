# Helpers for cg-sync's tests: a fault-injecting upstream and journals.
#
#   start_upstream NAME [fakeupstream.py options]   sets $URL (http://127.0.0.1:PORT)
#                        (outside test_expect_success, which runs in a subshell)
#   stop_upstream NAME
#   requests NAME        the requests it logged, one JSON line each

start_upstream() {
	su_name=$1
	shift
	rm -rf "$TRASH/$su_name"
	mkdir -p "$TRASH/$su_name" || return 1
	python3 "$SRC_DIR/tests/lib/fakeupstream.py" --dir "$TRASH/$su_name" "$@" \
		>"$TRASH/$su_name/log" 2>&1 3>&- </dev/null &
	echo $! >"$TRASH/$su_name/pid"
	su_i=0
	while [ ! -s "$TRASH/$su_name/port" ] && [ $su_i -lt 100 ]; do
		sleep 0.05
		su_i=$((su_i + 1))
	done
	[ -s "$TRASH/$su_name/port" ] || return 1
	URL=http://127.0.0.1:$(cat "$TRASH/$su_name/port")
	: >>"$TRASH/$su_name/requests.jsonl"
}

stop_upstream() {
	[ -f "$TRASH/$1/pid" ] && kill "$(cat "$TRASH/$1/pid")" 2>/dev/null
	rm -f "$TRASH/$1/pid"
	return 0
}

requests() {
	cat "$TRASH/$1/requests.jsonl"
}

# checkins N [NOW]: journal N check-ins (numbered by their household).
checkins() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"gate\":\"north\",\"dir\":\"in\",\"kind\":\"resident\",\"name\":\"张三\",\"id_no\":\"11010519491231002X\",\"phone\":\"13800138000\",\"household\":\"1-1-%d\",\"temp\":36.5,\"mask\":true}\n", i }' |
		cg-checkin --now "${2:-$NOW}" >/dev/null
}

# delivered NAME: the rids the upstream accepted, one per line, counting each
# Idempotency-Key once.
delivered() {
	jq -r 'select(.accepted) | [.key, (.rids | join(" "))] | @tsv' "$TRASH/$1/requests.jsonl" |
		sort -u -k1,1 | cut -f 2 | tr ' ' '\n' | sed '/^$/d'
}

trap 'for p in "$TRASH"/*/pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done; [ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT
