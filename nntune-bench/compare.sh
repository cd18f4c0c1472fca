#!/usr/bin/env bash
# Runs an end-to-end comparison (org.nntune.bench.Compare) from the repository root.
# Build first: ./mvnw -q package -DskipTests -pl nntune-bench -am
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  echo "compare.sh: $jar is missing; build it with: ./mvnw -q package -DskipTests -pl nntune-bench -am" >&2
  exit 2
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
quoted="nntune-bench/compare.sh"
for a in "$@"; do quoted+=" $(printf '%q' "$a")"; done
exec "$java_bin" -cp "$jar" "-Dnntune.bench.command=$quoted" org.nntune.bench.Compare "$@"
