# shellcheck shell=bash
# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME if new enough, Temurin 25, any other JDK 21+ under /usr/lib/jvm, and
# finally the distribution's OpenJDK 21 or 25 package (Ubuntu 24.04, Debian 13).

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

pick_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/*; do
    if [ -z "$candidate" ] || [ ! -x "$candidate/bin/java" ] || [ ! -x "$candidate/bin/javac" ]; then
      continue
    fi
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(pick_java_home); then
  echo "No JDK 21+ found; installing one with apt-get" >&2
  apt-get update -qq
  apt-get install -y -qq openjdk-25-jdk-headless >/dev/null 2>&1 || apt-get install -y -qq openjdk-21-jdk-headless >/dev/null
  JAVA_HOME=$(pick_java_home) || { echo "Could not find or install a JDK 21+; set JAVA_HOME" >&2; exit 1; }
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
