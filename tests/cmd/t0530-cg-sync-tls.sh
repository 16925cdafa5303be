#!/bin/sh
test_description='cg-sync: TLS is verified; --cacert, --pin, --insecure'
. "${0%/*}/../lib/test-lib.sh"
. "$SRC_DIR/tests/lib/sync-lib.sh"

if command -v openssl >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$TRASH/key.pem" \
		-out "$TRASH/cert.pem" >/dev/null 2>&1 &&
	test_have_prereq PYTHON,JQ
then
	start_upstream up --tls "$TRASH/cert.pem" "$TRASH/key.pem" &&
	HTTPS=$(echo "$URL" | sed "s/^http:/https:/")
	OPENSSL=1
fi

test_expect_success 'setup' '
	checkins 3
'

test_expect_success PYTHON,JQ 'a self-signed certificate is refused by default (exit 4, batch kept)' '
	if [ -n "${OPENSSL:-}" ]; then
		test_expect_code 4 cg-sync push --target s --url "$HTTPS/in" --from-start --max-retries 3 >out 2>err &&
		test "$(field attempts out)" = 1 &&
		grep -i "certificate" err &&
		test -s "$CG_HOME/sync/s/outbox" &&
		test_line_count = 0 "$TRASH/up/requests.jsonl"
	fi
'

test_expect_success PYTHON,JQ '--cacert accepts it' '
	if [ -n "${OPENSSL:-}" ]; then
		cg-sync push --target s --url "$HTTPS/in" --cacert "$TRASH/cert.pem" >out &&
		test "$(field status out)" = 200 &&
		test "$(jq -r .checkin.seq "$CG_HOME/sync/s/cursor.json")" = 3
	fi
'

test_expect_success PYTHON,JQ '--pin with the right key is accepted, a wrong one refused' '
	if [ -n "${OPENSSL:-}" ]; then
		pin=$(openssl x509 -in "$TRASH/cert.pem" -pubkey -noout |
			openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64) &&
		checkins 1 &&
		test_expect_code 4 cg-sync push --target s --url "$HTTPS/in" --cacert "$TRASH/cert.pem" \
			--pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" >out 2>err &&
		cg-sync push --target s --url "$HTTPS/in" --cacert "$TRASH/cert.pem" --pin "sha256//$pin" >out &&
		test "$(field status out)" = 200
	fi
'

test_expect_success PYTHON,JQ '--insecure works, with a warning' '
	if [ -n "${OPENSSL:-}" ]; then
		checkins 1 &&
		cg-sync push --target s --url "$HTTPS/in" --insecure >out 2>err &&
		grep "warning: --insecure" err &&
		test "$(field status out)" = 200
	fi
'

stop_upstream up
test_done
