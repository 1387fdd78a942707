#!/usr/bin/env bash
# Sets up a machine to run Conduit: Java runtime, service user, the app under /opt/conduit, the
# hardened systemd unit, CloudWatch agent config, log rotation, and the JDK AOT cache trained on a
# short run of the app. Packer runs it on the build instance (as root, --root /); the offline
# tests run it into a scratch directory (--root DIR --skip-packages) and start the app from there.
#
#   provision.sh --artifact-dir DIR [--root DIR] [--java-home DIR] [--skip-packages] [--aot train|skip]
#   provision.sh --seal [--root DIR]     last bake step: remove keys, host keys, caches, disable sshd
#
# Environment (same as the flags): CONDUIT_ARTIFACT_DIR, CONDUIT_ROOT, CONDUIT_JAVA_HOME,
# CONDUIT_JAVA_PACKAGE (default java-25-amazon-corretto-headless), CONDUIT_AOT (train|skip),
# CONDUIT_AOT_PORT (port of the training run, default 18080).
#
# CONDUIT_JAVA_HOME is the one knob for the runtime: /opt/conduit/jdk becomes a symlink to it, and
# the unit runs /opt/conduit/jdk/bin/java. On the AMI it is found from the Corretto package.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
files=$here/files

root=${CONDUIT_ROOT:-/}
artifact_dir=${CONDUIT_ARTIFACT_DIR:-}
java_home=${CONDUIT_JAVA_HOME:-}
java_package=${CONDUIT_JAVA_PACKAGE:-java-25-amazon-corretto-headless}
aot=${CONDUIT_AOT:-train}
aot_port=${CONDUIT_AOT_PORT:-18080}
aot_observe_port=${CONDUIT_AOT_OBSERVE_PORT:-$((aot_port + 1))}
skip_packages=0
seal=0
app_user=conduit

log() { printf '[provision] %s\n' "$*"; }
die() { printf '[provision] ERROR: %s\n' "$*" >&2; exit 1; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --artifact-dir) artifact_dir=${2:?--artifact-dir needs a directory}; shift 2 ;;
    --java-home) java_home=${2:?--java-home needs a directory}; shift 2 ;;
    --skip-packages) skip_packages=1; shift ;;
    --aot) aot=${2:?--aot needs train or skip}; shift 2 ;;
    --seal) seal=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

case $aot in train|skip) ;; *) die "--aot must be train or skip, not '$aot'" ;; esac
[ -d "$root" ] || die "root directory $root does not exist"
root=$(cd "$root" && pwd)
# prefix: what goes before an absolute path of the target system ("" on the real machine)
if [ "$root" = / ]; then prefix=""; else prefix=$root; fi

on_target() { [ -z "$prefix" ]; }

# ---------------------------------------------------------------------------------------------
# Runtime packages (Amazon Linux 2023 only; a scratch root brings its own JDK)
install_packages() {
  if [ "$skip_packages" = 1 ] || ! on_target; then
    log "packages: skipped (scratch root or --skip-packages)"
    return
  fi
  command -v dnf >/dev/null || die "dnf not found: the AMI build expects Amazon Linux 2023"
  log "packages: updating the base image"
  dnf -y -q upgrade
  log "packages: installing $java_package, amazon-cloudwatch-agent, logrotate"
  dnf -y -q install "$java_package" amazon-cloudwatch-agent logrotate
  # Access is through SSM only: no EC2 Instance Connect key pushing.
  if rpm -q ec2-instance-connect >/dev/null 2>&1; then
    log "packages: removing ec2-instance-connect"
    dnf -y -q remove 'ec2-instance-connect*'
  fi
  rpm -q amazon-ssm-agent >/dev/null 2>&1 || dnf -y -q install amazon-ssm-agent
  systemctl enable amazon-ssm-agent.service
}

find_java_home() {
  if [ -z "$java_home" ]; then
    local d
    for d in /usr/lib/jvm/java-25-amazon-corretto*; do
      # the real directory, not an alternatives link that could move under the AOT cache
      if [ -x "$d/bin/java" ]; then java_home=$(readlink -f "$d"); break; fi
    done
  fi
  [ -n "$java_home" ] || die "no JDK found: set CONDUIT_JAVA_HOME (or --java-home)"
  [ -x "$java_home/bin/java" ] || die "$java_home/bin/java is not executable"
  local spec
  spec=$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F' = ' '/java.specification.version/ { print $2 }')
  if [ -z "$spec" ] || [ "${spec%%.*}" -lt 25 ]; then
    die "$java_home is Java '${spec:-unknown}': the AOT cache flags need Java 25 or newer"
  fi
  log "java: $java_home (Java $spec)"
}

