#!/usr/bin/env bash
# A throwaway redis-server for the Redis store tests (CI and local runs).
#
#   eval "$(bash scripts/ci-redis.sh start)"   # installs Debian's redis-server if missing, starts it,
#                                              # prints: export ESIKIT_REDIS_URL=redis://127.0.0.1:<port>
#   bash scripts/ci-redis.sh stop              # stops the server this script started (and only that one)
#
# The server listens on 127.0.0.1 only, on 6379 when free (else a free port), keeps nothing on disk
# (no RDB snapshots, no AOF) and runs daemonized; its pid, log and port live in $ESIKIT_REDIS_DIR.
set -euo pipefail

STATE_DIR="${ESIKIT_REDIS_DIR:-${TMPDIR:-/tmp}/esikit-ci-redis}"
PID_FILE="$STATE_DIR/redis.pid"
PORT_FILE="$STATE_DIR/port"

log() { echo "ci-redis: $*" >&2; }

install_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  log "redis-server not found: installing Debian's redis-server"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "need root or sudo to apt-get install redis-server"; exit 1; }
    sudo="sudo"
  fi
  # Debian's package starts a system service where systemd runs; we start our own server below either way.
  $sudo apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends redis-server >&2
}

port_in_use() {
  # bash's /dev/tcp connects when something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    log "already running (pid $(cat "$PID_FILE"))"
    echo "export ESIKIT_REDIS_URL=redis://127.0.0.1:$(cat "$PORT_FILE")"
    return 0
  fi
  install_redis
  mkdir -p "$STATE_DIR"
  local port="${ESIKIT_REDIS_PORT:-6379}"
  if port_in_use "$port"; then
    port="$(free_port)"
  fi
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --save "" --appendonly no --dir "$STATE_DIR" \
    --daemonize yes --pidfile "$PID_FILE" --logfile "$STATE_DIR/redis.log" >&2
  echo "$port" >"$PORT_FILE"
  for _ in $(seq 1 50); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
      log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (pid $(cat "$PID_FILE"))"
      echo "export ESIKIT_REDIS_URL=redis://127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  log "redis-server did not answer on 127.0.0.1:$port; its log:"
  cat "$STATE_DIR/redis.log" >&2 || true
  exit 1
}

stop() {
  [ -f "$PID_FILE" ] || { log "not running (no $PID_FILE)"; return 0; }
  local pid port
  pid="$(cat "$PID_FILE")"
  port="$(cat "$PORT_FILE" 2>/dev/null || echo 6379)"
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$PID_FILE" "$PORT_FILE"
  log "stopped (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
