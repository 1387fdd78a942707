# shellcheck shell=bash
# Sourced by test scripts: start and stop app instances from the built jar.

# free_port: prints a TCP port nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_app NAME PORT [ENV=VALUE...]: starts ${APP_JAR:-target/conduit.jar} in the background with the given
# environment, logs to $APP_LOG_DIR/NAME.log, and waits (30 s at most) until it is ready.
# Health and metrics listen on a port of their own, written to $APP_LOG_DIR/NAME.observe-port
# (OBSERVE_PORT from the arguments, else a free one): see observe_port.
start_app() {
  local name=$1 port=$2 observe="" arg
  shift 2
  for arg in "$@"; do
    [[ $arg == OBSERVE_PORT=* ]] && observe=${arg#OBSERVE_PORT=}
  done
  [ -n "$observe" ] || observe=$(free_port)
  mkdir -p "$APP_LOG_DIR"
  echo "$observe" >"$APP_LOG_DIR/$name.observe-port"
  # shellcheck disable=SC2086 # APP_JAVA_OPTS is a list of flags
  env PORT="$port" HOST=127.0.0.1 OBSERVE_PORT="$observe" "$@" "$JAVA_HOME/bin/java" ${APP_JAVA_OPTS:-} -jar "${APP_JAR:-target/conduit.jar}" \
    >"$APP_LOG_DIR/$name.log" 2>&1 &
  echo $! >"$APP_LOG_DIR/$name.pid"
  local _
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "http://127.0.0.1:$observe/observe/health/ready"; then
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

# observe_port NAME: the health and metrics port of an app started with start_app.
observe_port() {
  cat "$APP_LOG_DIR/$1.observe-port"
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
  rm -f "$pidfile" "$APP_LOG_DIR/$1.observe-port"
}
