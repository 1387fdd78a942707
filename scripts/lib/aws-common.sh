# shellcheck shell=bash
# Shared by scripts/bake, scripts/release and scripts/rollback: logging, AWS CLI calls that retry
# throttling, and following an instance refresh until it ends. Source it; it defines functions
# and a few variables, and runs nothing.
#
# Retries happen twice over on purpose: the CLI's own retry mode (standard, 5 attempts) smooths
# brief bursts, and aws_call backs off further (exponential with jitter, AWS_THROTTLE_RETRIES
# times) when the CLI still gives up with a throttling error, as happens when many releases
# poll the Auto Scaling API at once.

: "${AWS_RETRY_MODE:=standard}"
: "${AWS_MAX_ATTEMPTS:=5}"
export AWS_RETRY_MODE AWS_MAX_ATTEMPTS
: "${AWS_CLI:=aws}"
: "${AWS_THROTTLE_RETRIES:=8}"      # extra attempts after the CLI's own retries
: "${AWS_RETRY_BASE_SECONDS:=1}"    # first back-off; doubles each time
: "${AWS_RETRY_MAX_SECONDS:=30}"    # back-off cap

# Global options for every call (--region, --endpoint-url, --profile), filled by aws_global_opt.
AWS_OPTS=()
# The last failed call's error text, for callers that branch on the error code.
AWS_LAST_ERROR_FILE=$(mktemp "${TMPDIR:-/tmp}/conduit-aws-err.XXXXXX")
# shellcheck disable=SC2064
trap "rm -f '$AWS_LAST_ERROR_FILE'" EXIT

# The oldest AWS CLI that knows every instance refresh setting the scripts send: BakeTime, the
# newest of them, arrived in 2.19.0 / 1.35.19 (AutoRollback and RollbackInstanceRefresh in
# 2.11 / 1.27.69, AlarmSpecification in 2.13.6, MaxHealthyPercentage in 2.13.37). Debian 12's
# awscli 2.9 predates all of them and would fail halfway through a release.
AWS_CLI_MIN_V2=2.19.0
AWS_CLI_MIN_V1=1.35.19

log() { printf '%s %s\n' "$(date -u +%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $1"; exit "${2:-1}"; }   # die MESSAGE [EXIT_STATUS]

# aws_global_opt FLAG VALUE: record a global CLI option (empty values are ignored).
aws_global_opt() {
  if [ -n "$2" ]; then AWS_OPTS+=("$1" "$2"); fi
}

is_throttling() {
  grep -qE 'Throttling|ThrottlingException|RequestLimitExceeded|TooManyRequestsException|RequestThrottled|Rate exceeded|SlowDown|PriorRequestNotComplete' "$1"
}

# aws_call ARGS...: run the AWS CLI with the global options; stdout is the CLI's output.
# Throttling is retried with exponential back-off and jitter; any other error is printed and
# returned (its text stays in $AWS_LAST_ERROR_FILE).
aws_call() {
  local attempt=0 rc delay
  while :; do
    rc=0
    "$AWS_CLI" "${AWS_OPTS[@]}" "$@" 2>"$AWS_LAST_ERROR_FILE" || rc=$?
    if [ "$rc" = 0 ]; then return 0; fi
    if is_throttling "$AWS_LAST_ERROR_FILE" && [ "$attempt" -lt "$AWS_THROTTLE_RETRIES" ]; then
      attempt=$((attempt + 1))
      delay=$(awk -v b="$AWS_RETRY_BASE_SECONDS" -v n="$attempt" -v cap="$AWS_RETRY_MAX_SECONDS" -v r="$RANDOM" \
        'BEGIN { d = b * 2 ^ (n - 1); if (d > cap) d = cap; printf "%.2f", d / 2 + (d / 2) * r / 32767 }')
      log "throttled on '$1 $2' (attempt $attempt of $AWS_THROTTLE_RETRIES), retrying in ${delay}s"
      sleep "$delay"
      continue
    fi
    sed 's/^/    /' "$AWS_LAST_ERROR_FILE" >&2
    return "$rc"
  done
}

# version_at_least HAVE WANT: dotted numeric versions
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)" = "$2" ]
}