# ---------------------------------------------------------------------------------------------
# Service user and group (system account, no login shell, no home directory of its own)
create_user() {
  if on_target; then
    if ! getent passwd "$app_user" >/dev/null; then
      useradd --system --user-group --no-create-home --home-dir /var/lib/conduit \
        --shell /sbin/nologin --comment "Conduit service" "$app_user"
    fi
  else
    mkdir -p "$root/etc"
    local f
    for f in passwd group shadow gshadow; do [ -e "$root/etc/$f" ] || : >"$root/etc/$f"; done
    if ! grep -q "^$app_user:" "$root/etc/passwd"; then
      useradd --prefix "$root" --system --user-group --no-create-home --home-dir /var/lib/conduit \
        --shell /sbin/nologin --comment "Conduit service" "$app_user"
    fi
  fi
  app_uid=$(awk -F: -v u="$app_user" '$1 == u { print $3 }' "$root/etc/passwd")
  app_gid=$(awk -F: -v u="$app_user" '$1 == u { print $3 }' "$root/etc/group")
  if [ -z "$app_uid" ] || [ -z "$app_gid" ]; then die "could not create user $app_user"; fi
  log "user: $app_user (uid $app_uid, gid $app_gid)"
}

# chown only as root (a non-root developer can still provision a scratch root)
own() { if [ "$(id -u)" = 0 ]; then chown "$@"; fi; }

