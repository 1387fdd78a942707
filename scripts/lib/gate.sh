# shellcheck shell=bash
# Sourced by scripts/test: the gate's accounting, kept apart so that tests/gate/test-gate can
# prove that each way of weakening the gate fails it.
#
# Every stage ends in gate_stage NAME PASSED FAILED SKIPPED EXIT_CODE [NOTE]. A stage fails when
# its own command exited non-zero, when any of its checks failed or was skipped, or when it ran
# nothing: a suite that is missing, a stage that crashed before counting, or a test class that
# skipped itself (a missing environment variable) can never pass as "0 failed".

GATE_ROWS=()
GATE_PASSED=0
GATE_FAILED=0

# gate_stage NAME PASSED FAILED SKIPPED EXIT_CODE [NOTE]
gate_stage() {
  local name=$1 passed=${2:-0} failed=${3:-0} skipped=${4:-0} rc=${5:-0} note=${6:-} status=ok
  [[ $passed =~ ^[0-9]+$ ]] || passed=0
  [[ $failed =~ ^[0-9]+$ ]] || failed=0
  [[ $skipped =~ ^[0-9]+$ ]] || skipped=0
  if [ "$rc" != 0 ] || [ "$failed" -gt 0 ] || [ "$skipped" -gt 0 ] || [ "$passed" -eq 0 ]; then
    status=FAIL
    if [ "$failed" -eq 0 ]; then
      # A stage that failed without a failed check (exit code, skips, nothing run) still counts.
      failed=1
    fi
    [ -n "$note" ] || note="exit code $rc, $skipped skipped, $passed passed"
  fi
  GATE_PASSED=$((GATE_PASSED + passed))
  GATE_FAILED=$((GATE_FAILED + failed))
  GATE_ROWS+=("$status|$name|$passed|$failed|$skipped|$note")
  echo "== $name: $passed passed, $failed failed, $skipped skipped${note:+ ($note)}" >&2
}

# gate_line_stage NAME EXIT_CODE OUTPUT_FILE: a stage whose output ends in "N passed, M failed".
gate_line_stage() {
  local name=$1 rc=$2 out=$3 line
  line=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$out" | tail -1 || true)
  if [ -z "$line" ]; then
    gate_stage "$name" 0 0 0 "$rc" "no result line in its output"
    return
  fi
  gate_stage "$name" "${line%% passed*}" "$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")" 0 "$rc"
}

# gate_conformance_stage NAME EXIT_CODE OUTPUT_FILE: scripts/conformance's exit code 3 means no
# verified copy of the suite could be had: a failure of the gate, never a skip.
gate_conformance_stage() {
  local name=$1 rc=$2 out=$3
  if [ "$rc" = 3 ]; then
    gate_stage "$name" 0 0 0 3 "the conformance suite could not be obtained"
    return
  fi
  gate_line_stage "$name" "$rc" "$out"
}

# gate_junit_stage NAME EXIT_CODE REPORT_DIR: counts Surefire's reports. Every test class must
# run: the gate starts every server the tests need, so a skipped test means a test lost its
# environment, and is named here.
gate_junit_stage() {
  local name=$1 rc=$2 dir=$3 counts
  counts=$(python3 - "$dir" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
names = []
for path in sorted(glob.glob(sys.argv[1] + "/TEST-*.xml")):
    suite = ET.parse(path).getroot()
    for case in suite.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
            names.append(case.get("classname", "?") + "." + case.get("name", "?"))
        else:
            passed += 1
for n in names:
    print("skipped: " + n, file=sys.stderr)
print(passed, failed, skipped)
PY
)
  local p f s
  read -r p f s <<<"$counts"
  gate_stage "$name" "${p:-0}" "${f:-0}" "${s:-0}" "$rc"
}

# gate_table: one row per stage, then the gate's last line. Returns non-zero when any stage failed.
gate_table() {
  local row any_failed=0 status name passed failed skipped note
  printf '\n%-6s %-58s %7s %7s %8s\n' status stage passed failed skipped >&2
  for row in "${GATE_ROWS[@]}"; do
    IFS='|' read -r status name passed failed skipped note <<<"$row"
    printf '%-6s %-58s %7s %7s %8s  %s\n' "$status" "$name" "$passed" "$failed" "$skipped" "$note" >&2
    [ "$status" = ok ] || any_failed=1
  done
  echo "test: $GATE_PASSED passed, $GATE_FAILED failed"
  [ "$any_failed" = 0 ]
}
