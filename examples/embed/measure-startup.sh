#!/usr/bin/env bash
# Measures the embedding example's start-up and first-call latency with and without a JDK 25 AOT cache
# (JEPs 483, 514, 515), in fresh JVMs, alternating. Usage, after ./mvnw -B -DskipTests package:
#   examples/embed/measure-startup.sh [ROUNDS]        (default 6; prints one line per run, then nothing else)
# The AOT cache is made once by a training run of the same program (-XX:AOTCacheOutput), then used
# with -XX:AOTCache. Both need the same JDK and the same class path, made of jars.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-6}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[ -x "$java" ] || java=java
v=0.1.0-SNAPSHOT
cp="$root/examples/embed/target/vecrl-examples-embed-$v.jar:$root/policy/target/vecrl-policy-$v.jar:$root/autodiff/target/vecrl-autodiff-$v.jar:$root/tensor/target/vecrl-tensor-$v.jar"
for j in ${cp//:/ }; do [ -f "$j" ] || { echo "measure-startup: $j is missing: run ./mvnw -B -DskipTests package first" >&2; exit 1; }; done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--add-modules jdk.incubator.vector -cp "$cp")
main=vecrl.examples.embed.WarmUpMeasure
"$java" "${flags[@]}" -XX:AOTCacheOutput="$work/app.aot" "$main" warm > /dev/null 2> "$work/train.log" \
  || { cat "$work/train.log" >&2; exit 1; }
echo "AOT cache: $(du -k "$work/app.aot" | cut -f1) KB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  for mode in cold warm; do
    for aot in none cache; do
      extra=()
      [ "$aot" = cache ] && extra=(-XX:AOTCache="$work/app.aot")
      printf '%-5s ' "$aot"
      "$java" "${flags[@]}" "${extra[@]}" "$main" "$mode" "$(date +%s%N)" 2>/dev/null
    done
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