# ---------------------------------------------------------------------------------------------
# The application and its configuration
install_app() {
  [ -n "$artifact_dir" ] || die "--artifact-dir is required (conduit.jar and libs/)"
  [ -f "$artifact_dir/conduit.jar" ] || die "$artifact_dir/conduit.jar not found (run ./mvnw package)"
  [ -d "$artifact_dir/libs" ] || die "$artifact_dir/libs not found (the jar's classpath)"

  local app=$root/opt/conduit
  log "app: installing into ${prefix}/opt/conduit"
  install -d -m 0755 "$app"
  rm -rf "$app/libs" "$app/conduit.aot"   # no stale jar may stay on the classpath
  install -m 0644 "$artifact_dir/conduit.jar" "$app/conduit.jar"
  install -d -m 0755 "$app/libs"
  install -m 0644 "$artifact_dir"/libs/*.jar "$app/libs/"
  # The dependency inventory (CycloneDX SBOM written by the Maven build), shipped beside the jar.
  if [ -f "$artifact_dir/conduit.cdx.json" ]; then install -m 0644 "$artifact_dir/conduit.cdx.json" "$app/"; else log "sbom: none in the artifact dir"; fi
  ln -sfn "$java_home" "$app/jdk"
  own -R root:root "$app"

  # Per-environment settings arrive from cloud-init into /etc/conduit/conduit.env.
  install -d -m 0750 "$root/etc/conduit"
  own "root:$app_gid" "$root/etc/conduit"

  # State and logs (the unit's StateDirectory=/LogsDirectory= keep these owned by the user;
  # the log directory exists beforehand so StandardOutput=append: can open its file).
  install -d -m 0750 "$root/var/lib/conduit" "$root/var/log/conduit"
  own "$app_uid:$app_gid" "$root/var/lib/conduit" "$root/var/log/conduit"

  # Run by cloud-init last: readiness signal for CloudFormation's creation and update policies.
  install -d -m 0755 "$app/bin"
  install -m 0755 "$files/signal-ready" "$app/bin/signal-ready"

  install -d -m 0755 "$root/etc/systemd/system"
  install -m 0644 "$files/conduit.service" "$root/etc/systemd/system/conduit.service"
  install -d -m 0755 "$root/etc/logrotate.d"
  install -m 0644 "$files/logrotate.conf" "$root/etc/logrotate.d/conduit"

  local cw=$root/opt/aws/amazon-cloudwatch-agent/etc
  install -d -m 0755 "$cw"
  install -m 0644 "$files/cloudwatch-agent.json" "$cw/conduit.json"
  install -m 0644 "$files/prometheus.yaml" "$cw/conduit-prometheus.yaml"
  if on_target && getent passwd cwagent >/dev/null; then
    usermod -a -G "$app_user" cwagent   # lets the agent read /var/log/conduit
  fi

  {
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "jar_sha256=$(sha256sum "$app/conduit.jar" | cut -d' ' -f1)"
    echo "java_home=$java_home"
    echo "java_version=$("$java_home/bin/java" -version 2>&1 | head -n 1)"
  } >"$app/BUILD-INFO"
  chmod 0644 "$app/BUILD-INFO"
}

# The unit's ExecStart command line, continuation lines joined.
unit_exec_start() {
  awk '
    /^ExecStart=/ { on = 1; sub(/^ExecStart=/, "") }
    on { line = $0; cont = sub(/[ \t]*\\[ \t]*$/, " ", line); out = out line; if (!cont) { print out; exit } }
  ' "$1"
}

# ---------------------------------------------------------------------------------------------
# JDK AOT cache: run the app with the unit's own flags plus -XX:AOTCacheOutput, send it a few
# requests of each kind, stop it with SIGTERM; the JVM writes the cache as it exits.
train_aot() {
  local app=$root/opt/conduit
  if [ "$aot" = skip ]; then
    log "aot: skipped"
    return
  fi
  local -a cmd train=()
  read -r -a cmd <<<"$(unit_exec_start "$root/etc/systemd/system/conduit.service")"
  [ "${#cmd[@]}" -gt 2 ] || die "could not read ExecStart from conduit.service"
  local arg found=0
  for arg in "${cmd[@]}"; do
    case $arg in
      -XX:AOTCache=*) arg="-XX:AOTCacheOutput=/opt/conduit/conduit.aot"; found=1 ;;
    esac
    train+=("${arg//\/opt\/conduit\//$prefix/opt/conduit/}")
  done
  [ "$found" = 1 ] || die "conduit.service has no -XX:AOTCache= flag"

  local work pid base=http://127.0.0.1:$aot_port observe=http://127.0.0.1:$aot_observe_port
  work=$(mktemp -d)
  log "aot: training run on port $aot_port: ${train[*]}"
  (cd "$app" && exec env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$work" PORT="$aot_port" OBSERVE_PORT="$aot_observe_port" \
    CONDUIT_DATA_DIR="$work/data" DRAIN_SECONDS=0 SHUTDOWN_GRACE_SECONDS=5 \
    "${train[@]}") >"$work/training.log" 2>&1 &
  pid=$!

  local i ready=0
  for i in $(seq 1 240); do
    if curl -fsS -o /dev/null --max-time 2 "$observe/observe/health/ready" 2>/dev/null; then ready=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ "$ready" != 1 ]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    tail -n 40 "$work/training.log" >&2 || true
    rm -rf "$work"
    die "aot: the training run did not become ready within 120 s"
  fi
  log "aot: ready after ~$((i / 2)) s; exercising the API"
  aot_workload "$base" "$observe"

  log "aot: stopping the training run with SIGTERM; the JVM writes the cache on exit"
  kill -TERM "$pid"
  local rc=0 stopped=0
  for i in $(seq 1 360); do
    # Gone, or a zombie waiting to be reaped by this shell (kill -0 still succeeds on those).
    if ! kill -0 "$pid" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
      stopped=1
      break
    fi
    sleep 0.5
  done
  if [ "$stopped" != 1 ]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
    die "aot: the training run did not exit within 180 s of SIGTERM"
  fi
  wait "$pid" || rc=$?
  if [ ! -s "$app/conduit.aot" ]; then
    tail -n 40 "$work/training.log" >&2 || true
    rm -rf "$work"
    die "aot: no cache written (exit status $rc)"
  fi
  local skipped
  skipped=$(grep -c '\[warning\]\[aot\] Skipping' "$work/training.log" || true)
  grep -E '^AOTCache creation' "$work/training.log" | sed 's/^/[provision]   /' || true
  log "aot: ${skipped:-0} classes not cacheable (signed jars, JFR events, proxies: expected)"
  rm -rf "$work"
  chmod 0644 "$app/conduit.aot"
  own root:root "$app/conduit.aot"
  log "aot: cache written ($(du -h "$app/conduit.aot" | cut -f1))"
}

# A small, representative workload: health, metrics, reads, a user, an article, a comment.
aot_workload() {
  local base=$1 observe=$2 round token slug auth json=(-H 'Content-Type: application/json')
  aot_requests=0 aot_ok=0
  req() {
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$@" 2>/dev/null || true)
    aot_requests=$((aot_requests + 1))
    case $code in 2*) aot_ok=$((aot_ok + 1)) ;; esac
  }
  for round in 1 2 3; do
    req "$observe/observe/health/live"
    req "$observe/observe/health/ready"
    req "$observe/observe/metrics"
    req "$base/"
    req "$base/api/tags"
    req "$base/api/articles?limit=10"
    token=$(curl -sS --max-time 10 "${json[@]}" -X POST "$base/api/users" \
      -d "{\"user\":{\"username\":\"aot$round\",\"email\":\"aot$round@example.invalid\",\"password\":\"training-run-$round\"}}" \
      2>/dev/null | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p') || true
    req "${json[@]}" -X POST "$base/api/users/login" \
      -d "{\"user\":{\"email\":\"aot$round@example.invalid\",\"password\":\"training-run-$round\"}}"
    req "${json[@]}" -X POST "$base/api/users/login" -d '{"user":{"email":"","password":""}}'
    [ -n "$token" ] || continue
    auth=(-H "Authorization: Token $token")
    req "${auth[@]}" "$base/api/user"
    slug=$(curl -sS --max-time 10 "${json[@]}" "${auth[@]}" -X POST "$base/api/articles" \
      -d "{\"article\":{\"title\":\"Training $round\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"aot\"]}}" \
      2>/dev/null | sed -n 's/.*"slug" *: *"\([^"]*\)".*/\1/p') || true
    req "${auth[@]}" "$base/api/articles/feed"
    req "$base/api/profiles/aot$round"
    [ -n "$slug" ] || continue
    req "$base/api/articles/$slug"
    req "${json[@]}" "${auth[@]}" -X POST "$base/api/articles/$slug/comments" -d '{"comment":{"body":"c"}}'
    req "$base/api/articles/$slug/comments"
    req "${auth[@]}" -X POST "$base/api/articles/$slug/favorite"
    req "$base/api/articles?tag=aot"
  done
  log "aot: workload sent $aot_requests requests, $aot_ok answered 2xx"
}