# require_aws_cli: refuse (exit 2) before touching anything when the CLI is too old.
require_aws_cli() {
  local out version want
  out=$("$AWS_CLI" --version 2>&1) || die "cannot run the AWS CLI ('$AWS_CLI --version' failed: $out)" 2
  version=$(sed -n 's|^aws-cli/\([0-9][0-9.]*\).*|\1|p' <<<"$out" | head -n 1)
  [ -n "$version" ] || die "cannot tell the AWS CLI's version from '$out'" 2
  case $version in
    1.*) want=$AWS_CLI_MIN_V1 ;;
    *) want=$AWS_CLI_MIN_V2 ;;
  esac
  version_at_least "$version" "$want" ||
    die "AWS CLI $version is too old: instance refresh bake time, alarms and rollback need $AWS_CLI_MIN_V2 or newer (v1: $AWS_CLI_MIN_V1)" 2
}

last_error_has() { grep -q -- "$1" "$AWS_LAST_ERROR_FILE"; }

require_uint() {  # require_uint NAME VALUE
  case $2 in ''|*[!0-9]*) die "$1 must be a whole number, not '$2'" 2 ;; esac
}

require_seconds() {  # require_seconds NAME VALUE (may be fractional, for tests)
  [[ $2 =~ ^[0-9]+([.][0-9]+)?$ ]] || die "$1 must be a number of seconds, not '$2'" 2
}

# Refresh states that mean "an instance refresh is still running for this group".
ACTIVE_REFRESH_STATES="'Pending','InProgress','Cancelling','RollbackInProgress','Baking'"

# active_refresh ASG: prints "ID<TAB>STATUS" of a running refresh, or nothing.
active_refresh() {
  local out
  out=$(aws_call autoscaling describe-instance-refreshes --auto-scaling-group-name "$1" \
    --query "InstanceRefreshes[?contains([$ACTIVE_REFRESH_STATES], Status)] | [0].[InstanceRefreshId, Status]" \
    --output text) || return 1
  if [ -n "$out" ] && [ "$out" != None ]; then printf '%s\n' "$out"; fi
}

# asg_launch_template ASG: prints "LT_ID<TAB>VERSION" the group launches from.
asg_launch_template() {
  local out
  out=$(aws_call autoscaling describe-auto-scaling-groups --auto-scaling-group-names "$1" \
    --query 'AutoScalingGroups[0].[LaunchTemplate.LaunchTemplateId || MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateId, LaunchTemplate.Version || MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version]' \
    --output text) || return 1
  case $out in
    ''|None*) die "auto scaling group '$1' not found, or it does not use a launch template" ;;
  esac
  printf '%s\n' "$out"
}

# resolve_lt_version LT_ID VERSION: turns $Latest / $Default into a number.
resolve_lt_version() {
  # shellcheck disable=SC2016 # literal launch template version names
  case $2 in
    '$Latest') aws_call ec2 describe-launch-templates --launch-template-ids "$1" \
      --query 'LaunchTemplates[0].LatestVersionNumber' --output text ;;
    '$Default') aws_call ec2 describe-launch-templates --launch-template-ids "$1" \
      --query 'LaunchTemplates[0].DefaultVersionNumber' --output text ;;
    *) printf '%s\n' "$2" ;;
  esac
}

# lt_version_field LT_ID VERSION QUERY: one field of a launch template version.
lt_version_field() {
  aws_call ec2 describe-launch-template-versions --launch-template-id "$1" --versions "$2" \
    --query "LaunchTemplateVersions[0].$3" --output text
}

# refresh_preferences WARMUP AUTO_ROLLBACK CHECKPOINTS CHECKPOINT_DELAY ALARMS BAKE_TIME
# Launch before terminate, half the group at a time: never below 100% healthy, up to 150%
# while the new half warms up (with checkpoints, the alarms judge each half before the next).
refresh_preferences() {
  local warmup=$1 auto_rollback=$2 checkpoints=$3 delay=$4 alarms=$5 bake=$6 p a first=1
  p="{\"MinHealthyPercentage\":100,\"MaxHealthyPercentage\":150,\"InstanceWarmup\":$warmup"
  p="$p,\"SkipMatching\":true,\"AutoRollback\":$auto_rollback"
  p="$p,\"ScaleInProtectedInstances\":\"Wait\",\"StandbyInstances\":\"Wait\""
  if [ -n "$checkpoints" ]; then
    p="$p,\"CheckpointPercentages\":[$checkpoints]"
    if [ -n "$delay" ]; then p="$p,\"CheckpointDelay\":$delay"; fi
  fi
  if [ -n "$alarms" ]; then
    p="$p,\"AlarmSpecification\":{\"Alarms\":["
    local IFS=,
    for a in $alarms; do
      if [ "$first" = 1 ]; then first=0; else p="$p,"; fi
      p="$p\"$a\""
    done
    p="$p]}"
  fi
  if [ -n "$bake" ]; then p="$p,\"BakeTime\":$bake"; fi
  printf '%s}\n' "$p"
}

