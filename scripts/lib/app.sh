# shellcheck shell=bash
# Sourced by test scripts: start and stop app instances from the built jar.

# free_port: prints a TCP port nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_app NAME PORT [ENV=VALUE...]: starts target/conduit.jar in the background with the given
# environment, logs to $APP_LOG_DIR/NAME.log, and waits (30 s at most) until it is ready.
start_app() {
  local name=$1 port=$2
  shift 2
  mkdir -p "$APP_LOG_DIR"
  # shellcheck disable=SC2086 # APP_JAVA_OPTS is a list of flags
  env PORT="$port" HOST=127.0.0.1 "$@" "$JAVA_HOME/bin/java" ${APP_JAVA_OPTS:-} -jar target/conduit.jar \
    >"$APP_LOG_DIR/$name.log" 2>&1 &
  echo $! >"$APP_LOG_DIR/$name.pid"
  local _
  for _ in $(seq 1 300); do
    # APP_SCHEME=https for an app serving TLS itself (with a test certificate: -k).
    if curl -skf -o /dev/null "${APP_SCHEME:-http}://127.0.0.1:$port/observe/health/ready"; then
      return 0
    fi
    if ! kill -0 "$(cat "$APP_LOG_DIR/$name.pid")" 2>/dev/null; then
      echo "app $name exited during start-up:" >&2
      tail -30 "$APP_LOG_DIR/$name.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "app $name not ready after 30 s:" >&2
  tail -30 "$APP_LOG_DIR/$name.log" >&2
  return 1
}

# stop_app NAME: SIGTERM, then wait (30 s at most) for the process to exit.
stop_app() {
  local pidfile="$APP_LOG_DIR/$1.pid" pid _
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}