verify_target() {
  on_target || return 0
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    local out
    out=$(systemd-analyze verify /etc/systemd/system/conduit.service 2>&1) || die "unit: $out"
    [ -z "$out" ] || die "unit: systemd-analyze verify: $out"
    log "unit: systemd-analyze verify clean"
  fi
}

# ---------------------------------------------------------------------------------------------
# Seal: nothing instance-specific or secret may be in the snapshot.
seal_image() {
  log "seal: removing SSH authorized keys and host keys"
  rm -f "$root"/root/.ssh/authorized_keys "$root"/home/*/.ssh/authorized_keys
  rm -f "$root"/etc/ssh/ssh_host_*
  rm -f "$root"/root/.bash_history "$root"/home/*/.bash_history
  rm -rf "$root/tmp/conduit-bake" "$root"/var/tmp/conduit-*
  if on_target; then
    log "seal: disabling sshd (access is through SSM), cleaning caches and cloud-init state"
    systemctl disable sshd.service >/dev/null 2>&1 || true
    systemctl is-enabled amazon-ssm-agent.service >/dev/null 2>&1 || die "amazon-ssm-agent is not enabled"
    dnf -y -q clean all || true
    cloud-init clean --logs || true
    journalctl --rotate >/dev/null 2>&1 || true
    journalctl --vacuum-time=1s >/dev/null 2>&1 || true
  fi
  # A fresh machine id per instance
  if [ -f "$root/etc/machine-id" ]; then : >"$root/etc/machine-id"; fi
  log "seal: done"
}

if [ "$seal" = 1 ]; then
  seal_image
  exit 0
fi

packages=install
if [ "$skip_packages" = 1 ] || ! on_target; then packages=skip; fi
log "target: ${prefix:-/} (packages: $packages, aot: $aot)"
install_packages
find_java_home
create_user
install_app
train_aot
verify_target
log "done"