# normalise_checkpoints "50,20,100" -> "20,50,100" (ascending, unique, ending at 100)
normalise_checkpoints() {
  local c list=()
  [ -n "$1" ] || return 0
  IFS=, read -r -a list <<<"$1"
  for c in "${list[@]}"; do
    require_uint "checkpoint" "$c"
    if [ "$c" -lt 1 ] || [ "$c" -gt 100 ]; then die "checkpoints must be between 1 and 100, not $c" 2; fi
  done
  printf '%s\n' "${list[@]}" 100 | sort -n -u | paste -sd, -
}

# follow_refresh ASG REFRESH_ID TIMEOUT_SECONDS POLL_SECONDS
# Prints progress until the refresh ends. Returns 0 on Successful, 10 on RollbackSuccessful,
# 11 on Failed / Cancelled / RollbackFailed, 12 on timeout and 13 when the refresh can no longer
# be read (an expired SSO token, a network error after the retries): in both of the last two the
# refresh keeps running.
follow_refresh() {
  local asg=$1 id=$2 timeout=$3 poll=$4 start now line status pct todo reason last=""
  start=$(date +%s)
  while :; do
    line=$(aws_call autoscaling describe-instance-refreshes --auto-scaling-group-name "$asg" \
      --instance-refresh-ids "$id" \
      --query 'InstanceRefreshes[0].[Status, PercentageComplete, InstancesToUpdate, StatusReason]' \
      --output text) || return 13
    IFS=$'\t' read -r status pct todo reason <<<"$line"
    [ "$pct" = None ] && pct=0
    [ "$todo" = None ] && todo=0
    [ "$reason" = None ] && reason=""
    if [ "$line" != "$last" ]; then
      log "refresh $id: $status, ${pct}% done, $todo to update${reason:+ - $reason}"
      last=$line
    fi
    case $status in
      Successful) return 0 ;;
      RollbackSuccessful) return 10 ;;
      Failed|Cancelled|RollbackFailed) return 11 ;;
      None|'') log "refresh $id not found"; return 13 ;;
    esac
    now=$(date +%s)
    if [ $((now - start)) -ge "$timeout" ]; then return 12; fi
    sleep "$poll"
  done
}

# group_ami ASG: the AMI of the launch template version the group uses now.
group_ami() {
  local line lt version
  line=$(asg_launch_template "$1") || return 1
  IFS=$'\t' read -r lt version <<<"$line"
  version=$(resolve_lt_version "$lt" "$version") || return 1
  lt_version_field "$lt" "$version" LaunchTemplateData.ImageId
}

# record_ami PARAMETER AMI NOTE: make PARAMETER (the stack's AmiId source) say AMI, so that the
# next stack update keeps what the group runs. SSM keeps every earlier value as a version.
record_ami() {
  aws_call ssm put-parameter --name "$1" --type String --data-type aws:ec2:image --overwrite \
    --value "$2" --description "${3:0:1000}" --query Version --output text >/dev/null ||
    { log "ERROR: could not write $2 to $1: a stack update now would put the group back on the old AMI; run: aws ssm put-parameter --name $1 --type String --data-type aws:ec2:image --overwrite --value $2"; return 1; }
  log "recorded $2 in $1 (the stack's AmiId source)"
}

# check_ami_parameter PARAMETER ASG RUNNING_AMI: warn when the parameter and the group disagree.
check_ami_parameter() {
  local recorded
  recorded=$(aws_call ssm get-parameter --name "$1" --query Parameter.Value --output text 2>/dev/null) || {
    log "warning: cannot read $1; it is written after the release"; return 0; }
  if [ "$recorded" != "$3" ]; then
    log "warning: $1 says $recorded but $2 runs $3: a stack update now would move the group to $recorded"
  fi
}
