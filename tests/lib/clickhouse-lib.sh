# Real Debian clickhouse-server(s) on 127.0.0.1 with temporary directories.
#
#   start_clickhouse NAME PORT [CLUSTER_XML]
#                        an HTTP server on PORT (native TCP on PORT+1),
#                        data in $TRASH/NAME; CLUSTER_XML is put into the
#                        config (remote_servers, macros); call it outside
#                        test_expect_success (the server outlives it)
#   stop_clickhouse NAME
#   chq PORT             POST standard input as one query (in database
#                        $CH_DB, default "default"); the answer on stdout
#   ch_schema PORT FILE  run every statement of FILE (comments dropped)

start_clickhouse() {
	ch_dir=$TRASH/$1
	ch_port=$2
	mkdir -p "$ch_dir/data" "$ch_dir/tmp" "$ch_dir/log" &&
	cat >"$ch_dir/config.xml" <<-XML &&
	<yandex>
	  <logger><level>warning</level><log>$ch_dir/log/server.log</log><errorlog>$ch_dir/log/err.log</errorlog></logger>
	  <http_port>$ch_port</http_port>
	  <tcp_port>$((ch_port + 1))</tcp_port>
	  <listen_host>127.0.0.1</listen_host>
	  <path>$ch_dir/data/</path>
	  <tmp_path>$ch_dir/tmp/</tmp_path>
	  <users_config>$ch_dir/users.xml</users_config>
	  <default_profile>default</default_profile>
	  <default_database>default</default_database>
	  <mark_cache_size>5368709</mark_cache_size>
	  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>100000</flush_interval_milliseconds></query_log>
	  ${3:-}
	</yandex>
	XML
	cat >"$ch_dir/users.xml" <<-XML &&
	<yandex>
	  <profiles><default><log_queries>1</log_queries></default></profiles>
	  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
	    <profile>default</profile><quota>default</quota></default></users>
	  <quotas><default></default></quotas>
	</yandex>
	XML
	true || return 1
	(cd "$ch_dir" && exec clickhouse-server --config-file="$ch_dir/config.xml" >"$ch_dir/out.log" 2>&1 3>&- </dev/null) &
	echo $! >"$ch_dir/pid"
	ch_i=0
	while [ $ch_i -lt 150 ]; do
		curl -sf "http://127.0.0.1:$ch_port/?query=SELECT%201" >/dev/null 2>&1 && return 0
		sleep 0.1
		ch_i=$((ch_i + 1))
	done
	return 1
}

# Waits (up to 10 s) for the server to go, so that its folder can be removed.
stop_clickhouse() {
	if [ -f "$TRASH/$1/pid" ]; then
		ch_pid=$(cat "$TRASH/$1/pid")
		kill "$ch_pid" 2>/dev/null
		ch_i=0
		while kill -0 "$ch_pid" 2>/dev/null && [ $ch_i -lt 100 ]; do
			sleep 0.1
			ch_i=$((ch_i + 1))
		done
	fi
	rm -f "$TRASH/$1/pid"
	return 0
}

chq() {
	curl -sS -f --data-binary @- "http://127.0.0.1:$1/?database=${CH_DB:-default}"
}

ch_schema() {
	sed -e "s/--.*//" "$2" | tr "\n" " " | tr ";" "\n" |
	while read -r ch_q; do
		[ -z "$ch_q" ] || echo "$ch_q" | chq "$1" || return 1
	done
}
