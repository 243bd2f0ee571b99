#!/usr/bin/env bash
# A Redis server for the tests of the shared store (quotas, tokens and card sequences shared
# by many processes): Debian's redis-server on a free loopback port, nothing saved to disk.
# Usage:
#   scripts/redis.sh install      installs redis-server with apt-get when it is missing
#   scripts/redis.sh start DIR    starts one (installing it first), writes DIR/redis.pid and
#                                 DIR/redis.url, prints the URL (redis://127.0.0.1:PORT)
#   scripts/redis.sh stop DIR     stops the one started with DIR
set -euo pipefail

install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  echo "scripts/redis.sh: installing redis-server (apt-get)" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir="$1"
  install
  mkdir -p "$dir"
  local port
  port="$(free_port)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    >"$dir/redis.log" 2>&1 &
  echo $! >"$dir/redis.pid"
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "redis://127.0.0.1:$port" | tee "$dir/redis.url"
      return 0
    fi
    sleep 0.05
  done
  echo "scripts/redis.sh: redis-server did not start on port $port:" >&2
  cat "$dir/redis.log" >&2
  return 1
}

stop() {
  local dir="$1"
  [ -f "$dir/redis.pid" ] || return 0
  local pid
  pid="$(cat "$dir/redis.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  rm -f "$dir/redis.pid" "$dir/redis.url"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?usage: scripts/redis.sh start DIR}" ;;
  stop) stop "${2:?usage: scripts/redis.sh stop DIR}" ;;
  *)
    echo "usage: scripts/redis.sh install | start DIR | stop DIR" >&2
    exit 2
    ;;
esac
